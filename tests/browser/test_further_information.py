"""Issue 15: the school sees what the validating group asked for, who asked and by when on its
application page and the reopened criterion; once the date has passed an admin gives a new date
from the decision's page. Every page passes axe."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from accreditation.tests.factories import AdminFactory
from portfolios import services as portfolio_services
from portfolios.tests.factories import complete_application, ensure_criteria
from schools.tests.factories import LeadFactory
from validation import services
from validation.models import GroupMember, Team
from validation.tests.factories import GroupMemberFactory, MeetingFactory
from validation.tests.helpers import decide, review_all

from .axe import assert_accessible
from .helpers import sign_in
from .steps import fill_date_iso

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONDON = ZoneInfo("Europe/London")


def test_school_sees_the_request_and_admin_gives_a_new_date(fresh_page):
    ensure_criteria()
    with time_machine.travel(datetime(2026, 9, 2, 9, tzinfo=LONDON), tick=False):
        for n, team in enumerate(Team.objects.all()[:3]):
            GroupMemberFactory(team=team, user__last_name=f"Member{n}")
        admin = AdminFactory(first_name="Harriet", last_name="Walsh")
        meeting = MeetingFactory(date=date(2026, 10, 7), submission_cutoff=date(2026, 9, 16))
        lead = LeadFactory(school__name="Hillside Primary", school__town="Hitchin")
        application = complete_application(lead)
        portfolio_services.application_submit(
            application=application, actor=lead.user, declaration=True, equality_declaration=True
        )
        item = services.agenda_place(application=application, by=admin)
    with time_machine.travel(datetime(2026, 10, 7, 15, tzinfo=LONDON), tick=False):
        review_all(item)
        services.attendance_record(meeting=meeting, members=list(GroupMember.objects.all()), by=admin)
        decision = decide(item, admin, information_needed="Staff training records since September.")
        services.decision_release(decision=decision, by=admin)

    with time_machine.travel(datetime(2026, 10, 20, 9, tzinfo=LONDON), tick=True):
        school = fresh_page()
        sign_in(school, lead.user.email, check_accessibility=False)
        school.goto(f"/portfolio/applications/{application.pk}/")
        request = school.locator("dl", has_text="What was asked")
        expect(request).to_contain_text("Staff training records since September.")
        expect(request).to_contain_text("The validating group, at its meeting on 7 October 2026")
        expect(request).to_contain_text("1 November 2026")
        assert_accessible(school)

    with time_machine.travel(datetime(2026, 11, 3, 9, tzinfo=LONDON), tick=True):
        page = fresh_page()
        sign_in(page, admin.email, check_accessibility=False)
        page.get_by_role("link", name="Hillside Primary").first.click()
        expect(page.get_by_role("heading", name="Give the school a new date")).to_be_visible()
        assert_accessible(page)
        fill_date_iso(page, "due_on", "2026-12-01")
        page.get_by_role("button", name="Set the new date").click()
        expect(page.get_by_text("Hillside Primary has been emailed the new date: 1 December 2026.")).to_be_visible()
        assert_accessible(page)
