import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="accreditation.tasks.deliver_email", bind=True, acks_late=True, max_retries=8, retry_backoff=True)
def deliver_email(self, *, message_id: int):
    try:
        services.outbox_deliver(message_id=message_id)
    except Exception as exc:
        logger.warning("Email %s not delivered, will retry: %s", message_id, exc)
        raise self.retry(exc=exc, countdown=min(60 * 2**self.request.retries, 3600)) from exc


@shared_task(name="accreditation.tasks.sweep_outbox", acks_late=True)
def sweep_outbox():
    sent = services.outbox_sweep()
    logger.info("Outbox sweep sent %s message(s)", sent)
    return sent
