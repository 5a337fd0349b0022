"""Signing in through the real pages, second factor included where the role needs it."""

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accreditation.tests.factories import TEST_PASSWORD
from accreditation.tests.helpers import current_code

from .axe import assert_accessible


def sign_in(page, email, password=TEST_PASSWORD, *, check_accessibility=True):
    """Sign in with the form; set up or enter the authenticator code if asked, as a person would."""
    page.goto("/accounts/sign-in/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    if check_accessibility:
        assert_accessible(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/accounts/two-factor/set-up/" in page.url:
        expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
        if check_accessibility:
            assert_accessible(page)
        device = TOTPDevice.objects.filter(user__email=email, confirmed=False).latest("id")
        page.get_by_label("Code from your authenticator app").fill(current_code(device))
        page.get_by_role("button", name="Confirm and continue").click()
        expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
        if check_accessibility:
            assert_accessible(page)
        page.get_by_role("link", name="I have saved my codes, continue").click()
    elif "/accounts/two-factor/" in page.url:
        expect(page.get_by_role("heading", name="Enter the code from your authenticator app")).to_be_visible()
        if check_accessibility:
            assert_accessible(page)
        device = TOTPDevice.objects.get(user__email=email, confirmed=True)
        page.get_by_label("Code").fill(current_code(device))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
