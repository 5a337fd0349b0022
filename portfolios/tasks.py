"""Thin Celery tasks for the evidence jobs; the work is in portfolios.jobs."""

import logging
from datetime import date

from celery import shared_task
from django.utils import timezone

from schools.models import School

from . import jobs

logger = logging.getLogger(__name__)


def _day(as_of: str | None) -> date:
    return date.fromisoformat(as_of) if as_of else timezone.localdate()


@shared_task(name="portfolios.tasks.sweep_stale_evidence", acks_late=True)
def sweep_stale_evidence(*, as_of: str | None = None):
    """Nightly: flag stale and expiring evidence, then queue one digest per school with changes."""
    day = _day(as_of)
    result = jobs.evidence_sweep_staleness(as_of=day)
    schools = jobs.schools_with_evidence_changes(as_of=day)
    for school_id in schools:
        send_evidence_digest.delay(school_id=school_id, as_of=day.isoformat())
    logger.info(
        "Evidence sweep %s: %s newly stale, %s expiring flags changed, %s digest(s) queued",
        day,
        result.newly_stale,
        result.expiring_changed,
        len(schools),
    )
    return {"newly_stale": result.newly_stale, "expiring_changed": result.expiring_changed, "digests": len(schools)}


@shared_task(name="portfolios.tasks.send_evidence_digest", bind=True, acks_late=True, max_retries=5)
def send_evidence_digest(self, *, school_id: int, as_of: str):
    school = School.objects.filter(pk=school_id).first()
    if school is None:
        logger.warning("Evidence digest: school %s no longer exists; nothing sent", school_id)
        return None
    try:
        digest = jobs.evidence_digest_send(school=school, as_of=date.fromisoformat(as_of))
    except Exception as exc:
        logger.warning("Evidence digest for school %s failed, will retry: %s", school_id, exc)
        raise self.retry(exc=exc, countdown=min(60 * 2**self.request.retries, 3600)) from exc
    return digest.pk if digest else None


@shared_task(name="portfolios.send_action_plan_review_reminders", acks_late=True)
def send_action_plan_review_reminders(*, as_of: str | None = None):
    """Daily: remind each school whose action plan is due its six-monthly review (once per due date)."""
    from .action_plans.services import plan_review_reminders_send

    day = _day(as_of)
    sent = plan_review_reminders_send(as_of=day)
    logger.info("Action plan review reminders %s: %s sent", day, sent)
    return {"sent": sent}


@shared_task(name="portfolios.scan_evidence", acks_late=True)
def scan_evidence(*, item_id: int):
    from . import scanning

    state = scanning.evidence_scan(item_id=item_id)
    logger.info("Virus scan of evidence %s: %s", item_id, state)
    return state


@shared_task(name="portfolios.rescan_pending_evidence", acks_late=True)
def rescan_pending_evidence():
    from . import scanning

    counts = scanning.evidence_scan_pending()
    logger.info("Rescan of evidence waiting for the virus scanner: %s", counts)
    return {str(k): v for k, v in counts.items()}


@shared_task(name="portfolios.build_portfolio_pdf", acks_late=True)
def build_portfolio_pdf(*, export_id: int):
    """Make a large portfolio's PDF in the background (issue 20); the work is in portfolios.pdf_exports."""
    from . import pdf_exports

    built = pdf_exports.portfolio_export_build(export_id=export_id)
    logger.info("Portfolio PDF export %s built: %s", export_id, built)
    return built
