"""An adviser's comments on a draft: asked, given per criterion, marked addressed, private unless
shared, read-only once the draft is submitted."""

import pytest
from django.core import mail
from django.urls import reverse

from accreditation.errors import Refusal
from accreditation.tests.factories import AdminFactory
from accreditation.tests.helpers import login
from portfolios import services
from portfolios.advice import selectors
from portfolios.advice import services as advice_services
from portfolios.models import Application, Criterion
from portfolios.tests.factories import EvidenceItemFactory, complete_application
from schools.tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def criterion(number):
    return Criterion.objects.get(criteria_set__is_current=True, number=number)


@pytest.fixture
def asked(django_capture_on_commit_callbacks):
    lead = LeadFactory(school__name="Hillside Primary")
    application = complete_application(lead, evidence=EvidenceItemFactory(school=lead.school))
    with django_capture_on_commit_callbacks(execute=True):
        request = advice_services.advice_request(application=application, actor=lead.user, note="Criterion 2?")
    return lead, application, request, AdminFactory()


def test_request_reaches_the_team_and_the_dashboard(asked, client):
    lead, application, request, admin = asked
    assert "Hillside Primary" in mail.outbox[-1].subject
    assert [r.pk for r in selectors.open_requests()] == [request.pk]
    with pytest.raises(Refusal, match="already asked"):
        advice_services.advice_request(application=application, actor=lead.user)
    login(client, admin)
    page = client.get(reverse("insight:dashboard")).content.decode()
    assert "Drafts waiting for an adviser" in page and "Hillside Primary" in page and "Today" in page


def test_comments_are_sent_then_shown_on_the_criterion_and_marked_addressed(
    asked, client, django_capture_on_commit_callbacks
):
    lead, application, request, admin = asked
    with pytest.raises(Refusal, match="at least one comment"):
        advice_services.advice_complete(request=request, actor=admin)
    comment = advice_services.advice_comment_add(
        request=request, criterion=criterion(2), actor=admin, body="Add the governor's visit notes <b>please</b>"
    )
    client.force_login(lead.user)
    url = reverse("portfolios:criterion", args=[application.pk, 2])
    assert "governor&#x27;s visit notes" not in client.get(url).content.decode()  # not sent yet
    with django_capture_on_commit_callbacks(execute=True):
        advice_services.advice_complete(request=request, actor=admin)
    assert mail.outbox[-1].to == [lead.user.email]
    page = client.get(url).content.decode()
    assert "Add the governor&#x27;s visit notes &lt;b&gt;please&lt;/b&gt;" in page
    client.post(reverse("portfolios:advice_mark", args=[comment.pk]), {"addressed": "1"})
    comment.refresh_from_db()
    assert comment.addressed_by == lead.user
    application.refresh_from_db()
    assert application.state == Application.State.DRAFT  # advice never locks the draft
    assert selectors.open_requests() == []


def test_validators_see_comments_only_when_shared(asked, client):
    lead, application, request, admin = asked
    advice_services.advice_comment_add(request=request, criterion=criterion(1), actor=admin, body="Fine")
    advice_services.advice_complete(request=request, actor=admin)
    assert list(selectors.shared_comments_for_validators(application)) == []
    client.force_login(lead.user)
    client.post(reverse("portfolios:advice_share", args=[application.pk]), {"share": "1"})
    assert [c.body for c in selectors.shared_comments_for_validators(application)] == ["Fine"]


def test_comments_are_read_only_after_submission(asked):
    lead, application, request, admin = asked
    comment = advice_services.advice_comment_add(request=request, criterion=criterion(1), actor=admin, body="Fine")
    advice_services.advice_complete(request=request, actor=admin)
    services.application_submit(application=application, actor=lead.user, declaration=True, equality_declaration=True)
    with pytest.raises(Refusal, match="can no longer be changed"):
        advice_services.advice_comment_add(request=request, criterion=criterion(1), actor=admin, body="More")
    with pytest.raises(Refusal, match="can no longer be changed"):
        advice_services.advice_comment_mark(comment=comment, actor=lead.user, addressed=True)
    comment.refresh_from_db()
    assert comment.body == "Fine" and comment.addressed_at is None


def test_only_admins_comment(asked):
    lead, _application, request, _admin = asked
    with pytest.raises(Refusal):
        advice_services.advice_comment_add(request=request, criterion=criterion(1), actor=lead.user, body="Self")
    assert not request.comments.exists()
