"""Indicators' figures per year: actual (from the source or typed in), target, and on track."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.http import Http404
from django.utils import timezone

from .models import Indicator
from .sources import MANUAL, SOURCES, Figure, Period

YEARS_BACK = 3


@dataclass
class YearRow:
    period: Period
    target: Decimal | None
    actual: Figure | None
    evidence: str = ""
    higher_is_better: bool = True

    @property
    def met(self) -> bool | None:
        """True/False when both a target and an actual exist; None otherwise."""
        if self.target is None or self.actual is None:
            return None
        if self.higher_is_better:
            return self.actual.value >= self.target
        return self.actual.value <= self.target


@dataclass
class IndicatorFigures:
    indicator: Indicator
    rows: list[YearRow] = field(default_factory=list)
    status: str = ""  # on_track, off_track, no_target, no_data

    @property
    def latest(self) -> YearRow | None:
        with_actual = [r for r in self.rows if r.actual is not None]
        return with_actual[-1] if with_actual else None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


STATUS_LABELS = {
    "on_track": "On track",
    "off_track": "Not on track",
    "no_target": "No target set",
    "no_data": "No data yet",
}


def indicators(active_only=True):
    found = Indicator.objects.prefetch_related("targets", "manual_figures")
    return found.filter(is_active=True) if active_only else found


def indicator_get(pk) -> Indicator:
    found = Indicator.objects.prefetch_related("targets", "manual_figures").filter(pk=pk).first()
    if found is None:
        raise Http404("No such indicator")
    return found


def source_label(indicator) -> str:
    if indicator.source == MANUAL:
        return "Typed in each year"
    source = SOURCES.get(indicator.source)
    if source is None:
        return "A source no longer available"
    if source.parameter_choices and indicator.parameter:
        labels = dict(source.parameter_choices())
        return f"{source.label}: {labels.get(indicator.parameter, indicator.parameter)}"
    return source.label


def actual_for(indicator, period: Period, today: date) -> tuple[Figure | None, str]:
    """(figure, evidence) for one year; figure None when there is no data."""
    if indicator.source == MANUAL:
        typed = next((m for m in indicator.manual_figures.all() if m.year == period.year), None)
        return (Figure(typed.value), typed.evidence) if typed else (None, "")
    source = SOURCES.get(indicator.source)
    if source is None:
        return None, ""
    return source.compute(period, indicator.parameter, today=today), ""


def years_for(indicator, today: date, *, first: int | None = None, last: int | None = None) -> list[int]:
    current = Period.containing(today).year
    targets = [t.year for t in indicator.targets.all()]
    start = (
        first if first is not None else min([current - YEARS_BACK + 1, *targets, indicator.baseline_year or current])
    )
    end = last if last is not None else max([current, *targets])
    return list(range(start, end + 1))


def figures_for(indicator, today: date | None = None, *, first=None, last=None) -> IndicatorFigures:
    today = today or timezone.localdate()
    targets = {t.year: t.value for t in indicator.targets.all()}
    rows = []
    for year in years_for(indicator, today, first=first, last=last):
        period = Period(year)
        actual, evidence = actual_for(indicator, period, today)
        rows.append(YearRow(period, targets.get(year), actual, evidence, indicator.higher_is_better))
    return IndicatorFigures(indicator, rows, _status(rows))


def _status(rows) -> str:
    judged = [r for r in rows if r.met is not None]
    if judged:
        return "on_track" if judged[-1].met else "off_track"
    if not any(r.actual is not None for r in rows):
        return "no_data"
    return "no_target"


def all_figures(today: date | None = None):
    return [figures_for(indicator, today) for indicator in indicators()]
