"""Issue 24 in Chromium: the Beta banner and the contact page from the footer, and an H&W admin
sending a failed email again from the Email page (reached from their home page)."""

import pytest
from playwright.sync_api import expect

from accreditation.models import OutboxMessage
from accreditation.tests.factories import AdminFactory

from .axe import assert_accessible
from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_beta_banner_and_contact_page(page):
    page.goto("/accounts/sign-in/")
    expect(page.locator(".govuk-phase-banner")).to_contain_text("Beta")
    page.get_by_role("link", name="Contact", exact=True).click()
    expect(page.get_by_role("heading", name="Contact", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Reporting a security problem")).to_be_visible()
    assert_accessible(page)


def test_admin_sends_a_failed_email_again_and_cancels_another(page):
    admin = AdminFactory(email="hw.admin@example.org")
    OutboxMessage.objects.create(
        template="invitation",
        to=["typo@schol.example.org"],
        subject="Set up your account",
        body_text="link",
        status="failed",
        attempts=8,
        last_error="typo@schol.example.org: 550 5.1.1 no such user",
    )
    OutboxMessage.objects.create(
        template="t", to=["head@school.example.org"], subject="Weekly summary", body_text="b", status="failed"
    )
    sign_in(page, admin.email)
    page.goto("/")
    expect(page.get_by_text("2 emails could not be delivered.")).to_be_visible()
    page.get_by_role("link", name="Email that failed or is waiting").click()
    expect(page.get_by_role("table")).to_contain_text("550 5.1.1 no such user")
    assert_accessible(page)
    page.get_by_role("button", name="Send again “Set up your account” to typo@schol.example.org").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("will be sent again")
    page.get_by_role("button", name="Cancel “Weekly summary” to head@school.example.org").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("will not be sent")
    expect(page.get_by_role("table")).to_have_count(0)
    assert_accessible(page)
    assert OutboxMessage.objects.get(subject="Set up your account").status == "sent"
    assert OutboxMessage.objects.get(subject="Weekly summary").status == "cancelled"
