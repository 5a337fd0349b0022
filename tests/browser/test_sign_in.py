"""Each kind of user signs in through the real page in Chromium; every page passes axe."""

import re

import pytest
from playwright.sync_api import expect

from accreditation.tests.factories import AdminFactory, UserFactory
from schools.tests.factories import LeadFactory, MembershipFactory
from validation.tests.factories import GroupMemberFactory

from .axe import assert_accessible
from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "make_user, expected",
    [
        (lambda: LeadFactory(school__name="Hillside Primary").user, "submit your application"),
        (lambda: MembershipFactory(school__name="Hillside Primary").user, "Your SLT lead submits the application"),
        (lambda: GroupMemberFactory().user, "member of the validating group"),
        (lambda: AdminFactory(), "Registrations waiting"),
    ],
    ids=["school-lead", "school-colleague", "validator", "hw-admin"],
)
def test_each_role_signs_in_and_sees_what_to_do_next(page, make_user, expected):
    user = make_user()
    sign_in(page, user.email)
    expect(page.get_by_role("heading", name="Your work")).to_be_visible()
    expect(page.get_by_text(expected)).to_be_visible()
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def test_wrong_password_shows_the_error_summary_and_focuses_it(page):
    UserFactory(email="head@school.example.org")
    sign_in(page, "head@school.example.org", "not-my-password")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error:")
    assert_accessible(page)


def test_forgotten_password_page_is_accessible(page):
    page.goto("/accounts/password-reset/")
    page.get_by_role("button", name="Send reset link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address")
    assert_accessible(page)
