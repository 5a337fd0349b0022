"""The board report: produced in the background, kept, commented, downloaded (issue 19)."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accreditation.errors import Refusal
from accreditation.tests.factories import AdminFactory
from accreditation.tests.helpers import login
from insight.board_report import services
from insight.board_report.models import BoardReport
from insight.indicators import services as indicator_services

from .data import build_county

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(time_machine, django_capture_on_commit_callbacks):
    data = build_county(time_machine)
    data["admin"] = AdminFactory()
    data["run_tasks"] = lambda: django_capture_on_commit_callbacks(execute=True)
    return data


def produce(client, admin, start=date(2026, 9, 1), end=date(2027, 8, 31), *, run=None):
    login(client, admin)
    with run():
        response = client.post(
        reverse("insight:board_reports"),
            {
                "title": "Report to the Safeguarding Board",
                "period_start_0": start.day, "period_start_1": start.month, "period_start_2": start.year,
                "period_end_0": end.day, "period_end_1": end.month, "period_end_2": end.year,
            },
        )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    return BoardReport.objects.get()


def test_the_report_is_produced_in_the_background_and_kept(client, county):
    indicator_services.indicator_save(
        actor=county["admin"], name="Schools accredited", description="", source="accredited", parameter="",
        unit="percentage", higher_is_better=True, baseline_value=Decimal(20), baseline_year=2024, lead_officer="",
    )  # fmt: skip
    report = produce(client, county["admin"], run=county["run_tasks"])
    assert report.status == "ready" and report.progress == 100 and report.produced_at is not None
    assert bytes(report.pdf).startswith(b"%PDF")
    keys = [s["key"] for s in report.sections]
    assert keys == ["indicators", "pipeline", "incidents", "training", "commitments"]
    indicators = report.table("indicators")["rows"]
    assert ["Schools accredited", "2026-27", "20%", "33.3%", "–", "–"] in indicators
    coverage = {row[0]: row[1:] for row in report.table("coverage")["rows"]}
    assert coverage["Watford"] == [1, 3, "33%"] and coverage["Dacorum"] == [1, 3, "33%"]
    assert coverage["All our open schools"] == [2, 6, "33%"]
    training = dict(report.table("training")["rows"])
    assert training["Attendances"] == 4 and training["Schools reached"] == 3
    assert training["Staff trained in those sessions"] == 14

    page = client.get(reverse("insight:board_report", args=[report.pk])).content.decode()
    assert "Accredited schools by district" in page and "<svg" in page and "Download the PDF" in page


def test_incident_trends_are_suppressed_for_small_numbers(client, county):
    report = produce(client, county["admin"], run=county["run_tasks"])
    by_type = {row[0]: row[1:] for row in report.table("incidents_by_type")["rows"]}
    # Autumn: 89 incidents in four returns; spring: Oak's 5 alone.
    assert by_type["Total"] == [89, 5]
    assert by_type["Returns received"] == [4, 1]
    assert "<5" in by_type["Racist"]  # 3 + 8 = 11 in autumn shown; spring 0 -> "<5"
    racist = {row[0]: row[1:] for row in report.table("racist_by_district")["rows"]}
    assert racist["Watford"][1] == "<5"


def test_each_table_downloads_as_csv(client, county):
    report = produce(client, county["admin"], run=county["run_tasks"])
    response = client.get(reverse("insight:board_report_csv", args=[report.pk, "coverage"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["District", "Accredited", "Open schools", "Share"]
    assert ["All our open schools", "2", "6", "33%"] in rows
    assert client.get(reverse("insight:board_report_csv", args=[report.pk, "nothing"])).status_code == 404


def test_commentary_per_section_goes_into_the_pdf(client, county):
    report = produce(client, county["admin"], run=county["run_tasks"])
    before = bytes(report.pdf)
    with county["run_tasks"]():
        response = client.post(
            reverse("insight:board_report_commentary", args=[report.pk]),
            {"training": "Training the Trainers reached every district.", "bogus": "ignored"},
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.commentary == {"training": "Training the Trainers reached every district."}
    assert bytes(report.pdf).startswith(b"%PDF") and bytes(report.pdf) != before
    download = client.get(reverse("insight:board_report_pdf", args=[report.pk]))
    assert download["Content-Type"] == "application/pdf" and download.content.startswith(b"%PDF")


def test_the_record_keeps_its_figures_when_the_data_changes(client, county):
    report = produce(client, county["admin"], run=county["run_tasks"])
    kept = report.table("coverage")["rows"]
    county["schools"]["Elm Primary"].awards.all().delete()
    from insight.tests.insight_data import decided

    decided(county["schools"]["Elm Primary"], meeting_date=date(2026, 12, 2))
    report.refresh_from_db()
    assert report.table("coverage")["rows"] == kept


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (date(2027, 3, 1), date(2027, 2, 1), "same as or after its start"),
        (date(2027, 4, 1), date(2027, 5, 1), "start today or in the past"),
        (date(2019, 1, 1), date(2027, 1, 1), "at most 5 years"),
    ],
)
def test_bad_periods_are_refused(county, start, end, message):
    with pytest.raises(Refusal, match=message):
        services.board_report_request(actor=county["admin"], period_start=start, period_end=end)
    assert not BoardReport.objects.exists()


def test_a_second_run_of_the_task_does_nothing(client, county):
    report = produce(client, county["admin"], run=county["run_tasks"])
    assert services.board_report_build(report_id=report.pk) is False


def test_progress_shows_while_the_report_waits(client, county, django_capture_on_commit_callbacks):
    login(client, county["admin"])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        report = services.board_report_request(
            actor=county["admin"], period_start=date(2026, 9, 1), period_end=date(2027, 3, 1)
        )
    assert len(queued) == 1
    page = client.get(reverse("insight:board_report", args=[report.pk])).content.decode()
    assert "Waiting to start: 0% done" in page and "Download the PDF" not in page
    assert client.get(reverse("insight:board_report_pdf", args=[report.pk])).status_code == 404
    queued[0]()
    report.refresh_from_db()
    assert report.status == "ready"
