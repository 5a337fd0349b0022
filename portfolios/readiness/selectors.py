"""Readiness: each criterion's rating, outcome coverage and what is left, for the overview, the task
list and the check-answers page."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from portfolios import meetings
from portfolios import selectors as portfolio_selectors
from portfolios.models import EvidenceItem

from .models import SelfRating

RATING_TAGS = {
    SelfRating.Rating.NOT_STARTED: "govuk-tag--grey",
    SelfRating.Rating.PARTLY_MET: "govuk-tag--yellow",
    SelfRating.Rating.MET: "govuk-tag--green",
}


@dataclass
class OutcomeCoverage:
    text: str
    items: list
    stale_by_meeting: list


@dataclass
class CriterionReadiness:
    response: object
    rating: str
    rating_label: str
    reason: str
    items: list
    outcomes: list[OutcomeCoverage]
    stale: list
    stale_by_meeting: list
    left: list[str] = field(default_factory=list)

    @property
    def criterion(self):
        return self.response.criterion

    @property
    def rating_tag(self):
        return RATING_TAGS.get(self.rating, "govuk-tag--grey")

    @property
    def ready(self):
        return not self.left


@dataclass
class Readiness:
    rows: list[CriterionReadiness]
    general: list  # submission problems not tied to a criterion (eligibility, renewal, who submits)
    meeting_date: date | None
    as_of: date
    problems: list  # every submission problem (declarations aside), `general` included

    @property
    def ready(self):
        return not self.general and all(row.ready for row in self.rows)


def readiness_for(application, *, user, as_of: date | None = None) -> Readiness:
    as_of = as_of or timezone.localdate()
    meeting_date = meetings.meeting_date_for(application, as_of)
    responses = (
        application.responses.select_related("criterion", "self_rating")
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=EvidenceItem.objects.only("pk", "title", "kind", "produced_on", "stale_from").order_by(
                    "-produced_on"
                ),
            )
        )
        .order_by("criterion__number")
    )
    rows = []
    for response in responses:
        rating = getattr(response, "self_rating", None)
        items = list(response.evidence.all())
        by_pk = {item.pk: item for item in items}
        stale = [i for i in items if i.stale_from <= as_of]
        by_meeting = [i for i in items if i.stale_from > as_of and meeting_date and i.stale_from <= meeting_date]
        out_of_date = {i.pk for i in stale} | {i.pk for i in by_meeting}
        outcomes = []
        chosen = (rating.outcome_evidence if rating else {}) or {}
        for index, text in enumerate(response.criterion.outcomes):
            shown = [by_pk[pk] for pk in chosen.get(str(index), []) if pk in by_pk]
            outcomes.append(OutcomeCoverage(text, shown, [i for i in shown if i.pk in out_of_date]))
        value = rating.rating if rating else SelfRating.Rating.NOT_STARTED
        row = CriterionReadiness(
            response=response,
            rating=value,
            rating_label=SelfRating.Rating(value).label,
            reason=rating.reason if rating else "",
            items=items,
            outcomes=outcomes,
            stale=stale,
            stale_by_meeting=by_meeting,
        )
        if response.is_editable:
            row.left = _left(response, row, meeting_date)
        rows.append(row)
    problems = portfolio_selectors.submission_problems(application, user=user, as_of=as_of, check_declarations=False)
    # What is left on a criterion is listed under that criterion; the rest stands on its own.
    general = [p for p in problems if p.fix != "criterion"]
    return Readiness(rows=rows, general=general, meeting_date=meeting_date, as_of=as_of, problems=problems)


def _left(response, row, meeting_date) -> list[str]:
    left = []
    if not response.self_evaluation.strip():
        left.append("Write the self-evaluation")
    if not row.items:
        left.append("Link at least one piece of evidence")
    if row.stale:
        left.append(f"Remove or replace {len(row.stale)} item{'s' if len(row.stale) != 1 else ''} over 3 years old")
    if row.stale_by_meeting:
        n = len(row.stale_by_meeting)
        left.append(
            f"{n} item{'s' if n != 1 else ''} will be over 3 years old by the meeting on {meeting_date:%-d %B %Y}: "
            "link newer evidence"
        )
    uncovered = [str(i + 1) for i, outcome in enumerate(row.outcomes) if not outcome.items]
    if uncovered:
        left.append(f"Show which evidence meets outcome{'s' if len(uncovered) > 1 else ''} {', '.join(uncovered)}")
    if row.rating != SelfRating.Rating.MET:
        left.append(f"Your rating is “{row.rating_label.lower()}”")
    return left
