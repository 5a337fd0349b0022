"""Thin Celery tasks of the reporting floor: load, call the service, log."""

import logging
from datetime import date

from celery import shared_task
from django.utils import timezone

from . import retention

logger = logging.getLogger(__name__)


def _day(as_of: str | None) -> date:
    return date.fromisoformat(as_of) if as_of else timezone.localdate()


# Evidence retention (issue 7): insight/retention.py works out what is due; portfolios deletes.
# No longer scheduled on its own: the nightly retention sweep (below) deletes evidence by the
# same rules. Kept for a manual run and for unapplying insight/0002.
@shared_task(name="insight.tasks.apply_evidence_retention", acks_late=True)
def apply_evidence_retention(*, as_of: str | None = None):
    """Delete the evidence files the retention schedule says are due (idempotent)."""
    result = retention.retention_run(as_of=_day(as_of))
    if result is None:
        return None
    logger.info("Evidence retention: %s files removed (%s bytes), %s failed", result.files, result.bytes, result.failed)
    return {"files": result.files, "bytes": result.bytes, "failed": result.failed}


@shared_task(name="insight.retention_sweep", acks_late=True)
def retention_sweep():
    """Nightly: apply the retention schedule to every kind of record (idempotent)."""
    from .privacy import schedule

    run = schedule.sweep(trigger="schedule")
    logger.info("Retention sweep %s: %s", run.get_status_display(), run.counts)
    return {"status": run.status, "counts": run.counts}


@shared_task(name="insight.board_report.build")
def build_board_report(*, report_id):
    """Produce a board report in the background (issue 19): figures per section, then the PDF."""
    from .board_report import services

    built = services.board_report_build(report_id=report_id)
    logger.info("Board report %s built: %s", report_id, built)
    return built


@shared_task(name="insight.board_report.render_pdf")
def render_board_report_pdf(*, report_id):
    """Draw a board report's PDF again with its current commentary."""
    from .board_report import services

    services.board_report_render_pdf(report_id=report_id)
