"""A lead moves a survey's closing date (a date typed wrongly is kept and explained), closes it
after one lesson, and cancels one not yet open; the pupils' link then shows the closed page.
Every page passes axe."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portfolios.surveys.models import SurveyResponse, SurveyWindow
from portfolios.surveys.tests.factories import open_window
from schools.tests.factories import LeadFactory

from .axe import assert_accessible
from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, name, day):
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def long_date(day):
    return f"{day:%A} {day.day} {day:%B %Y}"


def test_lead_changes_the_closing_date_closes_a_survey_early_and_cancels_one_not_yet_open(page, browser, live_server):
    lead = LeadFactory(school__name="Hillside Primary")
    window = open_window(lead, days=14, title="Anti-bullying week survey", year_groups=["Y5", "Y6"])
    upcoming = open_window(lead, starts_in=30, days=7, title="Summer survey", year_groups=["Y3"])
    today = timezone.localdate()
    sign_in(page, lead.user.email)

    # Change the closing date: a date before today is refused and what was typed stays.
    page.goto(f"/surveys/{window.pk}/")
    page.get_by_role("link", name="Change closing date").click()
    expect(page.get_by_role("heading", name="Change the closing date")).to_be_visible()
    assert_accessible(page)
    yesterday = today - timedelta(days=1)
    fill_date(page, "closes_on", yesterday)
    page.get_by_role("button", name="Change the closing date").click()
    expect(page.get_by_role("link", name="The closing date must be today or in the future")).to_be_visible()
    expect(page.locator("#id_closes_on_0")).to_have_value(str(yesterday.day))
    expect(page.locator("#id_closes_on_2")).to_have_value(str(yesterday.year))
    assert_accessible(page)
    later = today + timedelta(days=20)
    fill_date(page, "closes_on", later)
    page.get_by_role("button", name="Change the closing date").click()
    expect(page.get_by_text(f"now closes at the end of {long_date(later)}")).to_be_visible()
    assert SurveyWindow.objects.get(pk=window.pk).closes_on == later

    # The class finished in one lesson: close it now, after a warning.
    page.get_by_role("link", name="Close the survey now").click()
    expect(page.get_by_role("heading", name="Close “Anti-bullying week survey” now?")).to_be_visible()
    expect(page.locator(".govuk-warning-text")).to_contain_text("will stop accepting answers straight away")
    assert_accessible(page)
    page.get_by_role("button", name="Close the survey now").click()
    expect(page.get_by_text("The link no longer accepts answers")).to_be_visible()
    expect(page.get_by_text(re.compile("Closed early, at"))).to_be_visible()
    expect(page.get_by_role("link", name="Close the survey now")).to_have_count(0)
    assert_accessible(page)

    # A pupil with the link now sees the closed page, as for any survey that has closed.
    pupil = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    pupil.goto(f"/survey/{window.code}/")
    expect(pupil.get_by_role("heading", name="This survey has closed")).to_be_visible()
    expect(pupil.get_by_text(f"closed on {long_date(today)}")).to_be_visible()
    expect(pupil.get_by_role("button", name="Send my answers")).to_have_count(0)
    assert_accessible(pupil)
    assert not SurveyResponse.objects.exists()

    # A survey not open yet is cancelled instead.
    page.goto(f"/surveys/{upcoming.pk}/")
    expect(page.get_by_role("link", name="Close the survey now")).to_have_count(0)
    page.get_by_role("link", name="Cancel this survey").click()
    expect(page.get_by_role("heading", name="Cancel “Summer survey”?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Cancel the survey").click()
    expect(page.get_by_text("“Summer survey” is cancelled")).to_be_visible()
    expect(page.get_by_role("link", name="Summer survey")).to_have_count(0)
    assert_accessible(page)
    assert not SurveyWindow.objects.filter(pk=upcoming.pk).exists()
    pupil.goto(f"/survey/{upcoming.code}/")
    expect(pupil.get_by_role("heading", name="Survey not found")).to_be_visible()
    pupil.context.close()
