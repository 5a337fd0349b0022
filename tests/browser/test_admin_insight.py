"""Admin insight in Chromium: the dashboard, a filtered CSV export, the retention preview and schedule."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from accreditation.tests.factories import AdminFactory
from insight.tests.insight_data import decided, stored_evidence
from portfolios import retention as evidence_retention
from schools.tests.factories import RegistrationFactory, SchoolFactory
from validation.models import Award, Decision

from .axe import assert_accessible
from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_reads_the_dashboard_exports_a_csv_and_sets_the_retention_schedule(page):
    today = timezone.localdate()
    admin = AdminFactory(email="hw.admin@example.org")
    RegistrationFactory()
    accredited = SchoolFactory(name="Oakfield Primary", phase="Primary", district="Watford")
    decided(accredited, meeting_date=today - datetime.timedelta(days=200))
    decided(SchoolFactory(name="=Riverside Academy", phase="Secondary", district="Dacorum"),
            meeting_date=today - datetime.timedelta(days=90), outcome=Decision.Outcome.FURTHER_INFORMATION,
            criteria=[6])  # fmt: skip
    old_school = SchoolFactory(name="Meadow Lane Infant")
    old, _, _ = decided(old_school, meeting_date=today - relativedelta(years=7), award_status=Award.Status.LAPSED)
    stored_evidence(old_school, applications=[old], content=b"x" * 3000)

    sign_in(page, admin.email)
    page.get_by_role("link", name="Dashboard").first.click()
    expect(page.get_by_role("heading", name="Scheme dashboard")).to_be_visible()
    expect(page.locator("#figure-registrations")).to_have_text("1")
    expect(page.locator("#table-phase")).to_contain_text("Primary")
    expect(page.locator("#table-criteria")).to_contain_text("6.")
    assert_accessible(page)

    page.get_by_role("link", name="CSV exports").click()
    expect(page.get_by_role("heading", name="CSV exports")).to_be_visible()
    assert_accessible(page)
    decisions = page.locator("section", has=page.get_by_role("heading", name="Decisions"))
    decisions.get_by_label("Outcome").select_option("further_information")
    with page.expect_download() as info:
        decisions.get_by_role("button", name="Download CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[3] for row in rows[1:]] == ["'=Riverside Academy"]

    page.get_by_role("link", name="Evidence retention").click()
    expect(page.get_by_role("heading", name="Evidence retention")).to_be_visible()
    expect(page.locator("#retention-preview")).to_contain_text("Meadow Lane Infant")
    assert_accessible(page)

    page.get_by_role("link", name="Change the schedule").click()
    expect(page.get_by_role("heading", name="Change the retention schedule")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Years to keep the files of an accredited application after its award expires").fill("0")
    page.get_by_role("button", name="Save the schedule").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a period of at least 1 year")
    assert_accessible(page)
    page.get_by_label("Years to keep the files of an accredited application after its award expires").fill("10")
    page.get_by_role("button", name="Save the schedule").click()
    expect(page.locator("#retention-schedule")).to_contain_text("10 years after the award expires")
    expect(page.locator("#retention-preview")).to_contain_text("No evidence files are due")
    assert evidence_retention.schedule_get().years_after_award_expiry == 10
