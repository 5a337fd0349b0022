"""The virus check of stored evidence files: every write about it (services for one concept).

An uploaded file is stored in "being checked" (PENDING) and its scan is queued after commit. The
scan streams the stored file to clamd (accreditation.virus_scan): clean -> available; infected ->
the stored bytes are deleted, the item says "removed: this file contains a virus", it is unlinked
from the open application, the uploader is emailed and the removal audited. When clamd cannot be
reached the file stays PENDING (never released unscanned) and the periodic rescan tries again;
the admin dashboard shows how many wait (selectors.evidence_scan_backlog).
"""

import logging

from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accreditation import audit, notifications, virus_scan

from .models import Application, EvidenceItem

logger = logging.getLogger(__name__)
Scan = EvidenceItem.Scan


def queue_scan(items) -> None:
    """After commit, queue a scan of each item's file (the rescan job catches a lost one).

    With no scanner configured (a development copy: the settings require one in production)
    there is nothing to wait for: the files are marked "not scanned" at once, with a warning."""
    ids = [item.pk for item in items if item.file]
    if not ids:
        return
    if not virus_scan.is_configured():
        for item_id in ids:
            evidence_scan(item_id=item_id)
        for item in items:
            item.refresh_from_db(fields=["scan_state", "scanned_at"])
        return
    transaction.on_commit(lambda: _enqueue(ids))


def _enqueue(ids):
    # Queued by the task's registered name: portfolios.tasks calls this module, not the other way.
    from celery import current_app

    for item_id in ids:
        try:
            current_app.signature("portfolios.scan_evidence", kwargs={"item_id": item_id}).delay()
        except Exception:
            logger.exception("Could not queue the virus scan of evidence %s; the rescan job will", item_id)


def evidence_scan(*, item_id: int) -> str | None:
    """Scan one PENDING file and record the verdict; returns the new state, None if nothing to do.

    Clean: state CLEAN. Infected: the stored file is deleted, state INFECTED, the item unlinked
    from editable applications, an audit entry written and the uploader emailed. No scanner
    configured (DEBUG only): NOT_SCANNED, logged as a warning. Scanner unreachable: stays PENDING.
    """
    item = EvidenceItem.objects.filter(pk=item_id, scan_state=Scan.PENDING).exclude(file="").first()
    if item is None:
        return None
    if not virus_scan.is_configured():
        logger.warning(
            "NOT SCANNED: evidence %s (%s) released without a virus scan because CLAMAV_SOCKET is unset "
            "(development only)",
            item.pk,
            item.original_name,
        )
        return _record(item_id, Scan.NOT_SCANNED)
    try:
        with default_storage.open(item.file.name, "rb") as stream:
            verdict = virus_scan.scan(stream)
    except virus_scan.ScannerUnavailable as error:
        logger.warning("Evidence %s waits for the virus scanner: %s", item.pk, error)
        return Scan.PENDING
    if verdict.infected:
        return _record(item_id, Scan.INFECTED, signature=verdict.signature)
    return _record(item_id, Scan.CLEAN)


@transaction.atomic
def _record(item_id, state, *, signature=""):
    item = (
        # Lock the item's row only: uploaded_by may be empty (an outer join PostgreSQL cannot lock).
        EvidenceItem.objects.select_for_update(of=("self",))
        .select_related("school", "uploaded_by")
        .filter(pk=item_id, scan_state=Scan.PENDING)
        .first()
    )
    if item is None:  # another worker recorded it first
        return None
    item.scan_state, item.scanned_at, item.scan_signature = state, timezone.now(), signature[:200]
    if state != Scan.INFECTED:
        item.save(update_fields=["scan_state", "scanned_at", "scan_signature"])
        if state == Scan.NOT_SCANNED:
            audit.record(actor=None, action="evidence.not_scanned", target=item, summary=item.original_name)
        return state
    stored = item.file.name
    item.file = ""
    item.save(update_fields=["scan_state", "scanned_at", "scan_signature", "file"])
    for application in Application.objects.select_for_update().filter(
        responses__evidence=item, state__in=Application.EDITABLE_STATES
    ):
        for response in application.responses.filter(evidence=item):
            if response.is_editable:
                response.evidence.remove(item)
    audit.record(
        actor=None,
        action="evidence.virus_removed",
        target=item,
        summary=f"{item.original_name} for {item.school.name}: {signature}",
        data={"school": item.school_id, "sha256": item.sha256, "signature": signature},
    )
    if item.uploaded_by and item.uploaded_by.is_active:
        notifications.send(
            to=item.uploaded_by.email,
            template="evidence_virus_removed",
            context={
                "user": item.uploaded_by,
                "item": item,
                "school": item.school,
                "link": notifications_link(reverse("portfolios:evidence_library", args=[item.school_id])),
            },
        )
    transaction.on_commit(lambda: default_storage.delete(stored))
    logger.warning("Virus %s found in evidence %s (%s); file deleted", signature, item.pk, item.original_name)
    return state


def notifications_link(path: str) -> str:
    from django.conf import settings

    return f"{settings.SITE_URL}{path}"


def evidence_scan_pending(*, limit: int = 200) -> dict:
    """The periodic rescan: try every file still waiting, oldest first. Idempotent."""
    counts = {}
    ids = list(
        EvidenceItem.objects.filter(scan_state=Scan.PENDING)
        .exclude(file="")
        .order_by("uploaded_at")
        .values_list("pk", flat=True)[:limit]
    )
    for item_id in ids:
        state = evidence_scan(item_id=item_id)
        counts[state] = counts.get(state, 0) + 1
        if state == Scan.PENDING:
            break  # the scanner is not answering: the next run tries again
    return counts
