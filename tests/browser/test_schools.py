"""The "done when" journey: register a school, an admin approves it, the lead sets a password
from the emailed link and sees the school's home page. Every page passes axe."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accreditation.tests.factories import AdminFactory
from schools.tests.factories import SchoolFactory

from .axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_approve_and_set_password(page, browser, live_server):
    SchoolFactory(urn=117083, name="Abbots Langley School", eligibility="unknown")
    admin = AdminFactory(email="hw.admin@example.org")

    page.goto("/register/")
    assert_accessible(page)
    page.get_by_label("Your school's URN or name").fill("12345")
    page.get_by_role("button", name="Find school").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a URN of 6 digits, like 117083")
    assert_accessible(page)
    page.get_by_label("Your school's URN or name").fill("abbots")
    page.get_by_role("button", name="Find school").click()
    assert_accessible(page)
    page.get_by_role("link", name="Register Abbots Langley School").click()

    expect(page.get_by_role("heading", name="Abbots Langley School")).to_be_visible()
    page.get_by_role("button", name="Send registration").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the SLT lead's full name")
    assert_accessible(page)
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
    admin_page.goto("/accounts/sign-in/")
    admin_page.get_by_label("Email address").fill(admin.email)
    admin_page.get_by_label("Password").fill("correct-horse-battery-staple")
    admin_page.get_by_role("button", name="Sign in").click()
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
    page.get_by_role("link", name="Your school").click()
    expect(page.get_by_text("Gus Governor")).to_be_visible()
    assert_accessible(page)
