"""Thin Celery tasks for the validating group: load, call a service, log."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def place_submitted_applications():
    """Put every submitted application onto the next meeting that can take it (idempotent)."""
    placed, waiting = services.agenda_place_waiting(by=None)
    logger.info("Placed %s application(s) on agendas; %s wait for a meeting with room", len(placed), len(waiting))
    return {"placed": len(placed), "waiting": len(waiting)}


# Reminders and digests (issue 6): the services are in validation/reminders.py. -----------------
# (Imports are local so this section stays self-contained beside the agenda tasks above.)


def _day(as_of):
    from datetime import date

    from django.utils import timezone

    return date.fromisoformat(as_of) if as_of else timezone.localdate()


@shared_task(acks_late=True)
def send_draft_reminders(*, as_of: str | None = None):
    """Daily: remind schools with a draft that the next meeting's cut-off is within 14 days."""
    from . import reminders

    sent = reminders.draft_reminders_send(as_of=_day(as_of))
    logger.info("Draft cut-off reminders: %s sent", sent)
    return sent


@shared_task(acks_late=True)
def send_admin_weekly_digest(*, as_of: str | None = None):
    """Mondays: the H&W admins' weekly summary (once per week, made up later in the week if missed)."""
    from . import reminders

    message = reminders.admin_weekly_digest_send(as_of=_day(as_of))
    logger.info("Weekly admin digest: %s", "queued" if message else "nothing to send")
    return message.pk if message else None


# Evidence retention (issue 7): validation/retention.py works out what is due; portfolios deletes. --


@shared_task(acks_late=True)
def apply_evidence_retention(*, as_of: str | None = None):
    """Weekly: delete the evidence files the retention schedule says are due (idempotent)."""
    from . import retention

    result = retention.retention_run(as_of=_day(as_of))
    if result is None:
        return None
    logger.info("Evidence retention: %s files removed (%s bytes), %s failed", result.files, result.bytes, result.failed)
    return {"files": result.files, "bytes": result.bytes, "failed": result.failed}
