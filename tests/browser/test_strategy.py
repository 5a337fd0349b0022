"""Issue 19 in Chromium: an admin defines indicators and targets, records a course with an
imported attendance sheet, and produces and downloads the board report. axe on every page."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accreditation.tests.factories import AdminFactory
from insight.indicators.sources import Period
from insight.tests.insight_data import decided
from portfolios.training.models import Attendance
from schools.tests.factories import SchoolFactory

from .axe import assert_accessible
from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, group, day):
    fieldset = page.get_by_role("group", name=group)
    fieldset.get_by_label("Day").fill(str(day.day))
    fieldset.get_by_label("Month").fill(str(day.month))
    fieldset.get_by_label("Year").fill(str(day.year))


def test_admin_defines_indicators_imports_attendance_and_downloads_the_board_report(page, tmp_path):
    today = timezone.localdate()
    this_year = Period.containing(today)
    admin = AdminFactory(email="hw.admin@example.org")
    oak = SchoolFactory(name="Oak Primary", urn=117083, district="Watford", pupils=200)
    SchoolFactory(name="Ash Primary", urn=117084, district="Dacorum", pupils=300)
    decided(oak, meeting_date=today - datetime.timedelta(days=100))

    sign_in(page, admin.email)
    page.get_by_role("link", name="Indicators").first.click()
    expect(page.get_by_role("heading", name="Indicators", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Define an indicator").click()
    assert_accessible(page)
    page.get_by_label("Name").fill("Schools accredited")
    page.get_by_label("Where the figures come from").select_option(label="Share of our schools accredited")
    page.get_by_label("Baseline value (optional)").fill("120")
    page.get_by_label("Baseline year (optional)").select_option(label=Period(this_year.year - 1).label)
    page.get_by_role("button", name="Save the indicator").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be 100 or less")
    assert_accessible(page)
    page.get_by_label("Baseline value (optional)").fill("20")
    page.get_by_role("button", name="Save the indicator").click()
    expect(page.get_by_role("heading", name="Schools accredited")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Year", exact=True).first.select_option(label=Period(this_year.year - 2).label)
    page.get_by_label("Target", exact=True).fill("40")
    page.get_by_role("button", name="Set the target").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("for the baseline year")
    assert_accessible(page)
    page.get_by_label("Year", exact=True).first.select_option(label=this_year.label)
    page.get_by_label("Target", exact=True).fill("40")
    page.get_by_role("button", name="Set the target").click()
    row = page.locator("#indicator-years tr", has=page.get_by_role("rowheader", name=this_year.label))
    expect(row).to_contain_text("50%")  # 1 of our 2 open schools
    expect(row).to_contain_text("Met")
    expect(page.get_by_text("On track")).to_be_visible()

    page.goto("/training/")
    assert_accessible(page)
    page.get_by_role("link", name="Add a course").click()
    page.get_by_label("Course title").fill("Restorative approaches")
    fill_date(page, "Date", today - datetime.timedelta(days=3))
    page.get_by_label("Venue").fill("County Hall")
    page.get_by_label("Number of places").fill("20")
    page.get_by_label("Trainer", exact=True).fill("Karin Hutchinson")
    page.get_by_role("button", name="Save the course").click()
    expect(page.get_by_role("heading", name="Restorative approaches")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Import the attendance sheet").click()
    assert_accessible(page)
    bad = tmp_path / "bad.csv"
    bad.write_text("URN,Name,Role\n117083,Ann Smith,Teacher\n999999,Nobody,\n=1+1,Eve,\n", encoding="utf-8")
    page.get_by_label("Attendance sheet (CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator("#sheet-problems")).to_contain_text("no school has the URN 999999")
    expect(page.locator("#sheet-problems")).to_contain_text("formula")
    assert_accessible(page)
    assert not Attendance.objects.exists()
    page.get_by_role("link", name="Upload a corrected sheet").click()
    good = tmp_path / "good.csv"
    good.write_text("URN,Name,Role\n117083,Ann Smith,Teacher\n117084,Bob Jones,\n", encoding="utf-8")
    page.get_by_label("Attendance sheet (CSV)").set_input_files(str(good))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator("#sheet-rows")).to_contain_text("Bob Jones")
    page.get_by_role("button", name="Import 2 attendances").click()
    expect(page.locator("#attendance")).to_contain_text("Ann Smith")
    assert Attendance.objects.count() == 2

    page.goto("/board-report/")
    expect(page.get_by_role("heading", name="Board report")).to_be_visible()
    assert_accessible(page)
    fill_date(page, "From", this_year.start)
    fill_date(page, "To", today)
    page.get_by_role("button", name="Produce the report").click()
    expect(page.locator("#report-status")).to_contain_text("Produced on")
    expect(page.locator("#table-coverage")).to_contain_text("Watford")
    expect(page.locator("#table-training")).to_contain_text("Schools reached")
    assert_accessible(page)
    page.get_by_label("Commentary: training reach").fill("Two schools sent staff to restorative training.")
    page.get_by_role("button", name="Save the commentary").click()
    expect(page.get_by_label("Commentary: training reach")).to_have_value(
        "Two schools sent staff to restorative training."
    )
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the PDF").click()
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download “Accredited schools by district” (CSV)").click()
    assert "Watford" in Path(info.value.path()).read_text(encoding="utf-8-sig")
