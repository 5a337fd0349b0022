"""Surveys in Chromium: the lead opens a window; 25 pupils in two year groups answer on a phone with
JavaScript off, one after another on a shared device; the lead sees results with the small year
group suppressed; the H&W team's county figure matches a count made from the rows."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accreditation.tests.factories import AdminFactory
from portfolios.surveys import figures
from portfolios.surveys.models import SurveyAnswer, SurveyResponse, SurveyWindow
from portfolios.surveys.tests.factories import ensure_questionnaires
from portfolios.tests.factories import ensure_criteria
from schools.tests.factories import LeadFactory

from .axe import assert_accessible
from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 667}


def fill_date(page, name, day):
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def answer_as_pupil(pupil, *, year, bullied, where=()):
    pupil.get_by_role("radio", name=year, exact=True).check()
    pupil.get_by_role("group", name="4. In the last year, have you been bullied?").get_by_role(
        "radio", name="Yes" if bullied else "No", exact=True
    ).check()
    for place in where:
        pupil.get_by_role("checkbox", name=place).check()
    pupil.get_by_role("button", name="Send my answers").click()
    expect(pupil.get_by_role("heading", name="Thank you")).to_be_visible()


def test_pupils_answer_on_phones_without_javascript_and_the_school_sees_suppressed_results(page, browser, live_server):
    ensure_questionnaires()
    ensure_criteria()
    lead = LeadFactory(school__name="Hillside Primary", school__district="East Herts")
    today = timezone.localdate()

    # The lead opens a window for Years 5 and 6.
    sign_in(page, lead.user.email)
    page.get_by_role("link", name="Surveys").first.click()
    expect(page.get_by_role("heading", name="Surveys", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Open a survey").click()
    assert_accessible(page)
    page.get_by_label("Pupils (primary)").check()
    page.get_by_label("Name of the survey").fill("Anti-bullying week survey")
    fill_date(page, "opens_on", today)
    fill_date(page, "closes_on", today + timezone.timedelta(days=13))
    page.get_by_label("Year 5").check()
    page.get_by_label("Year 6").check()
    page.get_by_role("button", name="Open the survey").click()
    expect(page.get_by_role("heading", name="Anti-bullying week survey")).to_be_visible()
    assert_accessible(page)
    window = SurveyWindow.objects.get()
    expect(page.get_by_text(window.display_code).first).to_be_visible()
    expect(page.get_by_role("img", name="QR code for the survey link")).to_be_visible()

    # Pupil pages pass axe (axe needs script, so this phone has it; the pupils' phones do not).
    checker = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="en-GB").new_page()
    checker.goto("/survey/")
    assert_accessible(checker)
    checker.get_by_label("Enter your survey code").fill("nope")
    checker.get_by_role("button", name="Start").click()
    expect(checker.get_by_text("There is no survey with that code").first).to_be_visible()
    assert_accessible(checker)
    checker.get_by_label("Enter your survey code").fill(window.display_code.lower())
    checker.get_by_role("button", name="Start").click()
    expect(checker.get_by_role("heading", name="Anti-bullying week survey")).to_be_visible()
    checker.get_by_text("What happens to my answers?").click()
    expect(checker.get_by_text("We delete what you write after 2 years")).to_be_visible()
    assert_accessible(checker)
    checker.get_by_role("button", name="Send my answers").click()  # nothing chosen
    expect(checker.get_by_role("link", name="Answer “What year are you in?”")).to_be_visible()
    assert_accessible(checker)
    assert SurveyResponse.objects.count() == 0

    # 25 pupils on one shared phone with JavaScript off: 17 in Year 5, 8 in Year 6.
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False, locale="en-GB")
    pupil = phone.new_page()
    pupil.goto(f"/survey/{window.code}/")
    for i in range(25):
        year = "Year 5" if i < 17 else "Year 6"
        answer_as_pupil(pupil, year=year, bullied=i % 4 == 0, where=["In the playground"] if i % 4 == 0 else ())
        if i == 0:
            with_script = checker
            with_script.goto(f"/survey/{window.code}/thanks/")
            assert_accessible(with_script)
        pupil.get_by_role("link", name="Start the survey for the next person").click()
    assert SurveyResponse.objects.filter(window=window).count() == 25
    # The pupils' targets are large: every radio's label is at least 24 by 24 CSS pixels (WCAG 2.2 2.5.8).
    box = pupil.locator("label[for='id_q1']").bounding_box()
    assert box["height"] >= 24 and box["width"] >= 24
    phone.close()

    # The lead sees the results: Year 6 (8 pupils) is "fewer than 10"; Year 5 is hidden with it.
    page.reload()
    table = page.get_by_role("table", name="Responses by year group")
    expect(table.get_by_role("row", name="Year 6 fewer than 10")).to_be_visible()
    expect(table.get_by_role("row", name="Year 5 not shown")).to_be_visible()
    expect(page.get_by_text("25 responses.")).to_be_visible()
    assert_accessible(page)

    # ... and adds them to the evidence library for criteria 7 and 8.
    page.get_by_role("link", name="Add these results to your evidence library").click()
    assert_accessible(page)
    page.get_by_role("button", name="Add to the evidence library").click()
    expect(page.get_by_text("added to your evidence library")).to_be_visible()

    # The H&W team's county figure is the count made directly from the rows.
    admin = AdminFactory()
    page.get_by_role("button", name=re.compile("Sign out")).click()
    sign_in(page, admin.email)
    page.goto("/surveys/county/")
    assert_accessible(page)
    rows = SurveyAnswer.objects.filter(question__key="bullied_12_months", response__window=window)
    direct = round(100 * rows.filter(value="yes").count() / rows.count(), 1)
    year = figures.academic_year_of(today)
    row = page.get_by_role("table", name="Pupils who say they were bullied in the last twelve months").get_by_role(
        "row", name=re.compile(year)
    )
    expect(row).to_contain_text(f"{rows.count()}")
    expect(row).to_contain_text(f"{direct}%")
    page.get_by_label("Survey").select_option("primary_pupil")
    page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_role("table", name=re.compile("In the last year, have you been bullied"))).to_contain_text(
        f"{direct}%"
    )
    assert_accessible(page)
