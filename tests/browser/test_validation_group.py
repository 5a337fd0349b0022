"""The validating group in Chromium: an admin schedules the year and adjusts a meeting, manages the
group; a validator declares a conflict and subscribes to the meetings. Every page passes axe."""

import importlib
import re

import icalendar
import pytest
from playwright.sync_api import expect

from accreditation.tests.factories import AdminFactory
from schools.tests.factories import SchoolFactory
from validation.models import Conflict, Meeting, Team
from validation.tests.factories import GroupMemberFactory

from .axe import assert_accessible
from .helpers import sign_in

TEAMS = importlib.import_module("validation.migrations.0002_load_teams").TEAMS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, name, iso):
    """Type a date into a GOV.UK date input (day, month and year boxes), as a person would."""
    year, month, day = iso.split("-")
    page.locator(f"#id_{name}_0").fill(str(int(day)))
    page.locator(f"#id_{name}_1").fill(str(int(month)))
    page.locator(f"#id_{name}_2").fill(year)


@pytest.fixture(autouse=True)
def teams():
    """Transactional tests flush the tables between tests, data migrations' rows included."""
    for name, slug in TEAMS:
        Team.objects.get_or_create(slug=slug, defaults={"name": name})


def test_admin_schedules_the_year_and_adjusts_a_meeting(page):
    admin = AdminFactory()
    GroupMemberFactory(user__first_name="Vikram", user__last_name="Shah")
    sign_in(page, admin.email)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Meetings").click()
    expect(page.get_by_role("heading", name="Validating group meetings")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Schedule a year's meetings").click()
    page.get_by_label("Academic year").fill("2026-28")
    page.get_by_role("button", name="Propose meetings").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must run from one year to the next")
    assert_accessible(page)
    page.get_by_label("Academic year").fill("2026-27")
    page.get_by_role("button", name="Propose meetings").click()
    expect(page.get_by_role("cell", name=re.compile("Wednesday 30 September 2026"))).to_be_visible()
    assert_accessible(page)
    assert not Meeting.objects.exists()
    page.get_by_role("button", name="Confirm and schedule 6 meetings").click()
    expect(page.get_by_text("6 meetings scheduled for 2026-27.")).to_be_visible()
    assert_accessible(page)
    assert Meeting.objects.filter(academic_year="2026-27").count() == 6

    page.get_by_role("link", name="Change meeting on 30 September 2026").click()
    assert_accessible(page)
    fill_date(page, "submission_cutoff", "2026-10-02")
    page.get_by_label("Place (optional)").fill("Committee Room 3, County Hall")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The submission cut-off must be before the meeting date"
    )
    assert_accessible(page)
    fill_date(page, "submission_cutoff", "2026-09-11")
    page.get_by_label("Online meeting link (optional)").fill("https://meet.example.org/validating-group")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_text("Validating group meeting, 30 September 2026 has been updated.")).to_be_visible()
    meeting = Meeting.objects.get(half_term="autumn_1")
    assert meeting.location == "Committee Room 3, County Hall"
    assert meeting.submission_cutoff.isoformat() == "2026-09-11"

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Validating group").click()
    expect(page.get_by_role("link", name="Vikram Shah")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Manage teams").click()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the validating group").click()
    page.get_by_role("link", name="Invite a member").click()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter their first name")
    assert_accessible(page)
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Jones")
    page.get_by_label("Email address").fill("nia.jones@example.org")
    page.get_by_label("SEND").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Nia Jones has been added to the group and sent an email.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Change team").click()
    page.get_by_label("School Governance").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save team").click()
    expect(page.get_by_text("Nia Jones is now in School Governance.")).to_be_visible()
    page.get_by_role("link", name="Record a conflict of interest for them").click()
    expect(page.get_by_text("On behalf of Nia Jones")).to_be_visible()
    assert_accessible(page)
    page.goto("/validating-group/teams/")
    page.get_by_role("link", name="Rename SEND").click()
    assert_accessible(page)


def test_validator_declares_a_conflict_and_subscribes_to_the_meetings(page):
    member = GroupMemberFactory()
    SchoolFactory(urn=117083, name="Oakfield Primary School")
    SchoolFactory(urn=117084, name="Oakwood Infant School")
    Meeting.objects.create(
        academic_year="2026-27",
        date="2026-11-25",
        starts_at="13:30",
        submission_cutoff="2026-11-04",
        capacity=12,
        location="County Hall",
    )
    sign_in(page, member.user.email)
    page.get_by_role("link", name="Declare a conflict of interest").click()
    expect(page.get_by_role("heading", name="Your conflicts of interest")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Declare a conflict of interest").click()
    page.get_by_label("School", exact=True).fill("Oak")
    page.get_by_label("Governor at the school").check()
    page.get_by_role("button", name="Declare conflict of interest").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("More than one school matches")
    expect(page.get_by_role("group", name="Which school do you mean?")).to_be_visible()
    assert_accessible(page)
    page.locator(".govuk-error-summary").get_by_role("link", name=re.compile("More than one school")).click()
    expect(page.locator("#id_school_1")).to_be_focused()
    page.get_by_label("Oakfield Primary School, Hertford (URN 117083)").check()
    page.get_by_role("button", name="Declare conflict of interest").click()
    expect(page.get_by_text("Conflict of interest with Oakfield Primary School declared.")).to_be_visible()
    expect(page.get_by_role("cell", name="Oakfield Primary School (URN 117083)")).to_be_visible()
    assert_accessible(page)
    assert Conflict.objects.get(member=member).school.urn == 117083

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your group profile").click()
    page.get_by_role("button", name="Create my calendar link").click()
    link = page.get_by_label("Calendar link").input_value()
    assert re.search(r"/calendar/[\w-]{40,}\.ics$", link)
    assert_accessible(page)
    response = page.request.get(link)
    assert response.status == 200
    events = icalendar.Calendar.from_ical(response.body()).walk("VEVENT")
    assert [str(e["location"]) for e in events] == ["County Hall"]
    assert page.request.get(link.replace(".ics", "x.ics")).status == 404
