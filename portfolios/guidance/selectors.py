"""Reads of the guidance: the current version, the version an application was built against, and
how often each criterion needed further information in the last year."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.http import Http404
from django.utils import timezone

from portfolios.models import Application, ApplicationTransition

from .models import CriterionGuidance, GuidanceVersion

OUTCOME_STATES = (
    Application.State.ACCREDITED,
    Application.State.FURTHER_INFORMATION,
    Application.State.NOT_ACCREDITED,
)


def current_version(criteria_set) -> GuidanceVersion | None:
    return GuidanceVersion.objects.filter(criteria_set=criteria_set).order_by("-number").first()


def version_get(criteria_set, number) -> GuidanceVersion:
    version = GuidanceVersion.objects.filter(criteria_set=criteria_set, number=number).first()
    if version is None:
        raise Http404("No such guidance version")
    return version


def versions_for(criteria_set):
    return GuidanceVersion.objects.filter(criteria_set=criteria_set).select_related("published_by")


def guidance_for_application(application) -> GuidanceVersion | None:
    """The version a submitted application was built against (the latest published before it was last
    submitted); a draft reads the current version. Versions never change once published."""
    versions = GuidanceVersion.objects.filter(criteria_set_id=application.criteria_set_id)
    if application.submitted_at and not application.is_editable:
        pinned = versions.filter(published_at__lte=application.submitted_at).order_by("-number").first()
        # Submitted before any guidance was published (e.g. before the portal had it): the first version.
        return pinned or versions.order_by("number").first()
    return versions.order_by("-number").first()


def entries(version, *, figures: dict | None = None) -> list[CriterionGuidance]:
    """The version's entries in criterion order; with `figures`, each carries its sent-back figure."""
    if version is None:
        return []
    rows = list(version.entries.select_related("criterion").order_by("criterion__number"))
    for row in rows:
        row.figure = (figures or {}).get(row.criterion.number)
    return rows


def entry_for(version, criterion) -> CriterionGuidance | None:
    if version is None:
        return None
    return version.entries.filter(criterion=criterion).first()


@dataclass
class SentBackFigure:
    sent_back: int
    decided: int

    @property
    def percent(self) -> int:
        return round(100 * self.sent_back / self.decided) if self.decided else 0


def sent_back_figures(as_of: date | None = None) -> dict[int, SentBackFigure]:
    """For each criterion number: of the decisions made in the 12 months to `as_of`, how many asked
    for further information on it. Counted live from the applications' history."""
    as_of = as_of or timezone.localdate()
    since = timezone.make_aware(datetime.combine(as_of - timedelta(days=365), time.min))
    outcomes = ApplicationTransition.objects.filter(to_state__in=OUTCOME_STATES, created_at__gte=since)
    decided = outcomes.count()
    counts: dict[int, int] = {}
    for numbers in outcomes.filter(to_state=Application.State.FURTHER_INFORMATION).values_list(
        "criteria_reopened", flat=True
    ):
        for number in set(numbers or []):
            counts[number] = counts.get(number, 0) + 1
    return {number: SentBackFigure(counts.get(number, 0), decided) for number in set(range(1, 9)) | set(counts)}
