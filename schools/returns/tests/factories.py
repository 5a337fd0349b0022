"""Test data for termly returns: terms relative to today, and figures that add up."""

from datetime import timedelta

from django.utils import timezone

from schools.models import IncidentType, Term
from schools.returns import services as returns_services
from schools.returns.figures import Figures

SEASONS = ["autumn", "spring", "summer"]


def ensure_incident_types():
    """Transactional tests flush the database: load the migration's types again."""
    import importlib

    from django.apps import apps

    importlib.import_module("schools.migrations.0006_incident_types").load(apps, None)


def make_term(*, ended_days_ago=10, due_in_days=20, academic_year="2025-26", season="autumn", length_days=80):
    today = timezone.localdate()
    ends_on = today - timedelta(days=ended_days_ago)
    return Term.objects.create(
        academic_year=academic_year,
        season=season,
        starts_on=ends_on - timedelta(days=length_days),
        ends_on=ends_on,
        opens_on=ends_on,
        due_on=today + timedelta(days=due_in_days),
    )


def past_terms(count=3):
    """`count` consecutive past terms, oldest first, all open and past due."""
    terms = []
    for i in range(count):
        back = (count - i) * 120
        year = 2020 + i // 3
        terms.append(
            make_term(
                ended_days_ago=back,
                due_in_days=-back + 20,
                academic_year=f"{year}-{(year + 1) % 100:02d}",
                season=SEASONS[i % 3],
                length_days=60,
            )
        )
    return terms


def figures(*, total=10, racist=3, types=None, years=None, outcomes=None, commentary="Quiet term."):
    """Figures that add up: by default all in 'other' / Year 3 / resolved unless given."""
    ensure_incident_types()
    slugs = list(IncidentType.objects.filter(is_active=True).values_list("slug", flat=True))
    type_counts = dict.fromkeys(slugs, 0)
    type_counts.update(types or {"other": total})
    year_counts = {f"Y{n}": 0 for n in range(1, 7)} | {"R": 0}
    year_counts.update(years or {"Y3": total})
    outcome_counts = {"resolved": 0, "ongoing": 0, "referred": 0}
    outcome_counts.update(outcomes or {"resolved": total})
    return Figures(
        total=total,
        racist_incidents=racist,
        types=type_counts,
        years=year_counts,
        outcomes=outcome_counts,
        commentary=commentary,
    )


def submit(school, term, actor, **kwargs):
    return returns_services.return_submit(school=school, term=term, actor=actor, figures=figures(**kwargs))


def form_data(*, total=10, racist=3, types=None, years=None, outcomes=None, commentary="Quiet term.", phase="Primary"):
    """POST data for the return form of a primary school."""
    from schools.returns.rules import year_groups_for_phase

    ensure_incident_types()
    data = {"total": str(total), "racist_incidents": str(racist), "commentary": commentary}
    for slug in IncidentType.objects.filter(is_active=True).values_list("slug", flat=True):
        data[f"type_{slug}"] = "0"
    for key, value in (types or {"other": total}).items():
        data[f"type_{key}"] = str(value)
    for code, _ in year_groups_for_phase(phase):
        data[f"year_{code}"] = "0"
    for key, value in (years or {"Y3": total}).items():
        data[f"year_{key}"] = str(value)
    for code in ("resolved", "ongoing", "referred"):
        data[f"outcome_{code}"] = "0"
    for key, value in (outcomes or {"resolved": total}).items():
        data[f"outcome_{key}"] = str(value)
    return data
