"""Thin Celery tasks for the validating group: load, call a service, log."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="validation.tasks.place_submitted_applications", acks_late=True)
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


@shared_task(name="validation.tasks.send_draft_reminders", acks_late=True)
def send_draft_reminders(*, as_of: str | None = None):
    """Daily: remind schools with a draft that the next meeting's cut-off is within 14 days."""
    from . import reminders

    sent = reminders.draft_reminders_send(as_of=_day(as_of))
    logger.info("Draft cut-off reminders: %s sent", sent)
    return sent


@shared_task(name="validation.tasks.send_admin_weekly_digest", acks_late=True)
def send_admin_weekly_digest(*, as_of: str | None = None):
    """Mondays: the H&W admins' weekly summary (once per week, made up later in the week if missed)."""
    from . import reminders

    message = reminders.admin_weekly_digest_send(as_of=_day(as_of))
    logger.info("Weekly admin digest: %s", "queued" if message else "nothing to send")
    return message.pk if message else None


# Award expiry and agenda packs (issue 6): services in validation/awards_jobs.py and reminders.py. --


@shared_task(name="validation.tasks.sweep_award_expiry", acks_late=True)
def sweep_award_expiry(*, as_of: str | None = None):
    """Nightly: lapse the awards that have expired, then queue the expiry reminders due."""
    from . import awards_jobs

    day = _day(as_of)
    lapsed = awards_jobs.awards_lapse(as_of=day)
    due = awards_jobs.awards_needing_a_reminder(as_of=day)
    for award_id in due:
        send_award_expiry_reminder.delay(award_id=award_id, as_of=day.isoformat())
    logger.info("Award expiry %s: %s lapsed, %s award(s) to check for a reminder", day, lapsed, len(due))
    return {"lapsed": lapsed, "reminders_queued": len(due)}


@shared_task(name="validation.tasks.send_award_expiry_reminder", bind=True, acks_late=True, max_retries=5)
def send_award_expiry_reminder(self, *, award_id: int, as_of: str | None = None):
    """The latest expiry reminder due for one award (sent once; earlier stages missed are skipped)."""
    from . import awards_jobs
    from .models import Award

    award = Award.objects.filter(pk=award_id).first()
    if award is None:
        logger.warning("Award expiry reminder: award %s no longer exists; nothing sent", award_id)
        return None
    try:
        message = awards_jobs.award_expiry_reminder_send(award=award, as_of=_day(as_of))
    except Exception as exc:
        logger.warning("Award expiry reminder for award %s failed, will retry: %s", award_id, exc)
        raise self.retry(exc=exc, countdown=min(60 * 2**self.request.retries, 3600)) from exc
    return message.pk if message else None


@shared_task(name="validation.tasks.send_agenda_packs", acks_late=True)
def send_agenda_packs(*, as_of: str | None = None):
    """Daily: each assigned reviewer's agenda pack, from 7 days before the meeting (once each)."""
    from . import reminders

    sent = reminders.agenda_packs_send(as_of=_day(as_of))
    logger.info("Agenda packs: %s sent", sent)
    return sent


@shared_task(name="validation.tasks.send_further_information_reminders", acks_late=True)
def send_further_information_reminders(*, as_of: str | None = None):
    """Daily: remind schools 14 and 3 days before further information is due; tell the H&W team
    once it is overdue (idempotent: each notice is recorded before it is sent)."""
    from datetime import date

    from django.utils import timezone

    from . import further_information

    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    return further_information.further_information_reminders_send(as_of=day)
