"""The H&W dashboard: each figure on known data, the page, access, and a query count that stays flat."""

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accreditation.tests.factories import AdminFactory, UserFactory
from accreditation.tests.helpers import login
from insight import dashboard
from portfolios.dates import add_months
from portfolios.models import Application
from schools.tests.factories import RegistrationFactory, SchoolFactory
from validation.models import AgendaItem, Award, Decision
from validation.tests.factories import MeetingFactory

from .insight_data import application, decided

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 1, 15)


@pytest.fixture
def admin_client(client):
    login(client, AdminFactory())
    return client


def test_add_months_clamps_to_the_month_end():
    assert add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2027, 8, 31), 6) == datetime.date(2028, 2, 29)
    assert add_months(datetime.date(2027, 1, 15), 12) == datetime.date(2028, 1, 15)


def test_applications_by_state_lists_every_state_in_order_with_zeros():
    school = SchoolFactory()
    application(school, Application.State.SUBMITTED)
    application(SchoolFactory(), Application.State.SUBMITTED)
    application(SchoolFactory(), Application.State.DRAFT)
    rows = dashboard.applications_by_state()
    assert [state for state, _, _ in rows] == list(Application.State.values)
    counts = {state: n for state, _, n in rows}
    assert counts["submitted"] == 2 and counts["draft"] == 1 and counts["withdrawn"] == 0


def test_registrations_waiting_counts_pending_only():
    RegistrationFactory()
    RegistrationFactory(status="approved")
    assert dashboard.registrations_waiting() == 1


def test_upcoming_meetings_count_their_agenda():
    past = MeetingFactory(date=datetime.date(2027, 1, 6))
    soon = MeetingFactory(date=datetime.date(2027, 2, 10), capacity=3)
    cancelled = MeetingFactory(date=datetime.date(2027, 3, 10), status="cancelled")
    for _ in range(2):
        AgendaItem.objects.create(
            meeting=soon, application=application(SchoolFactory()), submitted_at=datetime.datetime.now(datetime.UTC)
        )
    meetings = dashboard.upcoming_meetings(TODAY)
    assert soon in meetings and past not in meetings and cancelled not in meetings
    assert meetings[0].agenda_size == 2 and meetings[0].capacity == 3


def test_expiry_forecast_puts_each_award_at_the_last_meeting_before_it_expires():
    march, may, july = (MeetingFactory(date=datetime.date(2027, m, 10)) for m in (3, 5, 7))
    MeetingFactory(date=datetime.date(2027, 4, 14), status="cancelled")
    # Awarded three years before: expiring 20 April (-> March meeting), 10 May (-> March: "before"),
    # 1 June (-> May), 1 December 2027 (-> July), 1 March 2028 (beyond 12 months: left out).
    for day in ("2024-04-20", "2024-05-10", "2024-06-01", "2024-12-01", "2025-03-01"):
        decided(meeting_date=datetime.date.fromisoformat(day))
    # Expiring before any planned meeting, and an award already superseded (not counted).
    decided(meeting_date=datetime.date(2024, 2, 1))
    decided(meeting_date=datetime.date(2024, 4, 21), award_status=Award.Status.SUPERSEDED)

    forecast = dashboard.expiry_forecast(TODAY)

    assert forecast.within_12_months == 5
    assert forecast.within_6_months == 4  # up to 15 July 2027
    by_meeting = {row.meeting: [a.expires_on.isoformat() for a in row.awards] for row in forecast.rows}
    assert by_meeting[None] == ["2027-02-01"]
    assert by_meeting[march] == ["2027-04-20", "2027-05-10"]
    assert by_meeting[may] == ["2027-06-01"]
    assert by_meeting[july] == ["2027-12-01"]
    assert forecast.rows[0].meeting is None  # the urgent ones first


def test_coverage_counts_current_awards_against_our_open_schools(settings):
    settings.LOCAL_AUTHORITY_CODES = [919]
    accredited_primary = SchoolFactory(phase="Primary", district="Watford")
    SchoolFactory(phase="Primary", district="Watford")
    SchoolFactory(phase="Secondary", district="Dacorum")
    lapsed = SchoolFactory(phase="Secondary", district="Dacorum")
    SchoolFactory(phase="Primary", status="Closed")  # not open: not counted
    SchoolFactory(phase="Primary", la_code=201)  # another authority: not counted
    decided(accredited_primary, meeting_date=datetime.date(2025, 3, 1))
    decided(lapsed, meeting_date=datetime.date(2023, 3, 1))  # expired 1 March 2026

    by_phase = {row.label: (row.accredited, row.total) for row in dashboard.coverage(TODAY, "phase")}
    by_district = {row.label: (row.accredited, row.total) for row in dashboard.coverage(TODAY, "district")}

    assert by_phase == {"Primary": (1, 2), "Secondary": (0, 2)}
    assert by_district == {"Dacorum": (0, 2), "Watford": (1, 2)}
    total = dashboard.coverage_total(dashboard.coverage(TODAY, "phase"))
    assert (total.accredited, total.total, total.percent) == (1, 4, 25)


def test_criteria_sent_back_ranks_criteria_named_in_further_information_decisions():
    decided(meeting_date=datetime.date(2026, 10, 7), outcome=Decision.Outcome.FURTHER_INFORMATION, criteria=[6, 3])
    decided(meeting_date=datetime.date(2026, 10, 7), outcome=Decision.Outcome.FURTHER_INFORMATION, criteria=[6])
    decided(meeting_date=datetime.date(2026, 10, 7), outcome=Decision.Outcome.NOT_ACCREDITED, criteria=[1])
    ranked, decisions = dashboard.criteria_sent_back()
    assert decisions == 2
    assert [(c.number, c.times) for c in ranked] == [(6, 2), (3, 1)]
    assert ranked[0].title and not ranked[0].title.startswith("Criterion")


def test_median_time_from_submission_to_decision():
    for days in (10, 20, 60):
        decided(meeting_date=datetime.date(2026, 10, 7), submitted_days_before=days)
    assert dashboard.median_days_to_decision().median_days == 20
    decided(meeting_date=datetime.date(2026, 11, 4), submitted_days_before=30)
    result = dashboard.median_days_to_decision()
    assert (result.median_days, result.decisions) == (25, 4)


@time_machine.travel(datetime.datetime(2027, 1, 15, 12, tzinfo=datetime.UTC), tick=True)
def test_dashboard_page_shows_every_figure_with_charts_and_tables(client):
    admin_client = client
    login(client, AdminFactory())
    RegistrationFactory()
    MeetingFactory(date=datetime.date(2027, 3, 10), capacity=5)
    decided(SchoolFactory(phase="Primary", district="Watford"), meeting_date=datetime.date(2024, 4, 20))
    decided(meeting_date=datetime.date(2026, 10, 7), outcome=Decision.Outcome.FURTHER_INFORMATION, criteria=[4])

    response = admin_client.get(reverse("insight:dashboard"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="figure-registrations">1<' in html
    assert "Listed for a meeting" in html
    assert "10 Mar 2027" in html and "Agenda size against capacity" in html
    assert "expires in the next 6 months" in html or "expire in the next 6 months" in html
    assert "Renewals expected at each meeting" in html
    assert "Accredited schools by phase" in html and "Watford" in html
    assert "Criteria most often sent back" in html and 'id="table-criteria"' in html
    assert html.count("<svg") == 5
    assert "style=" not in html and "<script>" not in html


def test_dashboard_is_for_hw_admins_only(client):
    response = client.get(reverse("insight:dashboard"))
    assert response.status_code == 302
    login(client, UserFactory())
    assert client.get(reverse("insight:dashboard")).status_code == 403


def test_dashboard_is_linked_from_the_admin_home_and_nav(admin_client):
    html = admin_client.get(reverse("home")).content.decode()
    assert reverse("insight:dashboard") in html
    assert reverse("insight:exports") in html and reverse("insight:retention_preview") in html


def _grow(n):
    for i in range(n):
        school = SchoolFactory(phase=["Primary", "Secondary"][i % 2], district=f"District {i % 3}")
        decided(school, meeting_date=datetime.date(2024, 2 + i % 10, 1 + i))
        decided(
            meeting_date=datetime.date(2026, 10, 7),
            outcome=Decision.Outcome.FURTHER_INFORMATION,
            criteria=[1 + i % 8],
        )
        RegistrationFactory()
    for month in (2, 4, 6):
        if not dashboard.Meeting.objects.filter(date=datetime.date(2027, month, 3 + n)).exists():
            MeetingFactory(date=datetime.date(2027, month, 3 + n))


def test_dashboard_query_count_does_not_grow_with_the_data(client, django_assert_max_num_queries):
    _grow(2)
    with time_machine.travel(datetime.datetime(2027, 1, 15, 12, tzinfo=datetime.UTC), tick=True):
        admin_client = client
        login(client, AdminFactory())
        with django_assert_max_num_queries(25) as small:
            assert admin_client.get(reverse("insight:dashboard")).status_code == 200
        _grow(12)
        # The factories write no audit entry, which is what tells the dashboard's cache that the
        # figures changed (services always do): forget the cached figures as such a change would.
        cache.clear()
        with django_assert_max_num_queries(len(small.captured_queries)):
            response = admin_client.get(reverse("insight:dashboard"))
    assert response.status_code == 200
    assert response.context["figures"]["forecast"].within_12_months > 2


def _expiring(response) -> str:
    """The page's "Awards expiring" sentence, as rendered."""
    match = re.search(r'<p class="govuk-body" id="figure-expiring">(.*?)</p>', response.content.decode(), re.S)
    return re.sub(r"\s+", " ", match.group(1))


def test_dashboard_figures_are_reused_until_an_audited_change(client, django_assert_max_num_queries):
    """Issue 20: the page, the figures and their rendering are cached under one version
    (insight.dashboard.dashboard_version): an audit entry, which every service that changes them
    writes, or any change to a school's records (the change log, schools.versions, which sees
    unaudited changes too: here schools made by factories) makes the next view recompute."""
    from accreditation import audit

    _grow(2)
    with time_machine.travel(datetime.datetime(2027, 1, 15, 12, tzinfo=datetime.UTC), tick=True):
        login(client, AdminFactory())
        with django_assert_max_num_queries(25) as computed:
            first = client.get(reverse("insight:dashboard"))
        with django_assert_max_num_queries(len(computed.captured_queries) - 5) as reused:  # far fewer
            again = client.get(reverse("insight:dashboard"))
        # Reused: nothing about the figures is queried at all, only the version.
        assert not any("validation_award" in q["sql"] for q in reused.captured_queries)
        assert _expiring(again) == _expiring(first)
        audit.record(actor=None, action="school.changed", target=None)
        with CaptureQueriesContext(connection) as recomputed:
            client.get(reverse("insight:dashboard"))
        assert any("validation_award" in q["sql"] for q in recomputed.captured_queries)
        _grow(12)
        fresh = client.get(reverse("insight:dashboard"))
    assert fresh.context["figures"]["forecast"].within_12_months > first.context["figures"]["forecast"].within_12_months


def test_scanner_answer_is_drawn_live_while_the_county_figures_stay_cached(client, settings):
    """Issue 20: the virus scanner's answer is not one of the figures. The page is reused for at
    most DASHBOARD_PAGE_SECONDS (it then asks the scanner again); the county figures, for at most
    DASHBOARD_CACHE_SECONDS, are not recomputed when the page is drawn again for the scanner."""
    from portfolios.models import EvidenceItem
    from portfolios.tests.factories import EvidenceItemFactory

    settings.CLAMAV_SOCKET = ""  # not configured: the page says so
    _grow(2)
    EvidenceItemFactory(
        kind=EvidenceItem.Kind.FILE, url="", file="evidence/policy.pdf", scan_state=EvidenceItem.Scan.PENDING
    )
    start = datetime.datetime(2027, 1, 15, 12, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        login(client, AdminFactory())
        client.get(reverse("insight:dashboard"))  # the first view makes the CSRF secret a page is kept under
        first = client.get(reverse("insight:dashboard")).content.decode()
    assert "no virus scanner is configured" in first

    settings.CLAMAV_SOCKET = "/nonexistent/clamd.sock"  # configured now, and not answering
    seconds = dashboard.DASHBOARD_PAGE_SECONDS
    with time_machine.travel(start + datetime.timedelta(seconds=seconds - 1), tick=False):
        assert "no virus scanner is configured" in client.get(reverse("insight:dashboard")).content.decode()
    with time_machine.travel(start + datetime.timedelta(seconds=seconds + 1), tick=False):
        with CaptureQueriesContext(connection) as drawn:
            later = client.get(reverse("insight:dashboard")).content.decode()
    assert "The virus scanner is not answering" in later
    assert "no virus scanner is configured" not in later
    # The figures were reused, not recomputed: no award or application was read.
    figures_tables = ("validation_award", "schools_registration", "validation_decision")
    assert not any(table in q["sql"] for q in drawn.captured_queries for table in figures_tables)
    assert dashboard.DASHBOARD_PAGE_SECONDS < dashboard.DASHBOARD_CACHE_SECONDS
