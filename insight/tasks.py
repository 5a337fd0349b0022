"""Thin Celery tasks of the reporting floor: load, call the service, log."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="insight.retention_sweep", acks_late=True)
def retention_sweep():
    """Nightly: apply the retention schedule to every kind of record (idempotent)."""
    from .privacy import schedule

    run = schedule.sweep(trigger="schedule")
    logger.info("Retention sweep %s: %s", run.get_status_display(), run.counts)
    return {"status": run.status, "counts": run.counts}
