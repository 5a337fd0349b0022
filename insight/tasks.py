"""Insight's background tasks: thin, each with an explicit name."""

import logging

from celery import shared_task

from .board_report import services as board_report_services

logger = logging.getLogger(__name__)


@shared_task(name="insight.board_report.build")
def build_board_report(*, report_id):
    built = board_report_services.board_report_build(report_id=report_id)
    logger.info("Board report %s built: %s", report_id, built)
    return built


@shared_task(name="insight.board_report.render_pdf")
def render_board_report_pdf(*, report_id):
    board_report_services.board_report_render_pdf(report_id=report_id)
