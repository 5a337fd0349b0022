"""Writes for self-evaluation: a criterion's work saved with its rating, and check-and-submit."""

from django.db import transaction
from django.utils import timezone

from accreditation import audit
from accreditation.errors import Refusal
from portfolios import services as portfolio_services
from portfolios.exemplars import services as exemplar_services
from schools.permissions import is_school_lead

from .models import SelfRating


@transaction.atomic
def criterion_self_evaluate(
    *, response, actor, self_evaluation, evidence, rating, reason="", outcome_evidence=None
) -> SelfRating:
    """Save one criterion: the self-evaluation and linked evidence (through portfolios'
    response_update, which refuses a frozen criterion), the school's rating and reason, and which
    linked items show each outcome (those items are linked too). Writes audit entries; sends nothing."""
    if rating not in SelfRating.Rating.values:
        raise Refusal("Select how well your school meets this criterion")
    reason = (reason or "").strip()
    if rating != SelfRating.Rating.NOT_STARTED and not reason:
        raise Refusal("Enter a short reason for your rating")
    if len(reason) > 500:
        raise Refusal("The reason must be 500 characters or fewer")
    outcomes = len(response.criterion.outcomes)
    cleaned = {}
    for key, ids in (outcome_evidence or {}).items():
        if not str(key).isdigit() or int(key) >= outcomes:
            raise Refusal("Choose evidence for the criterion's own outcomes")
        cleaned[str(int(key))] = sorted({int(getattr(i, "pk", i)) for i in ids})
    linked = {getattr(item, "pk", item) for item in evidence} | {pk for ids in cleaned.values() for pk in ids}
    response = portfolio_services.response_update(
        response=response, actor=actor, self_evaluation=self_evaluation, evidence=sorted(linked)
    )
    self_rating, _ = SelfRating.objects.update_or_create(
        response=response,
        defaults={
            "rating": rating,
            "reason": reason,
            "outcome_evidence": cleaned,
            "updated_at": timezone.now(),
            "updated_by": actor,
        },
    )
    audit.record(
        actor=actor,
        action="application.self_rated",
        target=response.application,
        summary=f"Criterion {response.criterion.number}: {self_rating.get_rating_display()}",
        data={"criterion": response.criterion.number, "rating": rating},
    )
    return self_rating


def application_check_and_submit(
    *, application, actor, declaration, equality_declaration, may_share=False, may_name=False
):
    """Submit from the check-answers page: portfolios' application_submit (every rule checked again
    under the row lock; emails the lead and the H&W team after commit) and, in the same transaction,
    the school's consent to share extracts in the good-practice library."""
    with transaction.atomic():
        submitted = portfolio_services.application_submit(
            application=application, actor=actor, declaration=declaration, equality_declaration=equality_declaration
        )
        # The H&W team submitting a paper portfolio cannot consent for the school: only the lead can.
        if may_share or may_name or is_school_lead(actor, submitted.school):
            exemplar_services.consent_record(application=submitted, actor=actor, may_share=may_share, may_name=may_name)
    return submitted
