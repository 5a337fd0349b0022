"""Writes of indicators, their targets and the figures typed in for the manual source."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accreditation import audit
from accreditation.errors import Refusal
from accreditation.permissions import is_hw_admin

from .models import Indicator, IndicatorTarget, ManualFigure
from .sources import MANUAL, PERCENTAGE, SOURCES, Period


def _require_admin(actor):
    if not is_hw_admin(actor):
        raise Refusal("Only the H&W team can change indicators.")


def _check_value(value: Decimal, unit: str, what: str):
    if value < 0:
        raise Refusal(f"{what} cannot be negative")
    if unit == PERCENTAGE and value > 100:
        raise Refusal(f"{what} is a percentage, so it must be 100 or less")


def _year_label(year) -> str:
    return Period(year).label


@transaction.atomic
def indicator_save(
    *,
    actor,
    indicator: Indicator | None = None,
    name: str,
    description: str,
    source: str,
    parameter: str,
    unit: str,
    higher_is_better: bool,
    baseline_value: Decimal | None,
    baseline_year: int | None,
    lead_officer: str,
) -> Indicator:
    """Define an indicator, or change one. A computed source decides the unit. Audited."""
    _require_admin(actor)
    problems = []
    if source != MANUAL:
        found = SOURCES.get(source)
        if found is None:
            raise Refusal("Choose where the figures come from")
        unit = found.unit
        if found.parameter_choices is not None and parameter not in dict(found.parameter_choices()):
            problems.append(f"Choose the {found.parameter_label.lower()} the indicator is about")
        if found.parameter_choices is None:
            parameter = ""
    else:
        parameter = ""
    if (baseline_value is None) != (baseline_year is None):
        problems.append("Enter both the baseline's value and its year, or neither")
    if baseline_value is not None:
        try:
            _check_value(baseline_value, unit, "The baseline")
        except Refusal as refusal:
            problems += refusal.messages
    if indicator is not None and baseline_year is not None:
        early = indicator.targets.filter(year__lt=baseline_year).order_by("year").first()
        if early is not None:
            problems.append(
                f"There is a target for {_year_label(early.year)}, before the baseline year "
                f"{_year_label(baseline_year)}. Remove that target first"
            )
    if problems:
        raise Refusal(problems)
    fields = {
        "name": name.strip(),
        "description": description.strip(),
        "source": source,
        "parameter": parameter,
        "unit": unit,
        "higher_is_better": higher_is_better,
        "baseline_value": baseline_value,
        "baseline_year": baseline_year,
        "lead_officer": lead_officer.strip(),
    }
    try:
        with transaction.atomic():
            if indicator is None:
                indicator = Indicator.objects.create(created_by=actor, **fields)
                action = "indicator.created"
            else:
                Indicator.objects.filter(pk=indicator.pk).update(updated_at=timezone.now(), **fields)
                indicator.refresh_from_db()
                action = "indicator.changed"
    except IntegrityError:
        raise Refusal(f"There is already an indicator called “{name}”") from None
    audit.record(actor=actor, action=action, target=indicator, summary=indicator.name, data={"source": source})
    return indicator


@transaction.atomic
def indicator_target_set(*, indicator: Indicator, actor, year: int, value: Decimal) -> IndicatorTarget:
    """Set the target for a year (replacing any). Refused before the baseline year. Audited."""
    _require_admin(actor)
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if indicator.baseline_year is not None and year < indicator.baseline_year:
        raise Refusal(
            f"A target must be for the baseline year ({_year_label(indicator.baseline_year)}) or later, "
            f"not {_year_label(year)}"
        )
    _check_value(value, indicator.unit, "The target")
    target, _ = IndicatorTarget.objects.update_or_create(indicator=indicator, year=year, defaults={"value": value})
    audit.record(actor=actor, action="indicator.target_set", target=indicator, summary=f"{_year_label(year)}: {value}")
    return target


@transaction.atomic
def indicator_target_remove(*, indicator: Indicator, actor, year: int) -> None:
    """Remove a year's target. Audited."""
    _require_admin(actor)
    deleted, _ = IndicatorTarget.objects.filter(indicator=indicator, year=year).delete()
    if deleted:
        audit.record(actor=actor, action="indicator.target_removed", target=indicator, summary=_year_label(year))


@transaction.atomic
def manual_figure_record(*, indicator: Indicator, actor, year: int, value: Decimal, evidence: str) -> ManualFigure:
    """Type in a year's actual for a manual indicator, with where it came from (replacing any). Audited."""
    _require_admin(actor)
    if indicator.source != MANUAL:
        raise Refusal("This indicator's figures come from the portal's own data: they cannot be typed in")
    if Period(year).start > timezone.localdate():
        raise Refusal(f"{_year_label(year)} has not started yet: record its figure once it has")
    if not evidence.strip():
        raise Refusal("Enter where the figure comes from")
    _check_value(value, indicator.unit, "The figure")
    figure, _ = ManualFigure.objects.update_or_create(
        indicator=indicator,
        year=year,
        defaults={"value": value, "evidence": evidence.strip(), "recorded_by": actor, "recorded_at": timezone.now()},
    )
    audit.record(
        actor=actor, action="indicator.figure_recorded", target=indicator, summary=f"{_year_label(year)}: {value}"
    )
    return figure
