"""Each computed source against a direct count of the rows (issue 19)."""

from datetime import date

import pytest
from django.conf import settings

from insight.indicators.sources import SOURCES, Period
from portfolios.models import Application
from portfolios.training.models import Attendance
from schools.commitments.models import CommitmentStatement
from schools.models import IncidentReturn, Membership, ReturnCount, ReturnVersion, School, Term
from validation.models import Award

from .data import TODAY, build_county

pytestmark = pytest.mark.django_db
YEAR = Period(2026)
AS_OF = TODAY.date()


@pytest.fixture
def county(time_machine):
    return build_county(time_machine)


def compute(key, parameter=""):
    return SOURCES[key].compute(YEAR, parameter, today=AS_OF)


def ours():
    return [
        s for s in School.objects.all() if s.status.lower() == "open" and s.la_code in settings.LOCAL_AUTHORITY_CODES
    ]


def percent(part, whole):
    return round(100 * part / whole, 1)


def accredited(school):
    return any(a.awarded_on <= AS_OF < a.expires_on for a in Award.objects.filter(school=school))


def test_accredited_share_counts_our_open_schools_holding_an_award(county):
    schools = ours()
    expected = [s for s in schools if accredited(s)]
    figure = compute("accredited")
    assert (figure.numerator, figure.denominator) == (len(expected), len(schools)) == (2, 6)
    assert float(figure.value) == percent(2, 6)


@pytest.mark.parametrize(("key", "parameter", "attribute"), [
    ("accredited_phase", "Primary", "phase"), ("accredited_phase", "Secondary", "phase"),
    ("accredited_district", "Watford", "district"), ("accredited_district", "Dacorum", "district"),
])  # fmt: skip
def test_accredited_share_by_phase_and_district(county, key, parameter, attribute):
    schools = [s for s in ours() if getattr(s, attribute) == parameter]
    figure = compute(key, parameter)
    assert figure.numerator == len([s for s in schools if accredited(s)])
    assert figure.denominator == len(schools)
    assert float(figure.value) == percent(figure.numerator, len(schools))


def test_current_application_share_counts_applications_in_progress(county):
    open_states = set(Application.State.values) - {"accredited", "not_accredited", "withdrawn"}
    expected = {a.school_id for a in Application.objects.all() if a.state in open_states}
    ids = {s.pk for s in ours()}
    figure = compute("current_application")
    assert figure.numerator == len(expected & ids) == 2
    assert figure.denominator == len(ids)


def test_returns_made_share_over_terms_due_by_the_day(county):
    due = [t for t in Term.objects.all() if t.academic_year == "2026-27" and t.due_on <= AS_OF]
    expected = made = 0
    for term in due:
        team = {m.school_id for m in Membership.objects.filter(is_active=True) if m.created_at.date() <= term.opens_on}
        expected += len(team)
        made += len({r.school_id for r in IncidentReturn.objects.filter(term=term)} & team)
    figure = compute("returns_made")
    assert (figure.numerator, figure.denominator) == (made, expected) == (4, 6)


@pytest.mark.parametrize("parameter", ["", "racist", "other"])
def test_incidents_per_thousand_pupils_from_the_returns(county, parameter):
    current = ReturnVersion.objects.filter(is_current=True).select_related(
        "incident_return__school", "incident_return__term"
    )
    versions = [
        v for v in current
        if v.incident_return.term.academic_year == "2026-27"
        and v.incident_return.term.opens_on <= AS_OF
        and v.incident_return.school.pupils
    ]  # fmt: skip
    if parameter == "racist":
        incidents = sum(v.racist_incidents for v in versions)
    elif parameter:
        incidents = sum(
            c.count for c in ReturnCount.objects.filter(version__in=versions, dimension="type", key=parameter)
        )
    else:
        incidents = sum(v.total_incidents for v in versions)
    pupils = sum({v.incident_return.school_id: v.incident_return.school.pupils for v in versions}.values())
    figure = compute("incidents_rate", parameter)
    assert (figure.numerator, figure.denominator) == (incidents, pupils)
    assert float(figure.value) == round(1000 * incidents / pupils, 1)
    assert pupils == 200 + 300 + 1000  # Elm (pupils unknown) and its 30 incidents are left out


@pytest.mark.parametrize("key", ["charter", "governor", "esafety_lead", "restorative", "termly_return"])
def test_commitment_share_counts_statements_in_force(county, key):
    checks = {
        "charter": lambda s: s.charter_signed_on is not None,
        "governor": lambda s: bool(s.governor_name),
        "esafety_lead": lambda s: bool(s.esafety_lead),
        "restorative": lambda s: s.restorative_approaches,
        "termly_return": lambda s: s.uses_termly_return,
    }
    schools = ours()
    count = 0
    for school in schools:
        latest = (
            CommitmentStatement.objects.filter(school=school, confirmed_on__lte=AS_OF).order_by("-confirmed_on").first()
        )
        in_force = latest is not None and latest.confirmed_on > date(AS_OF.year - 1, AS_OF.month, AS_OF.day)
        count += bool(in_force and checks[key](latest))
    figure = compute("commitment", key)
    assert (figure.numerator, figure.denominator) == (count, len(schools))


def test_commitment_counts_only_the_latest_and_recent_statement(county):
    # Ash's latest statement dropped the charter; Yew's is more than a year old; the closed school does not count.
    assert compute("commitment", "charter").numerator == 1


@pytest.mark.parametrize("parameter", ["", "trainers"])
def test_staff_trained_share(county, parameter):
    ids = {s.pk for s in ours()}
    trained = {
        a.school_id for a in Attendance.objects.select_related("course")
        if YEAR.start <= a.course.runs_on <= AS_OF and (not parameter or a.course.is_training_the_trainers)
    }  # fmt: skip
    figure = compute("staff_trained", parameter)
    assert (figure.numerator, figure.denominator) == (len(trained & ids), len(ids))
    assert figure.numerator == (2 if not parameter else 1)


def test_a_year_not_started_has_no_data_never_zero(county):
    for key, source in SOURCES.items():
        parameter = "charter" if key == "commitment" else ""
        assert source.compute(Period(2030), parameter, today=AS_OF) is None, key


def test_no_schools_or_no_returns_is_no_data(db):
    today = date(2027, 3, 15)
    assert SOURCES["accredited"].compute(YEAR, "", today=today) is None
    assert SOURCES["incidents_rate"].compute(YEAR, "", today=today) is None
    assert SOURCES["returns_made"].compute(YEAR, "", today=today) is None


def test_the_pupil_survey_source_reads_the_surveys_county_figure(db):
    surveys = pytest.importorskip("portfolios.surveys.selectors")
    from insight.indicators.sources import survey_bullied_share

    answers = surveys.SurveyAnswer.objects.filter(question__key=surveys.HEADLINE_KEY).exclude(value="")
    assert answers.count() == 0
    assert survey_bullied_share(YEAR, today=AS_OF) is None  # no respondents: no data, not 0
    assert "survey_bullied" in SOURCES
