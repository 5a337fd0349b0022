"""Thin Celery tasks of the core app: email delivery (see `outbox`) and the heartbeats."""

import logging

from celery import shared_task

from . import outbox

logger = logging.getLogger(__name__)


@shared_task(name="accreditation.tasks.deliver_email", acks_late=True)
def deliver_email(*, message_id: int):
    """Deliver one message. A failure is recorded on the row with the time of the next attempt
    (exponential back-off, capped: see `outbox`), which the sweep honours; the task never retries
    on its own, so a rejected address is not retried every few minutes for ever."""
    return outbox.outbox_deliver(message_id=message_id)


@shared_task(name="accreditation.tasks.sweep_outbox", acks_late=True)
def sweep_outbox():
    sent = outbox.outbox_sweep()
    logger.info("Outbox sweep sent %s message(s)", sent)
    return sent


@shared_task(name="accreditation.clean_upload_temp")
def clean_upload_temp():
    from . import uploads_temp

    return uploads_temp.clean_stale()
