"""Issue 16: a new school lead reads what each criterion needs, sees exemplars, rates itself, sees
readiness, asks for and receives an adviser's comments, checks its answers and submits; axe on
every new page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accreditation.tests.factories import AdminFactory
from portfolios import services
from portfolios.exemplars import services as exemplar_services
from portfolios.models import Application, Criterion
from portfolios.readiness import services as readiness_services
from portfolios.readiness.models import SelfRating
from portfolios.tests.factories import EvidenceItemFactory, complete_application, ensure_criteria
from schools.tests.factories import LeadFactory
from validation.tests.factories import MeetingFactory

from .axe import assert_accessible
from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def accredited_exemplar(admin):
    lead = LeadFactory(school__name="Oakfield Primary", school__phase="Primary")
    application = complete_application(lead, evidence=EvidenceItemFactory(school=lead.school))
    services.application_submit(application=application, actor=lead.user, declaration=True, equality_declaration=True)
    services.application_start_review(application=application, actor=admin)
    services.application_record_outcome(application=application, outcome="accredited", actor=admin)
    exemplar_services.consent_record(application=application, actor=lead.user, may_share=True, may_name=False)
    exemplar_services.exemplar_publish(
        actor=admin,
        application=application,
        criterion=Criterion.objects.get(criteria_set__is_current=True, number=1),
        title="A deputy head who reports to governors every term",
        extract="The deputy head presents the bullying log to governors each term, with actions.",
        why_it_worked="Leadership is visible and the log leads to action.",
    )


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_a_new_lead_builds_a_good_portfolio_with_guidance_exemplars_readiness_and_advice(page):
    ensure_criteria()
    today = timezone.localdate()
    meeting = MeetingFactory(date=today + timedelta(days=40), submission_cutoff=today + timedelta(days=20))
    admin = AdminFactory(email="adviser@council.example.org")
    accredited_exemplar(admin)
    lead = LeadFactory(school__name="Hillside Primary", school__phase="Primary")
    EvidenceItemFactory(school=lead.school, title="SLT minutes on bullying", produced_on=today - timedelta(days=20))

    sign_in(page, lead.user.email, check_accessibility=False)
    # What each criterion needs: the whole guide.
    page.get_by_role("link", name="Guidance", exact=True).click()
    expect(page.get_by_role("heading", name="Guidance: what each criterion needs")).to_be_visible()
    expect(page.get_by_role("heading", name="What the group looks for")).to_have_count(8)
    assert_accessible(page)
    # Exemplars, searched by criterion.
    page.get_by_role("link", name="Good practice", exact=True).click()
    page.get_by_label("Criterion").select_option("1")
    page.get_by_role("button", name="Search").click()
    assert_accessible(page)
    page.get_by_role("link", name="A deputy head who reports to governors every term").click()
    expect(page.get_by_text("A primary school")).to_be_visible()
    expect(page.get_by_text("Oakfield Primary")).to_have_count(0)
    assert_accessible(page)

    # Start, then work on criterion 1 with its guidance beside it.
    page.goto("/portfolio/")
    page.get_by_role("button", name="Start an application").click()
    expect(page.get_by_role("heading", name="First application")).to_be_visible()
    application = Application.objects.get(school=lead.school)
    page.get_by_role("link", name=re.compile(r"^1\. ")).click()
    expect(page.get_by_role("heading", name="What the group looks for")).to_be_visible()
    expect(page.get_by_role("heading", name="Examples of evidence")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Self-evaluation").fill("Our deputy head leads; SLT reviews the bullying log each half term.")
    page.locator("input[name=evidence]").first.check()
    page.get_by_label("Partly met").check()
    page.get_by_label("Why? (a short reason)").fill("Governors have not yet seen the review")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Criterion 1 saved")).to_be_visible()
    expect(page.get_by_text("self-rating: partly met")).to_be_visible()
    assert_accessible(page)

    # The rest of the criteria rated met (as if done on each page), then readiness.
    item = application.school.evidence_items.get()
    for response in application.responses.select_related("criterion").exclude(criterion__number=1):
        readiness_services.criterion_self_evaluate(
            response=response,
            actor=lead.user,
            self_evaluation=f"How we meet criterion {response.criterion.number}.",
            evidence=[item],
            rating="met",
            reason="Minutes and surveys show it",
            outcome_evidence={str(i): [item.pk] for i in range(len(response.criterion.outcomes))},
        )
    page.get_by_role("link", name="See how ready your application is").click()
    expect(page.get_by_role("heading", name="Readiness")).to_be_visible()
    expect(page.get_by_text("Not ready to submit yet")).to_be_visible()
    expect(page.get_by_text("Your rating is “partly met”")).to_be_visible()
    assert_accessible(page)

    # Ask for an adviser's comments.
    page.get_by_role("link", name="Back to the application").click()
    page.get_by_role("link", name="Ask for an adviser's comments").click()
    assert_accessible(page)
    page.get_by_label(re.compile("What would you like advice on")).fill("Is criterion 1 strong enough?")
    page.get_by_role("button", name="Ask for an adviser's comments").click()
    expect(page.get_by_text("Request sent.")).to_be_visible()
    sign_out(page)

    # The adviser sees it on the dashboard with its age, and comments on criterion 1.
    sign_in(page, admin.email, check_accessibility=False)
    page.goto("/portfolio/advice/")
    expect(page.get_by_role("heading", name="Requests for an adviser's comments")).to_be_visible()
    expect(page.get_by_role("cell", name="Today")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Hillside Primary").click()
    assert_accessible(page)
    page.get_by_label("Criterion").select_option(label="1. SLT lead")
    page.get_by_label("Comment").fill("Add the minutes where governors discussed the SLT review.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text("Comment added to criterion 1")).to_be_visible()
    page.get_by_role("button", name="Send the comments to the school").click()
    expect(page.get_by_text("Advice sent to Hillside Primary")).to_be_visible()
    sign_out(page)

    # The lead reads the comment on criterion 1, addresses it and rates the criterion met.
    sign_in(page, lead.user.email, check_accessibility=False)
    page.goto(f"/portfolio/applications/{application.pk}/criteria/1/")
    expect(page.get_by_text("Add the minutes where governors discussed the SLT review.")).to_be_visible()
    page.get_by_role("button", name=re.compile("Mark as addressed")).click()
    expect(page.get_by_text("Addressed", exact=True)).to_be_visible()
    assert_accessible(page)
    for box in page.locator("input[name^=outcome_]").all():
        box.check()
    page.get_by_label("Met", exact=True).check()
    page.get_by_label("Why? (a short reason)").fill("Governors reviewed it in their last meeting")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Criterion 1 saved")).to_be_visible()
    assert SelfRating.objects.get(response__application=application, response__criterion__number=1).rating == "met"
    page.get_by_role("link", name="See how ready your application is").click()
    expect(page.get_by_role("heading", name="Ready to submit")).to_be_visible()
    assert_accessible(page)

    # Check answers and submit.
    page.get_by_role("link", name="Back to the application").click()
    page.get_by_role("link", name="Check your answers and submit").click()
    expect(page.get_by_role("heading", name="Check your answers before submitting")).to_be_visible()
    expect(page.get_by_text(meeting.date.strftime("%-d %B %Y"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Change the self-evaluation for criterion 1"))).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile("information in this portfolio is accurate")).check()
    page.get_by_label(re.compile("public sector equality duties")).check()
    page.get_by_label(re.compile("may share anonymised extracts")).check()
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_text("Application submitted.")).to_be_visible()
    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED
    assert application.sharing_consent.may_share and not application.sharing_consent.may_name
