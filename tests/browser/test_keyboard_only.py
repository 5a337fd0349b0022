"""Issue 8: one journey done with the keyboard alone. A school is found and registered without a
mouse: every field is reached with Tab in order, radios and the select are worked with arrow keys,
the error summary takes focus and its links move focus to the field."""

import pytest
from playwright.sync_api import expect

from schools.models import Registration
from schools.tests.factories import SchoolFactory

from .axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def is_focused(locator):
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page, locator, limit=80):
    """Press Tab until `locator` has the focus, as a keyboard user would; fail if it never does."""
    for _ in range(limit):
        if is_focused(locator):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{locator} cannot be reached with the Tab key")


def type_into(page, label, text):
    field = page.get_by_label(label, exact=True)
    tab_to(page, field)
    page.keyboard.type(text)


def test_a_school_registers_with_the_keyboard_alone(page):
    SchoolFactory(urn=117083, name="Abbots Langley School", eligibility="unknown")
    page.goto("/register/")
    # The skip link is the first thing Tab reaches, and it moves focus to the content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()

    type_into(page, "Your school's URN or name", "abbots")
    page.keyboard.press("Enter")
    register = page.get_by_role("link", name="Register Abbots Langley School")
    expect(register).to_be_visible()
    tab_to(page, register)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Abbots Langley School")).to_be_visible()

    # Sending the empty form: the error summary takes focus; its first link moves focus to the field.
    send = page.get_by_role("button", name="Send registration")
    tab_to(page, send)
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_label("SLT lead's full name")).to_be_focused()
    assert_accessible(page)

    page.keyboard.type("Lee Lead")
    type_into(page, "SLT lead's role", "Deputy Head")
    type_into(page, "SLT lead's email address", "lee@abbots.example.org")
    type_into(page, "SLT lead's phone number", "01923 000 000")
    type_into(page, "Head teacher's full name", "Hana Head")
    type_into(page, "Named governor for anti-bullying", "Gus Governor")
    type_into(page, "Day", "12")
    type_into(page, "Month", "3")
    type_into(page, "Year", "2023")

    # Radios: Tab reaches the group, arrow keys choose within it.
    framework = page.get_by_label("Education inspection framework (September 2019)")
    first_radio = page.locator("input[name=inspection_rule]").first
    tab_to(page, first_radio)
    for _ in range(page.locator("input[name=inspection_rule]").count()):
        if framework.is_checked():
            break
        page.keyboard.press("ArrowDown")
    expect(framework).to_be_checked()

    judgement = page.get_by_label("The judgement for behaviour and safety under that framework")
    tab_to(page, judgement)
    for _ in range(30):
        if judgement.input_value() == "2":
            break
        page.keyboard.press("ArrowDown")
    assert judgement.input_value() == "2"

    not_recorded = page.get_by_label("Not recorded")
    tab_to(page, page.locator("input[name=inspection_safeguarding]").first)
    for _ in range(4):
        if not_recorded.is_checked():
            break
        page.keyboard.press("ArrowDown")
    expect(not_recorded).to_be_checked()

    declaration = page.get_by_label("The school meets its public sector equality duty", exact=False)
    tab_to(page, declaration)
    page.keyboard.press("Space")
    expect(declaration).to_be_checked()

    tab_to(page, send)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Registration sent")).to_be_visible()
    assert_accessible(page)
    registration = Registration.objects.get()
    assert registration.lead_email == "lee@abbots.example.org" and registration.inspection_judgement == "2"
