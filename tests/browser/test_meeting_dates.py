"""Issue 15's "Done when": an admin moves a meeting in the browser and the new date shows on the
school's home, its application page, the admin's portfolio list and the portfolio PDF (the meeting
row is the truth; every copy follows it in the same transaction). Every page passes axe."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect
from pypdf import PdfReader

from accreditation.tests.factories import AdminFactory
from portfolios import services as portfolio_services
from portfolios.tests.factories import complete_application, ensure_criteria
from schools.tests.factories import LeadFactory
from validation import services
from validation.models import Team
from validation.tests.factories import GroupMemberFactory, MeetingFactory

from .axe import assert_accessible
from .helpers import sign_in
from .steps import fill_date_iso

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONDON = ZoneInfo("Europe/London")


def test_a_moved_meeting_shows_its_new_date_everywhere(fresh_page):
    ensure_criteria()
    with time_machine.travel(datetime(2026, 9, 2, 9, tzinfo=LONDON), tick=True):
        teams = list(Team.objects.all()[:3])
        for n, team in enumerate(teams):
            GroupMemberFactory(team=team, user__last_name=f"Member{n}")
        admin = AdminFactory(first_name="Harriet", last_name="Walsh")
        meeting = MeetingFactory(date=date(2026, 10, 7), submission_cutoff=date(2026, 9, 16))
        lead = LeadFactory(school__name="Hillside Primary", school__town="Hitchin")
        application = complete_application(lead)
        portfolio_services.application_submit(
            application=application, actor=lead.user, declaration=True, equality_declaration=True
        )
        services.agenda_place(application=application, by=admin)

        page = fresh_page()
        sign_in(page, admin.email, check_accessibility=False)
        page.goto(f"/meetings/{meeting.pk}/edit/")
        assert_accessible(page)
        fill_date_iso(page, "date", "2026-10-14")
        page.get_by_role("button", name="Save meeting").click()
        expect(page.get_by_text("Validating group meeting, 14 October 2026 has been updated.")).to_be_visible()
        assert_accessible(page)
        page.goto("/portfolio/schools/")
        expect(page.get_by_role("row", name="Hillside Primary First")).to_contain_text("14 Oct 2026")
        assert_accessible(page)

        school = fresh_page()
        sign_in(school, lead.user.email, check_accessibility=False)
        school.goto("/")
        expect(school.locator("main")).to_contain_text("14 October 2026")
        assert "7 October 2026" not in school.locator("main").inner_text()
        assert_accessible(school)
        school.goto(f"/portfolio/applications/{application.pk}/")
        expect(school.locator("main")).to_contain_text("14 October 2026")
        assert_accessible(school)
        pdf = school.request.get(f"/portfolio/applications/{application.pk}/portfolio.pdf")
        assert pdf.status == 200
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages[:2])
        assert "meeting 14 October 2026" in " ".join(text.split())
