"""The evidence retention schedule: which evidence files of decided applications are deleted, and deleting them.

Portfolios owns evidence but not awards: validation works out which applications have passed
their retention date (from award expiry and decision dates) and passes their ids down
(insight.retention). Here the rule that protects evidence is enforced whatever is passed in:
a file is removed only when every application it is linked to (withdrawn ones aside) is in the
list, so evidence still used by an open application, a current award's application or a decided
application not yet due is never removed. The row stays, marked with `file_removed_on`, keeping
its title, dates and SHA-256 so the history reads true.
"""

import logging
from dataclasses import dataclass
from datetime import date

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from accreditation import audit
from accreditation.errors import Refusal
from schools import versions

from .models import Application, CriterionResponse, EvidenceItem, RetentionSchedule

logger = logging.getLogger(__name__)

MIN_YEARS = 1
MAX_YEARS = 50
BATCH_SIZE = 500
# Applications that may still change: their evidence is never removed, whatever the caller passes.
OPEN_STATES = [
    Application.State.DRAFT,
    Application.State.SUBMITTED,
    Application.State.SCHEDULED,
    Application.State.UNDER_REVIEW,
    Application.State.FURTHER_INFORMATION,
]


def schedule_get() -> RetentionSchedule:
    schedule, _ = RetentionSchedule.objects.get_or_create(pk=1)
    return schedule


def schedule_update(*, actor, years_after_award_expiry: int, years_after_decision: int, is_active: bool):
    """Change the retention schedule (1 to 50 years each) and record who changed it in the audit trail."""
    for field, value in (
        ("years_after_award_expiry", years_after_award_expiry),
        ("years_after_decision", years_after_decision),
    ):
        if value is None or value < MIN_YEARS:
            message = "Enter a period of at least 1 year: files are never deleted before an award expires"
            raise Refusal(message, field=field)
        if value > MAX_YEARS:
            raise Refusal(f"Enter a period of {MAX_YEARS} years or fewer", field=field)
    with transaction.atomic():
        schedule = RetentionSchedule.objects.select_for_update().get(pk=schedule_get().pk)
        before = {
            "years_after_award_expiry": schedule.years_after_award_expiry,
            "years_after_decision": schedule.years_after_decision,
            "is_active": schedule.is_active,
        }
        schedule.years_after_award_expiry = years_after_award_expiry
        schedule.years_after_decision = years_after_decision
        schedule.is_active = is_active
        schedule.updated_at = timezone.now()
        schedule.updated_by = actor
        schedule.save()
        after = {
            "years_after_award_expiry": years_after_award_expiry,
            "years_after_decision": years_after_decision,
            "is_active": is_active,
        }
        audit.record(
            actor=actor, action="retention.schedule_changed", target=schedule, data={"before": before, "after": after}
        )
    return schedule


def evidence_removable(application_ids) -> "EvidenceItem.objects":
    """Items with a file still stored, linked to one of `application_ids` and to no other live application."""
    application_ids = list(application_ids)
    blocking_link = CriterionResponse.evidence.through.objects.filter(evidenceitem_id=OuterRef("pk")).filter(
        ~Q(criterionresponse__application_id__in=application_ids)
        & ~Q(criterionresponse__application__state=Application.State.WITHDRAWN)
        | Q(criterionresponse__application__state__in=OPEN_STATES)
    )
    eligible_link = CriterionResponse.evidence.through.objects.filter(
        evidenceitem_id=OuterRef("pk"), criterionresponse__application_id__in=application_ids
    )
    return (
        EvidenceItem.objects.filter(file_removed_on__isnull=True)
        .exclude(file="")
        .filter(Exists(eligible_link))
        .exclude(Exists(blocking_link))
    )


@dataclass
class SchoolRemoval:
    school_id: int
    urn: int
    name: str
    files: int
    bytes: int


def removal_preview(application_ids) -> list[SchoolRemoval]:
    """What would be removed, by school: counts and sizes from the rows (no file is opened)."""
    rows = (
        evidence_removable(application_ids)
        .values("school_id", "school__urn", "school__name")
        .annotate(files=Count("id"), bytes=Sum("size"))
        .order_by("school__name", "school_id")
    )
    return [
        SchoolRemoval(r["school_id"], r["school__urn"], r["school__name"], r["files"], r["bytes"] or 0) for r in rows
    ]


@dataclass
class RemovalResult:
    files: int = 0
    bytes: int = 0
    schools: int = 0
    failed: int = 0


def evidence_remove_files_for_applications(
    *, application_ids, as_of: date, batch_size: int = BATCH_SIZE
) -> RemovalResult:
    """Delete from storage the files of evidence due for removal, then mark their rows (file cleared).

    Set-based in bounded batches: each batch reads ids and storage names, deletes the files, then
    one UPDATE marks the rows that are still unmarked. A file whose deletion fails keeps its row
    unmarked, so the next run tries again; a second run finds nothing left to do. Logs and audits
    counts, ids and sizes only (no names of people, schools or files).
    """
    application_ids = list(application_ids)
    result = RemovalResult()
    schools = set()
    removed_ids = []
    failed_ids = set()
    while True:
        batch = list(
            evidence_removable(application_ids)
            .exclude(pk__in=failed_ids)
            .order_by("pk")
            .values_list("pk", "file", "size", "school_id")[:batch_size]
        )
        if not batch:
            break
        done = []
        for pk, name, size, school_id in batch:
            try:
                default_storage.delete(name)
            except Exception:  # storage errors vary by backend (OSError, botocore's ClientError...)
                logger.exception("retention: could not delete the file of evidence item %s", pk)
                failed_ids.add(pk)
                continue
            done.append(pk)
            result.bytes += size
            schools.add(school_id)
        updated = EvidenceItem.objects.filter(pk__in=done, file_removed_on__isnull=True).update(
            file="", file_removed_on=as_of, updated_at=timezone.now()
        )
        versions.changed(schools)
        result.files += updated
        removed_ids.extend(done)
    result.schools = len(schools)
    result.failed = len(failed_ids)
    logger.info(
        "retention: removed %s evidence files (%s bytes) of %s schools as of %s; %s failed; ids %s",
        result.files,
        result.bytes,
        result.schools,
        as_of.isoformat(),
        result.failed,
        removed_ids,
    )
    if result.files or result.failed:
        audit.record(
            actor=None,
            action="retention.files_removed",
            summary=f"{result.files} evidence files removed ({result.bytes} bytes) from {result.schools} schools",
            data={
                "as_of": as_of.isoformat(),
                "files": result.files,
                "bytes": result.bytes,
                "schools": result.schools,
                "failed": result.failed,
                "evidence_ids": removed_ids[:5000],
            },
        )
    return result
