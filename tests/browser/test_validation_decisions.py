"""Issue 5's "Done when", in Chromium: the admin schedules the year; a submitted application lands
on an agenda; two validators review it; the meeting asks for further information; the admin
releases the letter; the school adds evidence and resubmits; the next meeting accredits; the
school downloads its certificate, whose verification URL works. Every new page passes axe.

Time is moved with time_machine (the live server runs in this process, so it moves too); after
each jump people sign in again in a fresh browser context, as sessions and codes expire."""

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import expect

from accreditation.tests.factories import AdminFactory
from portfolios import services as portfolio_services
from portfolios.models import Application
from portfolios.tests.factories import EvidenceItemFactory, complete_application, ensure_criteria
from schools.tests.factories import LeadFactory
from validation.models import Award, Decision, Meeting, Review, Team
from validation.tasks import place_submitted_applications
from validation.tests.factories import GroupMemberFactory

from .axe import assert_accessible
from .helpers import sign_in
from .steps import fill_date_iso, release

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


LONDON = ZoneInfo("Europe/London")


def at(day: date, hour=9):
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def review_in_browser(page, member, recommendation):
    sign_in(page, member.user.email, check_accessibility=False)
    page.get_by_role("link", name="Review Hillside Primary").click()
    expect(page.get_by_role("heading", name="Review: Hillside Primary")).to_be_visible()
    assert_accessible(page)
    for number in range(1, 9):
        judgement = "Further information needed" if number == 3 else "Met"
        page.get_by_role("group", name=f"Criterion {number}: your judgement").get_by_label(
            judgement, exact=True
        ).check()
    page.get_by_label("Criterion 3: comment").fill("No record of staff training this year.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your draft has been saved.")).to_be_visible()
    page.get_by_role("group", name="Your overall recommendation").get_by_label(recommendation, exact=True).check()
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_text("Your review has been submitted.")).to_be_visible()
    assert_accessible(page)


def hold_meeting(page, admin, meeting, members, outcome, further=None):
    sign_in(page, admin.email, check_accessibility=False)
    page.goto(f"/meetings/{meeting.pk}/")
    expect(page.get_by_role("heading", name=f"Meeting on {meeting.date.day} {meeting.date:%B %Y}")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record attendance").click()
    assert_accessible(page)
    for member in members:
        page.get_by_label(re.compile(re.escape(member.user.get_full_name()))).check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Quorate: 3 members from 3 teams")).to_be_visible()
    page.get_by_role("link", name="Record the decision for Hillside Primary").click()
    expect(page.get_by_role("heading", name="Record the decision: Hillside Primary")).to_be_visible()
    page.get_by_label(outcome, exact=True).check()
    if further:
        page.get_by_role("button", name="Record decision").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Select the criteria that need further information"
        )
        assert_accessible(page)
        page.get_by_label(outcome, exact=True).check()
        page.get_by_label("3. ", exact=False).check()
        page.get_by_label("Further information needed", exact=True).fill(further)
        fill_date_iso(page, "information_due_on", (meeting.date + timedelta(days=28)).isoformat())
    page.get_by_label("Strengths").fill("Pupils' voice runs through the policy.")
    page.get_by_label("Areas for future consideration").fill("Involve parents in the annual review.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded for Hillside Primary.")).to_be_visible()
    assert_accessible(page)
    minutes = page.request.get(f"/meetings/{meeting.pk}/minutes.pdf")
    assert minutes.status == 200 and minutes.body().startswith(b"%PDF")


def test_from_schedule_to_certificate(fresh_page):
    ensure_criteria()
    with time_machine.travel(at(date(2026, 9, 2)), tick=True) as clock:
        teams = {t.slug: t for t in Team.objects.all()}
        admin = AdminFactory(first_name="Harriet", last_name="Walsh")
        members = [
            GroupMemberFactory(team=teams["health-wellbeing"], user__first_name="Vikram", user__last_name="Shah"),
            GroupMemberFactory(team=teams["send"], user__first_name="Sophie", user__last_name="Evans"),
            GroupMemberFactory(team=teams["school-governance"], user__first_name="Gareth", user__last_name="Owen"),
        ]
        lead = LeadFactory(school__name="Hillside Primary", school__town="Hitchin")
        application = complete_application(lead)
        portfolio_services.application_submit(
            application=application, actor=lead.user, declaration=True, equality_declaration=True
        )

        # The admin schedules the year and places the submitted application.
        page = fresh_page()
        sign_in(page, admin.email)
        page.goto("/meetings/schedule/")
        page.get_by_label("Academic year").fill("2026-27")
        page.get_by_role("button", name="Propose meetings").click()
        page.get_by_role("button", name="Confirm and schedule 6 meetings").click()
        expect(page.get_by_text("6 meetings scheduled for 2026-27.")).to_be_visible()
        first, second = Meeting.objects.order_by("date")[:2]
        page.goto("/")
        page.get_by_role("button", name="Place submitted applications").click()
        expect(page.get_by_text(f"Hillside Primary is on the agenda of the {first}.")).to_be_visible()
        page.get_by_role("link", name="See the agenda").click()
        expect(page.get_by_role("heading", name="Hillside Primary (URN", exact=False)).to_be_visible()
        assert_accessible(page)
        reviewers = [r.member for r in Review.objects.select_related("member__user")]
        assert len(reviewers) == 2 and reviewers[0].team_id != reviewers[1].team_id
        assert sum("Please review Hillside Primary" in m.subject for m in mail.outbox) == 2

        # Two validators review it.
        review_in_browser(fresh_page(), reviewers[0], "Further information required")
        review_in_browser(fresh_page(), reviewers[1], "Further information required")

        # The meeting asks for further information; the admin releases the letter.
        clock.move_to(at(first.date, 14))
        page = fresh_page()
        hold_meeting(
            page,
            admin,
            first,
            members,
            "Further information required",
            further="A record of anti-bullying training for all staff in the last year.",
        )
        mail.outbox.clear()
        release(page, "Thank you for Hillside Primary's thoughtful portfolio.")
        letter = mail.outbox[-1]
        assert letter.to == [lead.user.email] and "further information required" in letter.subject
        assert letter.attachments[0][1].startswith(b"%PDF")

        # The school adds evidence to criterion 3 and resubmits.
        clock.move_to(at(first.date + timedelta(days=2), 10))
        EvidenceItemFactory(school=lead.school, title="Staff training log 2026")
        page = fresh_page()
        sign_in(page, lead.user.email, check_accessibility=False)
        page.get_by_role("link", name="Go to your application").click()
        page.get_by_role("link", name=re.compile(r"^3\. ")).click()
        page.get_by_label("Self-evaluation").fill("All staff were trained in September; the log is attached.")
        page.get_by_label(re.compile("Staff training log 2026")).check()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Criterion 3 saved")).to_be_visible()
        page.get_by_role("link", name="Check your answers and submit").click()
        page.get_by_label(re.compile("information in this portfolio is accurate")).check()
        page.get_by_label(re.compile("public sector equality duties")).check()
        page.get_by_role("button", name="Submit application").click()
        expect(page.get_by_text("Application submitted.")).to_be_visible()

        # The periodic job lists it for the next meeting; that meeting accredits it.
        assert place_submitted_applications.delay().get() == {"placed": 1, "waiting": 0}
        assert Application.objects.get(pk=application.pk).meeting_date == second.date
        clock.move_to(at(second.date, 14))
        page = fresh_page()
        hold_meeting(page, admin, second, members, "Accredited")
        release(page, "Congratulations to everyone at Hillside Primary.")
        award = Award.objects.get()
        assert award.awarded_on == second.date and award.expires_on == second.date.replace(year=second.date.year + 3)
        assert Decision.objects.count() == 2

        # The school downloads its certificate; its verification URL works for anyone.
        page = fresh_page()
        sign_in(page, lead.user.email, check_accessibility=False)
        expect(page.get_by_text(re.compile("Hillside Primary is accredited from"))).to_be_visible()
        assert_accessible(page)
        with page.expect_download() as download:
            page.get_by_role("link", name="Download your certificate (PDF)").click()
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
        public = fresh_page()
        public.goto(f"/verify/{award.verification_code}/")
        expect(public.get_by_role("heading", name="Accreditation current")).to_be_visible()
        expect(public.get_by_text("Hitchin")).to_be_visible()
        assert_accessible(public)
        response = public.goto(f"/verify/{award.verification_code[:-2]}zz/")
        assert response.status == 404
        expect(public.get_by_role("heading", name="Certificate not found")).to_be_visible()
        assert_accessible(public)
        public.goto("/accredited-schools/")
        public.get_by_label("School name, town or URN").fill("hitchin")
        public.get_by_role("button", name="Search").click()
        expect(public.get_by_role("cell", name="Hillside Primary")).to_be_visible()
        assert_accessible(public)
