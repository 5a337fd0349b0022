"""Portfolio PDFs made in the background (issue 20).

A portfolio with more evidence links than PORTFOLIO_PDF_INLINE_MAX_ITEMS takes too long to lay
out while a browser waits, so its PDF link records a PortfolioExport and queues the task
`portfolios.build_portfolio_pdf`, which calls `portfolio_export_build` here. The build lays the
PDF out criterion by criterion (portfolios.exports.portfolio_pdf), saving how many evidence links
are done after each, then stores the file in private storage. Its status page refreshes itself
and offers the file when ready. Repeated requests reuse the export still queued or running; a
job that died with its worker is marked failed when it is next asked for. The files are deleted
under the retention schedule (insight.privacy.schedule, "portfolio-pdfs"), through
`portfolio_exports_purge`.
"""

import logging
import uuid
from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from schools import versions

from . import exports, selectors
from .models import Application, PortfolioExport

logger = logging.getLogger(__name__)

TASK_NAME = "portfolios.build_portfolio_pdf"
STOPPED = PortfolioExport.STOPPED
NOT_QUEUED = "The export could not be started: the background job queue did not answer."


def _enqueue(export_id: int) -> None:
    # Queued by the task's registered name: portfolios.tasks calls this module, not the other way.
    from celery import current_app

    try:
        current_app.signature(TASK_NAME, kwargs={"export_id": export_id}).delay()
    except Exception:
        logger.exception("Could not queue portfolio PDF export %s; it is marked failed so it can be retried", export_id)
        not_queued = PortfolioExport.objects.filter(pk=export_id, status=PortfolioExport.Status.QUEUED)
        with versions.changing(not_queued):
            not_queued.update(status=PortfolioExport.Status.FAILED, error=NOT_QUEUED, finished_at=timezone.now())


def _fail_dead_jobs(application: Application, now: datetime) -> int:
    dead = PortfolioExport.objects.filter(application=application).filter(
        status=PortfolioExport.Status.QUEUED, created_at__lt=now - PortfolioExport.QUEUED_TOO_LONG
    ) | PortfolioExport.objects.filter(application=application).filter(
        status=PortfolioExport.Status.RUNNING, started_at__lt=now - PortfolioExport.RUNNING_TOO_LONG
    )
    with versions.changing(dead):
        return dead.update(status=PortfolioExport.Status.FAILED, error=STOPPED, finished_at=now)


def portfolio_export_request(*, application: Application, actor) -> PortfolioExport:
    """The application's PDF export still queued or running, or a new one queued after commit.

    Reuses an active export whoever asked for it (one per application, by a unique constraint, so
    two clicks at once still make one). An active export past its time is marked failed first.
    Sends nothing; the caller has checked that `actor` may see the portfolio.
    """
    now = timezone.now()
    with transaction.atomic():
        _fail_dead_jobs(application, now)
        active = PortfolioExport.objects.filter(application=application, status__in=PortfolioExport.ACTIVE).first()
        if active is not None:
            return active
        try:
            with transaction.atomic():
                export = PortfolioExport.objects.create(
                    application=application,
                    requested_by=actor,
                    items_total=selectors.evidence_link_count(application),
                    criteria_total=application.responses.count(),
                    created_at=now,
                )
        except IntegrityError:  # another request made one a moment ago
            return PortfolioExport.objects.get(application=application, status__in=PortfolioExport.ACTIVE)
        transaction.on_commit(lambda: _enqueue(export.pk))
    logger.info("Portfolio PDF export %s of application %s queued", export.pk, application.pk)
    return export


def _save_progress(export_id, school_id, **fields):
    PortfolioExport.objects.filter(pk=export_id).update(**fields)
    versions.changed([school_id])  # the task list shows the export's progress


def portfolio_export_build(*, export_id: int) -> bool:
    """Make the export's PDF and store it; returns True if this call made it.

    Claims a queued export with a conditional UPDATE (a second run of the same task, or a job
    already marked failed, does nothing), saves the progress after each criterion, then stores
    the file under portfolio-exports/ in private storage and marks it done. Any error marks it
    failed with the error kept for support; the file is never half-written. Sends nothing.
    """
    waiting = PortfolioExport.objects.filter(pk=export_id, status=PortfolioExport.Status.QUEUED)
    with versions.changing(waiting):
        claimed = waiting.update(
            status=PortfolioExport.Status.RUNNING, stage=PortfolioExport.Stage.COLLECTING, started_at=timezone.now()
        )
    if not claimed:
        logger.info("Portfolio PDF export %s was not waiting; nothing to do", export_id)
        return False
    export = PortfolioExport.objects.select_related("application__school").get(pk=export_id)
    school_id = export.application.school_id
    name = ""
    try:
        data = exports.portfolio_pdf(
            export.application, on_progress=lambda **progress: _save_progress(export_id, school_id, **progress)
        )
        name = default_storage.save(
            f"portfolio-exports/{export.application_id}/{uuid.uuid4().hex}.pdf", ContentFile(data)
        )
        finished = PortfolioExport.objects.filter(pk=export_id, status=PortfolioExport.Status.RUNNING).update(
            status=PortfolioExport.Status.DONE,
            stage=PortfolioExport.Stage.FINISHED,
            file=name,
            size=len(data),
            finished_at=timezone.now(),
        )
        versions.changed([school_id])
        if not finished:  # marked failed as dead meanwhile: keep no orphan file
            default_storage.delete(name)
            return False
    except Exception as error:  # any failure is the export's, shown on its page with a retry
        logger.exception("Portfolio PDF export %s failed", export_id)
        if name:
            default_storage.delete(name)
        _save_progress(
            export_id,
            school_id,
            status=PortfolioExport.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        return False
    logger.info("Portfolio PDF export %s done: %s bytes", export_id, len(data))
    return True


def portfolio_exports_older_than(cutoff: datetime):
    """Exports asked for before `cutoff`, whatever became of them (retention)."""
    return PortfolioExport.objects.filter(created_at__lt=cutoff)


def portfolio_exports_purge(*, cutoff: datetime) -> int:
    """Delete the exports asked for before `cutoff` and their files; returns how many.

    Set-based and idempotent: rows are deleted in one statement after their files; a file whose
    deletion fails keeps its row, so the next run tries again. Logs counts only.
    """
    rows = list(portfolio_exports_older_than(cutoff).values_list("pk", "file"))
    gone = []
    for pk, name in rows:
        if name:
            try:
                default_storage.delete(name)
            except Exception:  # storage errors vary by backend
                logger.exception("Could not delete the file of portfolio PDF export %s", pk)
                continue
        gone.append(pk)
    deleted, _ = PortfolioExport.objects.filter(pk__in=gone).delete()
    if rows:
        logger.info("Portfolio PDF exports: %s deleted, %s kept for another try", deleted, len(rows) - len(gone))
    return deleted
