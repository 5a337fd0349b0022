"""Issue 11's journey in Chromium: a new validator accepts the invitation, sets a password, must
set up the authenticator before any other page, then reaches the meetings; axe on every page."""

import re

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accreditation.tests.factories import AdminFactory
from accreditation.tests.helpers import current_code

from .axe import assert_accessible
from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_validator_sets_up_the_authenticator_before_reaching_the_meetings(page, browser, live_server):
    admin = AdminFactory()
    sign_in(page, admin.email)
    page.goto("/validating-group/invite/")
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Jones")
    page.get_by_label("Email address").fill("nia.jones@example.org")
    page.get_by_label("SEND").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Nia Jones has been added to the group")).to_be_visible()

    invitation = next(m for m in mail.outbox if m.to == ["nia.jones@example.org"])
    link = re.search(r"https?://\S+(/accounts/invitation/\S+)", invitation.body).group(1)

    validator = browser.new_context(base_url=live_server.url).new_page()
    validator.goto(link)
    expect(validator.get_by_role("heading", name="Set your password")).to_be_visible()
    assert_accessible(validator)
    validator.get_by_label("Password", exact=True).fill("kind words travel far")
    validator.get_by_label("Confirm password").fill("kind words travel far")
    validator.get_by_role("button", name="Set password").click()

    expect(validator.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    assert_accessible(validator)
    # Typing another address does not get round the set-up.
    validator.goto("/meetings/")
    expect(validator.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    validator.get_by_label("Code from your authenticator app").fill("12345")
    validator.get_by_role("button", name="Confirm and continue").click()
    expect(validator.locator(".govuk-error-summary")).to_contain_text("Enter the 6-digit code")
    expect(validator.locator(".govuk-error-summary")).to_be_focused()
    assert_accessible(validator)

    device = TOTPDevice.objects.get(user__email="nia.jones@example.org", confirmed=False)
    validator.get_by_label("Code from your authenticator app").fill(current_code(device))
    validator.get_by_role("button", name="Confirm and continue").click()
    expect(validator.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    assert validator.locator(".app-recovery-codes li").count() == 10
    assert_accessible(validator)
    validator.get_by_role("link", name="I have saved my codes, continue").click()
    expect(validator.get_by_role("heading", name="Validating group meetings")).to_be_visible()
    assert_accessible(validator)
    assert any("authenticator app was set up" in m.body for m in mail.outbox if m.to == ["nia.jones@example.org"])

    validator.goto("/accounts/security/")
    expect(validator.get_by_text("This device")).to_be_visible()
    expect(validator.get_by_text("Your role needs one.")).to_be_visible()
    assert_accessible(validator)
