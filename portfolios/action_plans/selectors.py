"""Reads of action plans: one school's (scoped), and every school's for the H&W team."""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max, Min, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from schools.models import School

from ..dates import add_months
from . import permissions
from .models import Action, PlanReview

REVIEW_EVERY_MONTHS = 6


def school_plan_for(user, school_id) -> School:
    """The school whose plan `user` may see; another school's answers 404."""
    school = get_object_or_404(School, pk=school_id)
    if not permissions.can_view_plan(user, school):
        raise Http404("No such school")
    return school


def action_for(user, school, action_id) -> Action:
    """One of `school`'s actions; another school's (or a made-up id) answers 404."""
    action = Action.objects.filter(school=school, pk=action_id).first()
    if action is None:
        raise Http404("No such action")
    return action


def actions_for_school(school):
    return (
        Action.objects.filter(school=school)
        .select_related("criterion", "application")
        .prefetch_related("evidence")
        .order_by("status", "due_on", "pk")
    )


def reviews_for_school(school):
    return PlanReview.objects.filter(school=school).select_related("reviewed_by")


def plan_started_on(school) -> date | None:
    first = Action.objects.filter(school=school).aggregate(first=Min("created_at"))["first"]
    return timezone.localdate(first) if first else None


def next_review_due(*, started_on: date | None, last_reviewed_on: date | None) -> date | None:
    """Six calendar months after the last review, or after the plan started."""
    base = last_reviewed_on or started_on
    return add_months(base, REVIEW_EVERY_MONTHS) if base else None


@dataclass
class PlanSummary:
    school: School
    started_on: date | None
    last_reviewed_on: date | None
    open_count: int
    done_count: int
    overdue_count: int

    @property
    def next_review_on(self):
        return next_review_due(started_on=self.started_on, last_reviewed_on=self.last_reviewed_on)

    def review_overdue_on(self, day) -> bool:
        return self.open_count > 0 and self.next_review_on is not None and self.next_review_on < day


def plan_summary(school, as_of: date | None = None) -> PlanSummary:
    as_of = as_of or timezone.localdate()
    row = plan_summaries(as_of=as_of, school_ids=[school.pk])
    return row[0] if row else PlanSummary(school, None, None, 0, 0, 0)


def plan_summaries(*, as_of: date, school_ids=None) -> list[PlanSummary]:
    """Every school with a plan: counts, overdue actions, last review (two queries)."""
    open_q = ~Q(plan_actions__status__in=Action.CLOSED)
    schools = School.objects.filter(plan_actions__isnull=False)
    if school_ids is not None:
        schools = schools.filter(pk__in=school_ids)
    rows = (
        schools.annotate(
            first_action=Min("plan_actions__created_at"),
            open_count=Count("plan_actions", filter=open_q, distinct=True),
            done_count=Count("plan_actions", filter=Q(plan_actions__status=Action.Status.DONE), distinct=True),
            overdue_count=Count("plan_actions", filter=open_q & Q(plan_actions__due_on__lt=as_of), distinct=True),
        )
        .distinct()
        .order_by("name")
    )
    reviewed = dict(
        PlanReview.objects.filter(school__in=[r.pk for r in rows])
        .values("school")
        .annotate(last=Max("reviewed_on"))
        .values_list("school", "last")
    )
    return [
        PlanSummary(
            school=r,
            started_on=timezone.localdate(r.first_action) if r.first_action else None,
            last_reviewed_on=reviewed.get(r.pk),
            open_count=r.open_count,
            done_count=r.done_count,
            overdue_count=r.overdue_count,
        )
        for r in rows
    ]


def overdue_actions(as_of: date):
    return (
        Action.objects.filter(due_on__lt=as_of)
        .exclude(status__in=Action.CLOSED)
        .select_related("school")
        .order_by("due_on", "school__name")
    )


# Words that say nothing about a theme.
_STOP = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "more",
        "of",
        "on",
        "or",
        "our",
        "should",
        "so",
        "that",
        "the",
        "their",
        "them",
        "this",
        "to",
        "use",
        "with",
        "within",
        "school",
        "schools",
        "pupils",
        "pupil",
        "staff",
        "consider",
        "continue",
        "further",
        "develop",
        "ensure",
        "how",
        "make",
        "across",
        "all",
        "can",
        "could",
        "would",
        "wider",
    }
)


@dataclass
class Theme:
    word: str
    schools: set = field(default_factory=set)

    @property
    def school_count(self):
        return len(self.schools)


def recurring_themes(*, minimum_schools: int = 2, limit: int = 15) -> dict:
    """What recurs across schools' plans: the criteria actions are filed under, and the words the
    feedback's areas use, each counted by the number of different schools (never by action, so a
    long plan cannot dominate)."""
    by_criterion = (
        Action.objects.filter(criterion__isnull=False)
        .values("criterion__number", "criterion__short_title")
        .annotate(schools=Count("school", distinct=True))
        .filter(schools__gte=minimum_schools)
        .order_by("-schools", "criterion__number")
    )
    words: dict[str, set] = {}
    for school_id, text in Action.objects.exclude(source_key="").values_list("school_id", "what").iterator():
        for word in set(re.findall(r"[a-z][a-z'-]{3,}", text.lower())):
            if word not in _STOP:
                words.setdefault(word, set()).add(school_id)
    counted = Counter({word: len(schools) for word, schools in words.items()})
    themes = [{"word": word, "schools": count} for word, count in counted.most_common() if count >= minimum_schools][
        :limit
    ]
    return {"criteria": list(by_criterion), "words": themes}
