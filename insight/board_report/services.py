"""Producing the board report: requested by an admin, built in the background, kept as a record."""

import logging
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from accreditation import audit
from accreditation.errors import Refusal
from accreditation.pdf import render_pdf
from accreditation.permissions import is_hw_admin

from .build import SECTIONS
from .models import BoardReport

logger = logging.getLogger(__name__)
LONGEST = relativedelta(years=5)


# The tasks (insight.tasks) call this module's services; they are queued here by their registered
# names, so the two modules do not import each other.
TASK_NAMES = {"build": "insight.board_report.build", "pdf": "insight.board_report.render_pdf"}


def _enqueue(task_name, report_id):
    from celery import current_app

    try:
        current_app.signature(TASK_NAMES[task_name], kwargs={"report_id": report_id}).delay()
    except Exception:
        logger.exception("Could not queue the board report %s (%s); it can be produced again", report_id, task_name)


@transaction.atomic
def board_report_request(*, actor, period_start: date, period_end: date, title: str = "") -> BoardReport:
    """Record a request for a report on a date range and queue its production after commit.
    Audited; sends nothing."""
    if not is_hw_admin(actor):
        raise Refusal("Only the H&W team can produce the board report.")
    today = timezone.localdate()
    problems = []
    if period_end < period_start:
        problems.append("The end of the period must be the same as or after its start")
    if period_start > today:
        problems.append("The period must start today or in the past")
    if period_start + LONGEST < period_end:
        problems.append("The period can be at most 5 years long")
    if problems:
        raise Refusal(problems)
    report = BoardReport.objects.create(
        title=title.strip() or BoardReport._meta.get_field("title").default,
        period_start=period_start,
        period_end=period_end,
        requested_by=actor,
    )
    audit.record(actor=actor, action="board_report.requested", target=report, summary=str(report))
    transaction.on_commit(lambda: _enqueue("build", report.pk))
    return report


def _progress(report_id, percent, note, **fields):
    BoardReport.objects.filter(pk=report_id).update(progress=percent, progress_note=note, **fields)


def board_report_build(*, report_id: int) -> bool:
    """Compute every section (saving progress after each), then the PDF. Claims the report with a
    conditional UPDATE, so a second run of the same task does nothing. Returns True if it built it.
    A failure is kept on the report with its message; nothing is sent."""
    claimed = BoardReport.objects.filter(
        pk=report_id, status__in=[BoardReport.Status.QUEUED, BoardReport.Status.FAILED]
    ).update(status=BoardReport.Status.RUNNING, progress=0, progress_note="Starting", error="")
    if not claimed:
        return False
    report = BoardReport.objects.get(pk=report_id)
    today = timezone.localdate()
    try:
        sections = []
        for number, (_key, title, compute) in enumerate(SECTIONS):
            _progress(report_id, round(100 * number / (len(SECTIONS) + 1)), f"Working out: {title.lower()}")
            sections.append(compute(report.period_start, report.period_end, today))
        BoardReport.objects.filter(pk=report_id).update(sections=sections)
        _progress(report_id, round(100 * len(SECTIONS) / (len(SECTIONS) + 1)), "Drawing the PDF")
        report.refresh_from_db()
        pdf = render_report_pdf(report)
        _progress(
            report_id, 100, "Done", status=BoardReport.Status.READY, pdf=pdf, pdf_rendered_at=timezone.now(),
            produced_at=timezone.now(),
        )  # fmt: skip
    except Exception as error:
        logger.exception("Board report %s failed", report_id)
        BoardReport.objects.filter(pk=report_id).update(status=BoardReport.Status.FAILED, error=str(error)[:2000])
        return False
    return True


def render_report_pdf(report: BoardReport) -> bytes:
    from .presentation import sections_for_display

    return render_pdf(
        "insight/board_report/pdf.html", {"report": report, "sections": sections_for_display(report, for_pdf=True)}
    )


def board_report_render_pdf(*, report_id: int) -> None:
    """Draw the PDF again from the kept figures and the current commentary."""
    report = BoardReport.objects.filter(pk=report_id, status=BoardReport.Status.READY).first()
    if report is None:
        return
    BoardReport.objects.filter(pk=report_id).update(pdf=render_report_pdf(report), pdf_rendered_at=timezone.now())


@transaction.atomic
def board_report_comment(*, report: BoardReport, actor, commentary: dict[str, str]) -> BoardReport:
    """Save the admin's commentary per section; the PDF is drawn again in the background. Audited."""
    if not is_hw_admin(actor):
        raise Refusal("Only the H&W team can write the board report's commentary.")
    report = BoardReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_ready:
        raise Refusal("Write the commentary once the report is ready")
    keys = {section["key"] for section in report.sections}
    report.commentary = {key: text.strip() for key, text in commentary.items() if key in keys and text.strip()}
    report.pdf, report.pdf_rendered_at = None, None
    report.save(update_fields=["commentary", "pdf", "pdf_rendered_at"])
    audit.record(actor=actor, action="board_report.commentary_saved", target=report, summary=str(report))
    transaction.on_commit(lambda: _enqueue("pdf", report.pk))
    return report


@transaction.atomic
def board_report_retry(*, report: BoardReport, actor) -> BoardReport:
    """Queue a failed report (or one whose queueing failed) to be produced again. Audited."""
    if not is_hw_admin(actor):
        raise Refusal("Only the H&W team can produce the board report.")
    report = BoardReport.objects.select_for_update().get(pk=report.pk)
    if report.status == BoardReport.Status.READY:
        raise Refusal("This report is ready: start a new one for fresh figures")
    report.status = BoardReport.Status.QUEUED
    report.save(update_fields=["status"])
    audit.record(actor=actor, action="board_report.retried", target=report, summary=str(report))
    transaction.on_commit(lambda: _enqueue("build", report.pk))
    return report
