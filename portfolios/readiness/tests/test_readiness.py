"""Self-evaluation with readiness, and check your answers."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accreditation.errors import Refusal
from portfolios import services
from portfolios.exemplars.models import SharingConsent
from portfolios.models import Application
from portfolios.readiness import selectors
from portfolios.readiness import services as readiness_services
from portfolios.readiness.models import SelfRating
from portfolios.tests.factories import EvidenceItemFactory, complete_application
from schools.tests.factories import LeadFactory, MembershipFactory
from validation.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
TODAY = datetime(2026, 10, 1, 10, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(TODAY, tick=False)


@pytest.fixture
def lead(client):
    membership = LeadFactory(school__name="Hillside Primary")
    client.force_login(membership.user)
    return membership


def rate_all(application, actor, item, rating="met"):
    for response in application.responses.select_related("criterion"):
        readiness_services.criterion_self_evaluate(
            response=response,
            actor=actor,
            self_evaluation=f"We meet {response.criterion.number}",
            evidence=[item],
            rating=rating,
            reason="Minutes show it",
            outcome_evidence={str(i): [item.pk] for i in range(len(response.criterion.outcomes))},
        )


def test_rating_needs_a_reason_and_nothing_is_saved_without_one(lead):
    application = services.application_start(school=lead.school, actor=lead.user)
    response = application.responses.get(criterion__number=1)
    with pytest.raises(Refusal, match="short reason"):
        readiness_services.criterion_self_evaluate(
            response=response, actor=lead.user, self_evaluation="Text", evidence=[], rating="met", reason=" "
        )
    response.refresh_from_db()
    assert response.self_evaluation == "" and not SelfRating.objects.exists()


def test_outcome_evidence_is_linked_and_coverage_shows_what_will_be_stale_by_the_meeting(lead):
    MeetingFactory(date=date(2026, 11, 25), submission_cutoff=date(2026, 11, 4))
    application = services.application_start(school=lead.school, actor=lead.user)
    old = EvidenceItemFactory(school=lead.school, produced_on=date(2023, 11, 10), title="Old minutes")
    new = EvidenceItemFactory(school=lead.school, title="New survey")
    response = application.responses.get(criterion__number=1)
    readiness_services.criterion_self_evaluate(
        response=response,
        actor=lead.user,
        self_evaluation="SLT lead named",
        evidence=[],
        rating="partly_met",
        reason="Need governor minutes",
        outcome_evidence={"0": [old.pk], "1": [new.pk]},
    )
    assert set(response.evidence.values_list("title", flat=True)) == {"Old minutes", "New survey"}
    state = selectors.readiness_for(application, user=lead.user)
    assert state.meeting_date == date(2026, 11, 25)
    row = state.rows[0]
    assert [len(o.items) for o in row.outcomes] == [1, 1, 0]
    assert row.stale_by_meeting == [old] and row.outcomes[0].stale_by_meeting == [old]
    assert any("over 3 years old by the meeting on 25 November 2026" in left for left in row.left)
    assert any("outcome 3" in left for left in row.left)
    assert "Your rating is “partly met”" in row.left
    assert not state.ready


def test_ready_to_submit_when_every_criterion_is_met_with_in_date_evidence(lead, client):
    item = EvidenceItemFactory(school=lead.school)
    application = services.application_start(school=lead.school, actor=lead.user)
    rate_all(application, lead.user, item)
    assert selectors.readiness_for(application, user=lead.user).ready
    page = client.get(reverse("portfolios:readiness", args=[application.pk])).content.decode()
    assert "Ready to submit" in page
    tasks = client.get(reverse("portfolios:application", args=[application.pk])).content.decode()
    assert tasks.count("self-rating: met") == 8


def test_criterion_page_saves_the_rating_through_the_form(lead, client):
    item = EvidenceItemFactory(school=lead.school, title="Policy")
    application = services.application_start(school=lead.school, actor=lead.user)
    url = reverse("portfolios:criterion", args=[application.pk, 3])
    data = {"self_evaluation": "Reviewed in June", "evidence": [str(item.pk)], "rating": "met", "reason": ""}
    response = client.post(url, data)
    assert "Enter a short reason for your rating" in response.content.decode()
    assert not SelfRating.objects.exists()
    client.post(url, data | {"reason": "Reviewed with pupils", "outcome_0": [str(item.pk)]})
    rating = SelfRating.objects.get()
    assert (rating.rating, rating.reason, rating.outcome_evidence) == ("met", "Reviewed with pupils", {"0": [item.pk]})


def test_check_answers_shows_text_evidence_change_links_and_the_meeting(lead, client):
    MeetingFactory(date=date(2026, 11, 25), submission_cutoff=date(2026, 11, 4))
    item = EvidenceItemFactory(school=lead.school, title="Governor minutes")
    application = complete_application(lead, evidence=item)
    page = client.get(reverse("portfolios:check", args=[application.pk])).content.decode()
    assert "Check your answers before submitting" in page
    assert "We meet criterion 4." in page and "Governor minutes" in page
    assert page.count(">Change<") >= 24
    assert "meeting on <strong>25 November 2026</strong>" in page
    assert "What the group looks for under criterion 1" in page
    assert 'name="declaration"' in page


def test_submitting_from_check_answers_records_consent(lead, client):
    item = EvidenceItemFactory(school=lead.school)
    application = complete_application(lead, evidence=item)
    url = reverse("portfolios:check", args=[application.pk])
    response = client.post(url, {"declaration": "on", "equality_declaration": "on", "may_name": "on"})
    assert "Agree to share extracts before agreeing to be named" in response.content.decode()
    application.refresh_from_db()
    assert application.state == Application.State.DRAFT
    client.post(url, {"declaration": "on", "equality_declaration": "on", "may_share": "on"})
    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED
    consent = SharingConsent.objects.get(application=application)
    assert (consent.may_share, consent.may_name) == (True, False)


def test_a_colleague_sees_check_answers_but_cannot_submit(client):
    lead = LeadFactory()
    colleague = MembershipFactory(school=lead.school)
    application = complete_application(lead, evidence=EvidenceItemFactory(school=lead.school))
    client.force_login(colleague.user)
    url = reverse("portfolios:check", args=[application.pk])
    page = client.get(url).content.decode()
    assert "SLT lead can submit the application" in page and 'name="declaration"' not in page
    assert client.post(url, {"declaration": "on", "equality_declaration": "on"}).status_code == 403
    application.refresh_from_db()
    assert application.state == Application.State.DRAFT


def test_readiness_holds_on_every_day(lead, time_machine):
    for day in (datetime(2028, 2, 29, 12, tzinfo=LONDON), datetime(2027, 7, 31, 12, tzinfo=LONDON)):
        time_machine.move_to(day, tick=False)
        item = EvidenceItemFactory(school=lead.school, produced_on=day.date() - timedelta(days=10))
        application = services.application_start(school=lead.school, actor=lead.user)
        rate_all(application, lead.user, item)
        assert selectors.readiness_for(application, user=lead.user).ready
        services.application_withdraw(application=application, actor=lead.user)


def test_the_team_submits_a_paper_portfolio_from_check_answers_without_consenting_for_the_school(client):
    from accreditation.tests.factories import AdminFactory
    from accreditation.tests.helpers import login

    lead = LeadFactory()
    admin = AdminFactory()
    application = services.application_start(school=lead.school, actor=admin, hard_copy_received_on=date(2026, 9, 30))
    item = EvidenceItemFactory(school=lead.school)
    for response in application.responses.all():
        services.response_update(response=response, actor=admin, self_evaluation="On paper", evidence=[item])
    login(client, admin)
    url = reverse("portfolios:check", args=[application.pk])
    client.post(url, {"declaration": "on", "equality_declaration": "on", "may_share": "on"})
    application.refresh_from_db()
    assert application.state == Application.State.DRAFT  # only the school's lead can consent
    client.post(url, {"declaration": "on", "equality_declaration": "on"})
    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED
    assert not SharingConsent.objects.filter(application=application).exists()
