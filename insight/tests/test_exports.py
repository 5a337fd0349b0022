"""CSV exports: filters, neutralised cells, streaming, and clear messages for bad filters."""

import csv
import datetime
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from accreditation.tests.factories import AdminFactory, UserFactory
from accreditation.tests.helpers import login
from portfolios.models import Application
from schools.models import School
from schools.tests.factories import SchoolFactory
from validation.models import Award, Decision

from .insight_data import application, decided

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    login(client, AdminFactory())
    return client


def rows_of(response):
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def download(client, name, **filters):
    return client.get(reverse("insight:export_download", args=[name]), {f"{name}-{k}": v for k, v in filters.items()})


def test_exports_page_lists_the_four_exports_with_filters(admin_client):
    html = admin_client.get(reverse("insight:exports")).content.decode()
    for name in ("schools", "applications", "decisions", "awards"):
        assert reverse("insight:export_download", args=[name]) in html
    assert 'name="applications-state"' in html and 'name="decisions-outcome"' in html
    assert 'name="awards-date_from"' in html and 'name="schools-phase"' in html


def test_school_export_neutralises_formula_cells(admin_client):
    for bad in ('=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\tTab", "\rReturn"):
        SchoolFactory(name=bad)
    rows = rows_of(download(admin_client, "schools"))
    names = [row[1] for row in rows[1:]]
    assert sorted(names) == sorted(['\'=HYPERLINK("http://x")', "'+1+1", "'-2", "'@SUM(A1)", "'\tTab", "'\rReturn"])
    assert rows[0][:2] == ["URN", "School"]


def test_school_export_filters_by_phase_district_and_accreditation(admin_client):
    accredited = SchoolFactory(name="Accredited Primary", phase="Primary", district="Watford")
    SchoolFactory(name="Other Primary", phase="Primary", district="Watford")
    SchoolFactory(name="A Secondary", phase="Secondary", district="Watford")
    SchoolFactory(name="Elsewhere", phase="Primary", district="Dacorum")
    SchoolFactory(name="Closed One", phase="Primary", district="Watford", status="Closed")
    decided(accredited, meeting_date=datetime.date.today() - datetime.timedelta(days=100))

    rows = rows_of(download(admin_client, "schools", phase="Primary", district="Watford"))
    assert [r[1] for r in rows[1:]] == ["Accredited Primary", "Other Primary"]
    rows = rows_of(download(admin_client, "schools", accredited="yes"))
    assert [r[1] for r in rows[1:]] == ["Accredited Primary"] and rows[1][-1]
    rows = rows_of(download(admin_client, "schools", scope="all", phase="Primary", district="Watford"))
    assert "Closed One" in [r[1] for r in rows[1:]]


def test_application_export_filters_by_state_and_start_date(admin_client):
    school = SchoolFactory(name="Draft School")
    draft = application(school, Application.State.DRAFT)
    submitted = application(SchoolFactory(name="Submitted School"), Application.State.SUBMITTED)
    Application.objects.filter(pk=submitted.pk).update(created_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC))

    rows = rows_of(download(admin_client, "applications", state="draft"))
    assert [r[0] for r in rows[1:]] == [str(draft.pk)] and rows[1][6] == "Draft"
    rows = rows_of(download(admin_client, "applications", date_from="2026-01-01", date_to="2026-01-31"))
    assert [r[2] for r in rows[1:]] == ["Submitted School"]


def test_decision_export_filters_by_outcome_and_meeting_date(admin_client):
    decided(SchoolFactory(name="Sent Back"), meeting_date=datetime.date(2026, 10, 7),
            outcome=Decision.Outcome.FURTHER_INFORMATION, criteria=[6, 2])  # fmt: skip
    decided(SchoolFactory(name="Accredited"), meeting_date=datetime.date(2026, 11, 4))
    rows = rows_of(download(admin_client, "decisions", outcome="further_information"))
    assert [r[3] for r in rows[1:]] == ["Sent Back"] and rows[1][8] == "2 6"
    rows = rows_of(download(admin_client, "decisions", date_from="2026-11-01"))
    assert [r[3] for r in rows[1:]] == ["Accredited"]


def test_award_export_filters_by_status_and_expiry(admin_client):
    decided(SchoolFactory(name="Current"), meeting_date=datetime.date(2025, 3, 1))
    decided(SchoolFactory(name="Lapsed"), meeting_date=datetime.date(2021, 3, 1), award_status=Award.Status.LAPSED)
    rows = rows_of(download(admin_client, "awards", status="lapsed"))
    assert [r[2] for r in rows[1:]] == ["Lapsed"] and rows[1][-1] == "no"
    rows = rows_of(download(admin_client, "awards", date_from="2028-01-01", date_to="2028-12-31"))
    assert [r[2] for r in rows[1:]] == ["Current"] and rows[1][6] == "2028-03-01"


@pytest.mark.parametrize(
    "name, filters, message",
    [
        ("applications", {"state": "teleported"}, "Select a state from the list"),
        ("decisions", {"outcome": "maybe"}, "Select an outcome from the list"),
        ("awards", {"status": "gold"}, "Select a status from the list"),
        ("schools", {"phase": "Kindergarten"}, "Select a phase from the list"),
        ("schools", {"accredited": "perhaps"}, "Select accredited or not from the list"),
        ("applications", {"date_from": "31/31/2026"}, "Enter the start date as a real date"),
        ("awards", {"date_to": "soon"}, "Enter the end date as a real date"),
        (
            "decisions",
            {"date_from": "2026-12-01", "date_to": "2026-01-01"},
            "The end date must be the same as or after",
        ),
    ],
)
def test_bad_filters_get_the_page_back_with_an_error_summary(admin_client, name, filters, message):
    response = download(admin_client, name, **filters)
    html = response.content.decode()
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "govuk-error-summary" in html and message in html


def test_unknown_export_is_not_found(admin_client):
    assert admin_client.get("/exports/passwords.csv").status_code == 404


def test_exports_are_for_hw_admins_only(client):
    login(client, UserFactory())
    assert client.get(reverse("insight:exports")).status_code == 403
    assert client.get(reverse("insight:export_download", args=["schools"])).status_code == 403


def test_an_export_of_50000_rows_streams(admin_client, django_assert_max_num_queries):
    School.objects.bulk_create(
        [School(urn=900000 + i, name=f"School {i}", la_code=919, status="Open", phase="Primary") for i in range(50_000)]
    )
    response = download(admin_client, "schools")
    assert isinstance(response, StreamingHttpResponse)
    lines = 0
    with django_assert_max_num_queries(60):  # server-side cursor / chunks of 2,000 on SQLite
        for _ in response.streaming_content:
            lines += 1
    assert lines == 1 + 1 + 50_000  # byte-order mark, header, rows
