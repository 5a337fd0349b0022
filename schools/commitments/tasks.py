import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="schools.commitments.send_yearly_reminders")
def send_commitment_reminders():
    return services.commitments_remind()
