import logging

from celery import shared_task

from .commitments.tasks import send_commitment_reminders  # noqa: F401  (so the worker finds it)
from .returns import services as returns_services

logger = logging.getLogger(__name__)


@shared_task(name="schools.tasks.send_return_reminders", acks_late=True)
def send_return_reminders():
    """Daily: remind schools whose termly return is due soon or overdue; tell the team what is late."""
    sent = returns_services.return_reminders_send()
    logger.info("Termly return reminders sent: %s", sent)
    return sent


@shared_task(name="schools.prune_school_changes")
def prune_school_changes():
    """Weekly: keep only each school's newest change row (schools.versions)."""
    from .versions.log import prune

    deleted = prune()
    logger.info("School change log pruned: %s rows", deleted)
    return deleted
