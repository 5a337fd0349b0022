"""Journey 1 (issues 3 and 8): a school registers, an admin signs in (second factor included) and
approves it, the lead sets a password from the emailed link, sees the school's home page, uploads
evidence for all 8 criteria (one large file with the progress bar) and submits. Every page passes axe."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accreditation.tests.factories import AdminFactory
from accreditation.tests.helpers import login
from portfolios.models import Application
from portfolios.tests.factories import ensure_criteria
from schools.tests.factories import SchoolFactory, ensure_default_eligibility_rules

from .axe import assert_accessible
from .helpers import sign_in as sign_in_with_second_factor
from .steps import build_and_submit_portfolio

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def eligibility_rules(db):
    ensure_default_eligibility_rules()


def test_journey_register_approve_set_password_build_and_submit(page, browser, live_server):
    ensure_criteria()
    SchoolFactory(urn=117083, name="Abbots Langley School", eligibility="unknown")
    admin = AdminFactory(email="hw.admin@example.org")

    page.goto("/register/")
    assert_accessible(page)
    page.get_by_label("Your school's URN or name").fill("12345")
    page.get_by_role("button", name="Find school").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a URN of 6 digits from 100000, like 117083")
    assert_accessible(page)
    page.get_by_label("Your school's URN or name").fill("abbots")
    page.get_by_role("button", name="Find school").click()
    assert_accessible(page)
    page.get_by_role("link", name="Register Abbots Langley School").click()

    expect(page.get_by_role("heading", name="Abbots Langley School")).to_be_visible()
    page.get_by_role("button", name="Send registration").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the SLT lead's full name")
    assert_accessible(page)
    page.locator(".govuk-error-summary").get_by_role("link", name="Select the inspection framework").click()
    expect(page.locator("#id_inspection_rule_1")).to_be_focused()
    page.get_by_label("SLT lead's full name").fill("Lee Lead")
    page.get_by_label("SLT lead's role").fill("Deputy Head")
    page.get_by_label("SLT lead's email address").fill("lee@abbots.example.org")
    page.get_by_label("SLT lead's phone number").fill("01923 000 000")
    page.get_by_label("Head teacher's full name").fill("Hana Head")
    page.get_by_label("Named governor for anti-bullying").fill("Gus Governor")
    page.get_by_label("Day").fill("12")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2023")
    page.get_by_label("Education inspection framework (September 2019)").check()
    page.get_by_label("The judgement for behaviour and safety").select_option("2")
    page.get_by_label("Not recorded").check()
    page.get_by_label("The school meets its public sector equality duty").check()
    page.get_by_role("button", name="Send registration").click()
    expect(page.get_by_role("heading", name="Registration sent")).to_be_visible()
    assert_accessible(page)

    admin_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    admin_page = admin_context.new_page()
    sign_in_with_second_factor(admin_page, admin.email)
    admin_page.goto("/")
    admin_page.get_by_role("link", name="Registrations").first.click()
    assert_accessible(admin_page)
    admin_page.get_by_role("link", name="Abbots Langley School").click()
    expect(admin_page.get_by_text("Eligible", exact=True)).to_be_visible()
    assert_accessible(admin_page)
    admin_page.get_by_role("button", name="Approve registration").click()
    expect(admin_page.get_by_text("Abbots Langley School is approved")).to_be_visible()
    assert_accessible(admin_page)
    admin_context.close()

    invitation = next(m for m in mail.outbox if m.subject.startswith("Set your password"))
    assert invitation.to == ["lee@abbots.example.org"]
    assert any(m.subject.startswith("Welcome to the") for m in mail.outbox)
    link = re.search(r"http://testserver(/accounts/\S+)", invitation.body).group(1)

    page.goto(link)
    expect(page.get_by_role("heading", name="Set your password")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Password", exact=True).fill("a long school password 2026")
    page.get_by_label("Confirm password").fill("a long school password 2026")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", name="Abbots Langley School")).to_be_visible()
    expect(page.get_by_text("You are the school's SLT lead.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Your school", exact=True).click()
    expect(page.get_by_text("Gus Governor")).to_be_visible()
    assert_accessible(page)

    # Journey 1 goes on (issue 8): the new lead builds the portfolio for all 8 criteria and submits.
    page.get_by_role("link", name="Home").click()
    build_and_submit_portfolio(page, "Abbots Langley School")
    assert Application.objects.get(school__urn=117083).state == Application.State.SUBMITTED


def signed_in_session(context, user, base_url):
    """Give the browser a signed-in session (second factor included where the role needs one):
    signing in itself, with its second factor, is tested in tests/browser/test_sign_in.py."""
    from django.conf import settings
    from django.test import Client

    client = login(Client(), user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )


def sign_in(page, email):
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your work")).to_be_visible()


def test_lead_manages_the_team_and_admin_pages_are_accessible(page, live_server):
    from schools.tests.factories import LeadFactory, MembershipFactory

    lead = LeadFactory(school__urn=117083, school__name="Abbots Langley School")
    MembershipFactory(school=lead.school, user__email="cara@abbots.example.org", user__first_name="Cara")
    sign_in(page, lead.user.email)
    page.get_by_role("link", name="Your school", exact=True).click()
    expect(page.get_by_role("heading", name="Abbots Langley School")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Invite a colleague").click()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter their first name")
    assert_accessible(page)
    page.get_by_label("First name").fill("Dev")
    page.get_by_label("Last name").fill("Colleague")
    page.get_by_label("Email address").fill("dev@abbots.example.org")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("We have emailed dev@abbots.example.org")).to_be_visible()
    page.get_by_role("link", name="Deactivate cara@abbots.example.org").click()
    assert_accessible(page)
    page.get_by_role("button", name="Deactivate account").click()
    expect(page.get_by_text("account is deactivated and signed out")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    signed_in_session(page.context, AdminFactory(), live_server.url)
    page.goto("/")
    for link, heading in (
        ("Scheme admin", "Scheme admin"),
        ("Welcome pack", "Welcome pack"),
        ("Scheme admin", "Scheme admin"),
        ("Eligibility rules", "Eligibility rules"),
        ("Schools", "Schools in the scheme"),
    ):
        page.get_by_role("link", name=link, exact=True).first.click()
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        assert_accessible(page)
    page.goto("/eligibility-rules/")
    page.get_by_role("link", name="Change Education inspection framework (September 2019)").click()
    assert_accessible(page)
    page.goto("/welcome-pack/new/")
    page.get_by_role("button", name="Save resource").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a title for the resource")
    assert_accessible(page)
    page.goto("/audit/?date_from_0=31&date_from_1=2&date_from_2=2026")
    summary = page.locator(".govuk-error-summary")
    summary.get_by_role("link", name="The start date must be a real date").click()
    expect(page.locator("#id_date_from_0")).to_be_focused()
    assert_accessible(page)
