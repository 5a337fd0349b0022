"""Personal data in Chromium: the privacy notice and accessibility statement from the footer, the
retention schedule for every kind of record, a subject access download and an erasure."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accreditation.models import User
from accreditation.tests.factories import AdminFactory, UserFactory

from .axe import assert_accessible
from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_privacy_notice_and_accessibility_statement_are_linked_from_every_page(page):
    page.goto("/accounts/sign-in/")
    page.get_by_role("link", name="Privacy").click()
    expect(page.get_by_role("heading", name="Privacy notice", level=1)).to_be_visible()
    expect(page.locator("#retention-periods")).to_contain_text("Copies of emails the portal sent")
    expect(page.locator("#retention-periods")).to_contain_text("90 days after the email was written")
    assert_accessible(page)
    page.get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", name="Accessibility statement for", level=1)).to_be_visible()
    assert_accessible(page)


def test_admin_sets_a_period_downloads_a_subject_access_zip_and_erases_a_person(page):
    admin = AdminFactory(email="hw.admin@example.org")
    UserFactory(email="former.teacher@school.example.org", first_name="Fran", last_name="Former")

    sign_in(page, admin.email)
    page.goto("/retention/records/")
    expect(page.get_by_role("heading", name="Retention schedule for every kind of record")).to_be_visible()
    expect(page.locator("#retention-kinds")).to_contain_text("The audit trail")
    assert_accessible(page)
    page.get_by_label("The audit trail: period in months").fill("24")
    page.locator("form", has=page.get_by_label("The audit trail: period in months")).get_by_role(
        "button", name="Save period"
    ).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("at least 36 months")
    assert_accessible(page)
    page.get_by_label("The audit trail: period in months").fill("96")
    page.locator("form", has=page.get_by_label("The audit trail: period in months")).get_by_role(
        "button", name="Save period"
    ).click()
    expect(page.locator("#kind-audit-events")).to_contain_text("8 years after the event")

    page.get_by_role("link", name="Subject access").click()
    expect(page.get_by_role("heading", name="Subject access requests")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address or name").fill("Former")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#subject-access-results")).to_contain_text("former.teacher@school.example.org")
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download data for former.teacher@school.example.org").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert json.loads(archive.read("data.json"))["account"]["last name"] == "Former"

    page.get_by_role("link", name="Erase former.teacher@school.example.org").click()
    expect(page.locator("#erasure-kept")).to_contain_text("The audit trail keeps what was done")
    assert_accessible(page)
    page.get_by_label("Reason for erasure").fill("SAR-2026-041")
    page.get_by_role("button", name="Anonymise this person").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("anonymised")
    assert User.objects.filter(email="former.teacher@school.example.org").count() == 0
