"""Writes to the guidance: an admin's edit publishes a new version (a snapshot of every criterion)."""

from django.db import transaction

from accreditation import audit
from accreditation.errors import Refusal
from accreditation.permissions import is_hw_admin
from portfolios.models import CriteriaSet

from .models import CriterionGuidance, GuidanceVersion


def _clean(text: str) -> str:
    # Guidance is plain text shown escaped; drop control characters that would upset a PDF or print.
    lines = ["".join(ch for ch in line if ch.isprintable()).rstrip() for line in (text or "").splitlines()]
    return "\n".join(line for line in lines if line.strip())


@transaction.atomic
def guidance_publish(
    *, criterion, actor, looks_for, evidence_examples, common_reasons="", helpful_types="", change_note=""
) -> GuidanceVersion:
    """Publish a new guidance version for the criterion's set with this criterion's guidance changed
    (every other criterion's copied unchanged). Old versions are never changed, so submitted
    applications keep the guidance they were built against. Writes an audit entry; sends nothing."""
    if not is_hw_admin(actor):
        raise Refusal("Only the Health & Wellbeing team can change the guidance")
    criteria_set = CriteriaSet.objects.select_for_update().get(pk=criterion.criteria_set_id)
    new = {
        "looks_for": _clean(looks_for),
        "evidence_examples": _clean(evidence_examples),
        "common_reasons": _clean(common_reasons),
        "helpful_types": _clean(helpful_types),
    }
    errors = []
    if not new["looks_for"]:
        errors.append("Enter what the group looks for")
    if not new["evidence_examples"]:
        errors.append("Enter at least one example of evidence")
    if errors:
        raise Refusal(errors)
    latest = GuidanceVersion.objects.filter(criteria_set=criteria_set).order_by("-number").first()
    previous = {e.criterion_id: e for e in latest.entries.all()} if latest else {}
    old = previous.get(criterion.pk)
    if old is not None and all(getattr(old, name) == value for name, value in new.items()):
        raise Refusal("Nothing has changed, so no new version was published")
    version = GuidanceVersion.objects.create(
        criteria_set=criteria_set,
        number=(latest.number + 1) if latest else 1,
        published_by=actor,
        change_note=change_note.strip()[:300] or f"Criterion {criterion.number} changed",
    )
    rows = []
    for criterion_id, entry in previous.items():
        if criterion_id != criterion.pk:
            rows.append(
                CriterionGuidance(
                    version=version,
                    criterion_id=criterion_id,
                    **{name: getattr(entry, name) for name in CriterionGuidance.FIELDS},
                )
            )
    rows.append(CriterionGuidance(version=version, criterion=criterion, **new))
    CriterionGuidance.objects.bulk_create(rows)
    audit.record(
        actor=actor,
        action="guidance.published",
        target=version,
        summary=f"Version {version.number}: criterion {criterion.number}",
        data={"criterion": criterion.number, "version": version.number},
    )
    return version
