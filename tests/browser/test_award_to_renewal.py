"""Issue 17's "Done when", in Chromium: a decision with two areas for future consideration becomes
the school's action plan; the school reviews it six months on; its renewal starts pre-filled; the
panel sees the previous round; the new award runs from the day after the old one ends; the badge
and verification page turn "expired" on the lapse date; a person in two schools sees each school's
work only while working as that school. Every new page passes axe."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import expect

from accreditation.tests.factories import AdminFactory
from portfolios import services as portfolio_services
from portfolios.action_plans.services import plan_review_reminders_send
from portfolios.models import Action, Application
from portfolios.tests.factories import EvidenceItemFactory, ensure_criteria
from schools.tests.factories import LeadFactory, MembershipFactory
from validation import services
from validation.models import Award, Team
from validation.tests.factories import GroupMemberFactory, MeetingFactory
from validation.tests.helpers import academic_year, add_evidence, at, fill

from .axe import assert_accessible
from .helpers import sign_in
from .steps import release

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def meeting_on(day, cutoff):
    return MeetingFactory(date=day, submission_cutoff=cutoff, academic_year=academic_year(day))


def submit_and_review(application, lead, admin, comment=""):
    portfolio_services.application_submit(
        application=application, actor=lead.user, declaration=True, equality_declaration=True
    )
    item = services.agenda_place(application=application, by=admin)
    return item


def review_all(item, comment=""):
    for review in item.reviews.select_related("member__user"):
        services.review_save(
            review=review,
            by=review.member.user,
            judgements={r.criterion_id: ("met", comment) for r in item.application.responses.all()},
            recommendation="accredit",
            comment="Strong",
            submit=True,
        )


def test_from_two_areas_to_an_action_plan_and_a_renewal_that_loses_no_months(fresh_page):
    ensure_criteria()
    with time_machine.travel(at(date(2026, 9, 2)), tick=True) as clock:
        teams = {t.slug: t for t in Team.objects.all()}
        admin = AdminFactory(first_name="Harriet", last_name="Walsh")
        members = [
            GroupMemberFactory(team=teams["health-wellbeing"]),
            GroupMemberFactory(team=teams["send"]),
            GroupMemberFactory(team=teams["school-governance"]),
        ]
        lead = LeadFactory(school__name="Hillside Primary")
        first = meeting_on(date(2026, 10, 7), date(2026, 9, 16))
        old = add_evidence(lead, "Old survey", date(2026, 6, 15))
        newer = add_evidence(lead, "Policy", date(2026, 8, 25))
        application = portfolio_services.application_start(school=lead.school, actor=lead.user)
        fill(application, lead, [old, newer])
        item = submit_and_review(application, lead, admin)
        review_all(item, comment="Clear policy")

        # The meeting accredits with two areas for future consideration, one a line.
        clock.move_to(at(first.date, 14))
        services.attendance_record(meeting=first, members=members, by=admin)
        page = fresh_page()
        sign_in(page, admin.email, check_accessibility=False)
        page.goto(f"/agenda/{item.pk}/decision/")
        expect(page.get_by_role("heading", name="Record the decision: Hillside Primary")).to_be_visible()
        page.get_by_label("Accredited", exact=True).check()
        page.get_by_label("Strengths").fill("Pupils' voice runs through the policy.")
        page.get_by_label("Areas for future consideration").fill(
            "Involve parents in reviewing the policy\nTrain lunchtime supervisors in responding to bullying"
        )
        page.get_by_role("button", name="Record decision").click()
        expect(page.get_by_text("Decision recorded for Hillside Primary.")).to_be_visible()
        release(page, "Congratulations to everyone at Hillside Primary.")
        assert Action.objects.filter(school=lead.school).count() == 2

        # The school finds both areas in its action plan and works on them.
        clock.move_to(at(first.date + timedelta(days=3), 10))
        page = fresh_page()
        sign_in(page, lead.user.email, check_accessibility=False)
        page.goto(f"/portfolio/schools/{lead.school.pk}/action-plan/")
        expect(page.get_by_role("heading", name="Anti-bullying action plan")).to_be_visible()
        expect(page.get_by_role("cell", name=re.compile("Involve parents in reviewing the policy"))).to_be_visible()
        expect(page.get_by_role("cell", name=re.compile("Train lunchtime supervisors"))).to_be_visible()
        assert_accessible(page)
        page.get_by_role("link", name=re.compile("Update action: Involve parents")).click()
        page.get_by_label("Who leads it").fill("Deputy head")
        page.get_by_label("In progress").check()
        page.get_by_role("button", name="Save action").click()
        expect(page.get_by_text("Action saved")).to_be_visible()
        page.get_by_role("link", name="Add an action").click()
        page.get_by_label("What will be done").fill("Peer mentors in every class")
        page.locator("#id_due_on_0").fill("1")
        page.locator("#id_due_on_1").fill("9")
        page.locator("#id_due_on_2").fill("2026")
        page.get_by_role("button", name="Save action").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("must be today or in the future")
        assert_accessible(page)
        page.locator("#id_due_on_2").fill("2027")
        page.get_by_role("button", name="Save action").click()
        expect(page.get_by_text("Action added to the plan")).to_be_visible()

        # Six months on, a reminder comes; the school reviews the plan.
        clock.move_to(at(date(2027, 4, 8), 8))
        mail.outbox.clear()
        assert plan_review_reminders_send(as_of=date(2027, 4, 8)) == 1
        assert "due its review" in mail.outbox[-1].subject
        page = fresh_page()
        sign_in(page, lead.user.email, check_accessibility=False)
        page.goto(f"/portfolio/schools/{lead.school.pk}/action-plan/")
        expect(page.get_by_text("Review overdue")).to_be_visible()
        page.get_by_role("link", name="Review the plan").click()
        assert_accessible(page)
        page.get_by_label("What did the review find?").fill("Parents met twice; supervisors trained.")
        page.get_by_role("button", name="Record the review").click()
        expect(page.get_by_text("Review recorded")).to_be_visible()
        expect(page.get_by_text("8 October 2027")).to_be_visible()  # next review due

        # Three years on, the renewal starts pre-filled.
        clock.move_to(at(date(2029, 5, 1), 10))
        renewal_meeting = meeting_on(date(2029, 6, 20), date(2029, 5, 30))
        page = fresh_page()
        sign_in(page, lead.user.email, check_accessibility=False)
        page.goto(f"/portfolio/schools/{lead.school.pk}/")
        page.get_by_role("link", name="Start a renewal").click()
        expect(page.get_by_role("heading", name="Start a renewal")).to_be_visible()
        expect(page.get_by_text("Criterion 1: Old survey", exact=False)).to_be_visible()
        expect(page.get_by_text("from 7 October 2029 to 7 October 2032", exact=False)).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Train lunchtime supervisors in responding to bullying").check()
        page.get_by_role("button", name="Start the renewal").click()
        expect(page.get_by_text("Renewal started", exact=False)).to_be_visible()
        renewal = Application.objects.get(school=lead.school, state="draft")
        assert renewal.development_area == "Train lunchtime supervisors in responding to bullying"
        fill(renewal, lead, [add_evidence(lead, "New survey", date(2029, 4, 1))])
        page.goto(f"/portfolio/applications/{renewal.pk}/submit/")
        expect(page.locator("#award-preview")).to_contain_text("from 7 October 2029 to 7 October 2032")
        item = submit_and_review(renewal, lead, admin)

        # The panel sees the previous round beside each criterion.
        review = item.reviews.select_related("member__user").first()
        page = fresh_page()
        sign_in(page, review.member.user.email, check_accessibility=False)
        page.goto(f"/reviews/{review.pk}/")
        expect(page.get_by_role("heading", name="The previous round")).to_be_visible()
        expect(page.get_by_text("Last round (7 October 2026)").first).to_be_visible()
        expect(page.get_by_text("Clear policy").first).to_be_visible()
        expect(page.get_by_role("cell", name="Peer mentors in every class")).to_be_visible()
        assert_accessible(page)

        # Accredited in June: the new award runs from the day after the old one ends.
        review_all(item)
        clock.move_to(at(renewal_meeting.date, 15))
        services.attendance_record(meeting=renewal_meeting, members=members, by=admin)
        decision = services.decision_record(
            item=item, by=admin, outcome="accredited", strengths="Sustained.", areas_for_future="Governors"
        )
        services.decision_release(decision=decision, by=admin)
        new = Award.objects.get(application=renewal)
        assert (new.awarded_on, new.expires_on) == (date(2029, 10, 7), date(2032, 10, 7))
        public = fresh_page()
        public.goto(f"/verify/{new.verification_code}/")
        expect(public.get_by_text("This accreditation starts on 7 October 2029")).to_be_visible()
        expect(public.get_by_text("7 October 2029").first).to_be_visible()
        assert_accessible(public)


def test_badge_and_verification_turn_expired_on_the_lapse_date(fresh_page):
    ensure_criteria()
    with time_machine.travel(at(date(2026, 9, 2)), tick=True) as clock:
        teams = {t.slug: t for t in Team.objects.all()}
        admin = AdminFactory()
        members = [GroupMemberFactory(team=teams[s]) for s in ("health-wellbeing", "send", "school-governance")]
        lead = LeadFactory(school__name="Hillside Primary")
        meeting = meeting_on(date(2026, 10, 7), date(2026, 9, 16))
        application = portfolio_services.application_start(school=lead.school, actor=lead.user)
        fill(application, lead, [add_evidence(lead, "Policy", date(2026, 8, 25))])
        item = submit_and_review(application, lead, admin)
        review_all(item)
        clock.move_to(at(meeting.date, 15))
        services.attendance_record(meeting=meeting, members=members, by=admin)
        decision = services.decision_record(
            item=item, by=admin, outcome="accredited", strengths="s", areas_for_future="Parents"
        )
        services.decision_release(decision=decision, by=admin)
        award = Award.objects.get()

        clock.move_to(at(date(2029, 10, 6), 23))
        page = fresh_page()
        page.goto(f"/verify/{award.verification_code}/")
        expect(page.get_by_role("heading", name="Accreditation current")).to_be_visible()
        badge = page.request.get(f"/verify/{award.verification_code}/badge.svg").text()
        assert "Current to 6 Oct 2029" in badge
        img = page.get_by_role("img", name=re.compile("anti-bullying accreditation for Hillside Primary"))
        expect(img).to_be_visible()
        assert_accessible(page)

        clock.move_to(at(date(2029, 10, 7), 0))  # the lapse date, before the nightly job runs
        page.goto(f"/verify/{award.verification_code}/")
        expect(page.get_by_text("Expired: this accreditation is no longer current.")).to_be_visible()
        badge = page.request.get(f"/verify/{award.verification_code}/badge.svg").text()
        assert "Expired 7 Oct 2029" in badge
        page.goto("/accredited-schools/")
        expect(page.get_by_role("cell", name="Hillside Primary")).to_have_count(0)
        assert_accessible(page)


def test_a_person_in_two_schools_sees_each_schools_work_only_while_working_as_it(fresh_page):
    ensure_criteria()
    abbey = LeadFactory(school__name="Abbey Primary", user__email="mo@federation.example.org")
    brook = MembershipFactory(school__name="Brook Junior", user=abbey.user)
    EvidenceItemFactory(school=abbey.school, title="Abbey anti-bullying policy")
    EvidenceItemFactory(school=brook.school, title="Brook peer mentor log")
    page = fresh_page()
    sign_in(page, abbey.user.email, check_accessibility=False)
    page.goto(f"/portfolio/schools/{abbey.school.pk}/evidence/")
    expect(page.get_by_text("Abbey anti-bullying policy")).to_be_visible()
    assert page.goto(f"/portfolio/schools/{brook.school.pk}/evidence/").status == 404

    page.goto("/")
    page.get_by_role("link", name="Switch school (working as Abbey Primary)").click()
    expect(page.get_by_role("heading", name="Which school are you working as?")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Brook Junior").check()
    page.get_by_role("button", name="Work as this school").click()
    expect(page.get_by_text("You are now working as Brook Junior.")).to_be_visible()
    page.get_by_role("link", name="Portfolio", exact=True).click()
    page.goto(f"/portfolio/schools/{brook.school.pk}/evidence/")
    expect(page.get_by_text("Brook peer mentor log")).to_be_visible()
    expect(page.get_by_text("Abbey anti-bullying policy")).to_have_count(0)
    assert page.goto(f"/portfolio/schools/{abbey.school.pk}/evidence/").status == 404
    assert page.goto(f"/portfolio/schools/{abbey.school.pk}/action-plan/").status == 404
