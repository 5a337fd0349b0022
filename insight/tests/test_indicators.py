"""Defining indicators, targets and typed figures; the pages an admin uses (issue 19)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accreditation.errors import Refusal
from accreditation.models import AuditEvent
from accreditation.tests.factories import AdminFactory
from accreditation.tests.helpers import login
from insight.indicators import selectors, services
from insight.indicators.models import Indicator, IndicatorTarget, ManualFigure

from .data import TODAY, build_county

pytestmark = pytest.mark.django_db


def define(admin, **changes):
    fields = {
        "name": "Schools accredited", "description": "", "source": "accredited", "parameter": "",
        "unit": "count", "higher_is_better": True, "baseline_value": Decimal("20"), "baseline_year": 2024,
        "lead_officer": "Anti-bullying adviser",
    }  # fmt: skip
    return services.indicator_save(actor=admin, **(fields | changes))


@pytest.fixture
def admin(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return AdminFactory()


def test_a_computed_source_decides_the_unit_and_the_save_is_audited(admin):
    indicator = define(admin)
    assert indicator.unit == "percentage"
    assert AuditEvent.objects.filter(action="indicator.created", target_id=str(indicator.pk)).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"baseline_value": Decimal("120")}, "percentage, so it must be 100 or less"),
        ({"baseline_year": None}, "Enter both the baseline's value and its year"),
        ({"source": "commitment", "parameter": "nonsense"}, "Choose the commitment"),
        ({"source": "nowhere"}, "Choose where the figures come from"),
    ],
)
def test_bad_definitions_are_refused_and_nothing_is_stored(admin, changes, message):
    with pytest.raises(Refusal) as refused:
        define(admin, **changes)
    assert any(message in m for m in refused.value.messages)
    assert not Indicator.objects.exists()


def test_a_target_before_the_baseline_or_over_100_percent_is_refused(admin):
    indicator = define(admin)
    with pytest.raises(Refusal, match="baseline year \\(2024-25\\) or later, not 2023-24"):
        services.indicator_target_set(indicator=indicator, actor=admin, year=2023, value=Decimal("30"))
    with pytest.raises(Refusal, match="100 or less"):
        services.indicator_target_set(indicator=indicator, actor=admin, year=2027, value=Decimal("101"))
    assert not IndicatorTarget.objects.exists()
    services.indicator_target_set(indicator=indicator, actor=admin, year=2027, value=Decimal("60"))
    services.indicator_target_set(indicator=indicator, actor=admin, year=2027, value=Decimal("65"))
    assert list(indicator.targets.values_list("year", "value")) == [(2027, Decimal("65"))]


def test_moving_the_baseline_after_a_target_is_refused(admin):
    indicator = define(admin)
    services.indicator_target_set(indicator=indicator, actor=admin, year=2025, value=Decimal("30"))
    with pytest.raises(Refusal, match="There is a target for 2025-26, before the baseline year 2026-27"):
        define(admin, indicator=indicator, baseline_year=2026)
    assert Indicator.objects.get().baseline_year == 2024


def test_manual_figures_are_typed_with_evidence_only_for_manual_indicators(admin):
    manual = define(admin, name="LI2 bullied", source="manual", unit="percentage", higher_is_better=False)
    computed = define(admin, name="Accredited")
    with pytest.raises(Refusal, match="cannot be typed in"):
        services.manual_figure_record(indicator=computed, actor=admin, year=2025, value=Decimal(5), evidence="x")
    with pytest.raises(Refusal, match="has not started yet"):
        services.manual_figure_record(indicator=manual, actor=admin, year=2030, value=Decimal(5), evidence="x")
    with pytest.raises(Refusal, match="Enter where the figure comes from"):
        services.manual_figure_record(indicator=manual, actor=admin, year=2025, value=Decimal(5), evidence=" ")
    assert not ManualFigure.objects.exists()
    services.manual_figure_record(indicator=manual, actor=admin, year=2025, value=Decimal(35), evidence="TellUs")
    services.indicator_target_set(indicator=manual, actor=admin, year=2025, value=Decimal(34))
    figures = selectors.figures_for(manual, TODAY.date())
    row = next(r for r in figures.rows if r.period.year == 2025)
    assert (row.actual.value, row.evidence, row.met) == (Decimal(35), "TellUs", False)
    assert figures.status == "off_track"  # lower is better: 35 is above the 34 aimed for


def test_status_says_no_data_rather_than_zero(admin):
    manual = define(admin, name="Typed", source="manual", unit="count", baseline_value=None, baseline_year=None)
    figures = selectors.figures_for(manual, TODAY.date())
    assert figures.status == "no_data" and all(r.actual is None for r in figures.rows)


def test_admin_defines_three_indicators_sets_targets_and_reads_them(client, time_machine):
    build_county(time_machine)
    admin = AdminFactory()
    login(client, admin)
    post = lambda name, measure, **extra: client.post(  # noqa: E731
        reverse("insight:indicator_add"),
        {"name": name, "measure": measure, "unit": "percentage", "higher_is_better": "higher", **extra},
    )
    assert post("Schools accredited", "accredited|", baseline_value="20", baseline_year="2024").status_code == 302
    assert post("Incidents per 1,000 pupils", "incidents_rate|", higher_is_better="lower").status_code == 302
    assert (
        post("LI2 bullied", "manual|", higher_is_better="lower", baseline_value="35", baseline_year="2024").status_code
        == 302
    )
    accredited, incidents, manual = Indicator.objects.order_by("pk")
    response = client.post(reverse("insight:indicator_target", args=[accredited.pk]), {"year": "2026", "value": "30"})
    assert response.status_code == 302
    response = client.post(reverse("insight:indicator_target", args=[accredited.pk]), {"year": "2023", "value": "30"})
    assert response.status_code == 400 and "baseline year (2024-25) or later" in response.content.decode()
    response = client.post(reverse("insight:indicator_target", args=[incidents.pk]), {"year": "2026", "value": "50"})
    response = client.post(
        reverse("insight:indicator_figure", args=[manual.pk]), {"year": "2025", "value": "34", "evidence": "TellUs3"}
    )
    assert response.status_code == 302

    page = client.get(reverse("insight:indicators")).content.decode()
    assert "Schools accredited" in page and "33.3%" in page and "On track" in page  # 2 of 6 against 30
    detail = client.get(reverse("insight:indicator", args=[incidents.pk])).content.decode()
    assert "No data" in detail and "<svg" in detail and "1,500" not in detail
    assert "42.7" in detail and "64 of 1500" in detail  # 64 incidents among 1,500 pupils, 2026-27
