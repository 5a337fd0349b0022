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
