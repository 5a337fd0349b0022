"""Renewal continuity (issue 17): what a renewal starts from.

Starting a renewal pre-fills the development area from the previous feedback's areas (the school
chooses one or names another), carries forward the previous portfolio's evidence that will still
be under three years old at the next validating group meeting, lists what must be replaced, and
links the action plan as the record of progress. Meeting dates are validation's: portfolios.meetings
holds the provider validation registers, so portfolios never imports validation.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from . import dates, meetings, selectors
from .models import Application


def next_meeting_date(as_of: date) -> date | None:
    """The date of the next meeting a submission made on `as_of` could reach (portfolios.meetings
    asks validation, which registers the answer there)."""
    meeting = meetings.next_meeting_for_submission(as_of)
    return meeting.date if meeting else None


def previous_areas(previous: Application | None) -> list[str]:
    """The previous feedback's areas for future consideration, one per row: from the action plan
    the feedback made (the structured rows), else the letter's text a line each."""
    if previous is None:
        return []
    rows = list(previous.plan_actions.exclude(source_key="").order_by("source_key").values_list("what", flat=True))
    if rows:
        return rows
    return [line.strip(" -•*–\t") for line in previous.areas_for_future.splitlines() if line.strip(" -•*–\t")]


@dataclass
class CarryForward:
    """Per criterion number: the previous evidence kept, and what must be replaced."""

    check_date: date
    meeting_date: date | None
    kept: dict = field(default_factory=dict)
    replace: dict = field(default_factory=dict)

    @property
    def kept_count(self):
        return sum(len(items) for items in self.kept.values())

    @property
    def replace_list(self):
        return [(number, item) for number, items in sorted(self.replace.items()) for item in items]


def carry_forward(previous: Application | None, as_of: date | None = None) -> CarryForward:
    """Which of the previous portfolio's evidence a renewal carries forward: items still under
    three years old on the next meeting's date (or today, when no meeting is planned); the rest
    must be replaced before the school submits."""
    as_of = as_of or timezone.localdate()
    meeting = next_meeting_date(as_of)
    check = max(meeting, as_of) if meeting else as_of
    plan = CarryForward(check_date=check, meeting_date=meeting)
    if previous is None:
        return plan
    for response in previous.responses.select_related("criterion").prefetch_related("evidence"):
        number = response.criterion.number
        for item in response.evidence.all():
            target = plan.replace if dates.is_stale(item.produced_on, check) else plan.kept
            target.setdefault(number, []).append(item)
    return plan


def award_preview(school, as_of: date | None = None) -> dict | None:
    """What the school is told before it submits a renewal: if accredited at the next meeting, when
    the new award would start and end (the one rule in portfolios.dates.award_start)."""
    as_of = as_of or timezone.localdate()
    previous = selectors.previous_award(school)
    if previous is None or previous.award_expires_on is None:
        return None
    meeting = next_meeting_date(as_of)
    decided_on = meeting or as_of
    starts = dates.award_start(decided_on=decided_on, previous_expires_on=previous.award_expires_on)
    return {
        "previous_expires_on": previous.award_expires_on,
        "meeting_date": meeting,
        "starts_on": starts,
        "expires_on": dates.award_expires(starts),
        "in_time": decided_on < previous.award_expires_on,
    }
