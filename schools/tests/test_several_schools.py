"""People who work for several schools: a membership in each, one school at a time (issue 17)."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from accreditation.models import Invitation
from accreditation.tests.factories import UserFactory
from accreditation.tests.helpers import login
from schools import selectors, services
from schools.models import Membership
from schools.tests.factories import LeadFactory, MembershipFactory, SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def federation():
    """Mo leads Abbey Primary and is a contributor at Brook Junior (the federation's second school)."""
    abbey = LeadFactory(school__name="Abbey Primary", school__urn=111111, user__email="mo@fed.example.org")
    brook = MembershipFactory(school__name="Brook Junior", school__urn=222222, user=abbey.user)
    return abbey, brook


def test_one_membership_per_person_and_school(federation):
    abbey, _ = federation
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=abbey.user, school=abbey.school)


def test_works_as_the_first_school_by_name_until_switching(client, federation):
    abbey, brook = federation
    login(client, abbey.user)
    assert client.get("/school/").url == "/schools/111111/"
    assert client.get("/schools/111111/").status_code == 200
    assert client.get("/schools/222222/").status_code == 404
    page = client.get("/").content.decode()
    assert "Switch school (working as Abbey Primary)" in page

    response = client.post("/school/switch/", {"school": brook.school_id})
    assert response.url == "/"
    assert client.get("/school/").url == "/schools/222222/"
    assert client.get("/schools/222222/").status_code == 200
    # Abbey's pages (and its lead's powers) are out of reach while working as Brook.
    assert client.get("/schools/111111/").status_code == 404
    assert client.get("/schools/222222/team/invite/").status_code == 403
    assert "Switch school (working as Brook Junior)" in client.get("/").content.decode()


def test_switching_to_a_school_they_are_not_in_is_refused(client, federation):
    abbey, _ = federation
    stranger = SchoolFactory(name="Stranger School")
    login(client, abbey.user)
    response = client.post("/school/switch/", {"school": stranger.pk})
    assert response.status_code == 400
    assert "Choose the school you are working as" in response.content.decode()
    assert client.get("/school/").url == "/schools/111111/"
    response = client.post("/school/switch/", {"school": "abc"})
    assert response.status_code == 400


def test_a_deactivated_membership_cannot_be_worked_as(client, federation):
    abbey, brook = federation
    brook.is_active = False
    brook.save()
    login(client, abbey.user)
    session = client.session
    session["working_school_id"] = brook.school_id
    session.save()
    assert client.get("/school/").url == "/schools/111111/"


def test_invite_an_existing_account_to_a_second_school(client, django_capture_on_commit_callbacks):
    trust = LeadFactory(school__name="Trust School", school__urn=333333, user__email="ceo@trust.example.org")
    trust.user.last_login = trust.user.date_joined
    trust.user.save()
    other_lead = LeadFactory(school__name="Second Academy", school__urn=444444)
    login(client, other_lead.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/schools/444444/team/invite/",
            {"first_name": "Ann", "last_name": "Other", "email": "CEO@trust.example.org"},
        )
    assert response.status_code == 302
    schools = {m.school.name: m.role for m in Membership.objects.filter(user=trust.user, is_active=True)}
    assert schools == {"Trust School": "lead", "Second Academy": "contributor"}
    # Their password and name stay; they are told, not sent a set-password link.
    trust.user.refresh_from_db()
    assert trust.user.has_usable_password() and trust.user.first_name != "Ann"
    assert not Invitation.objects.filter(user=trust.user).exists()
    (message,) = mail.outbox
    assert message.to == ["ceo@trust.example.org"] and "Second Academy" in message.subject


def test_deactivating_in_one_school_keeps_the_account_for_the_other(federation):
    abbey, brook = federation
    brook_lead = LeadFactory(school=brook.school)
    services.member_deactivate(school=brook.school, actor=brook_lead.user, membership=brook)
    abbey.user.refresh_from_db()
    assert abbey.user.is_active
    assert [m.school for m in selectors.memberships_for_user(abbey.user)] == [abbey.school]


def test_deactivating_a_person_in_one_school_only_deactivates_the_account():
    member = MembershipFactory()
    lead = LeadFactory(school=member.school)
    services.member_deactivate(school=member.school, actor=lead.user, membership=member)
    member.user.refresh_from_db()
    assert not member.user.is_active


def test_jobs_without_a_session_see_the_first_school(federation):
    abbey, brook = federation
    user = type(abbey.user).objects.get(pk=abbey.user.pk)
    assert selectors.school_for_user(user) == abbey.school
    assert selectors.membership_in(user, brook.school_id) == brook


def test_another_person_in_the_request_is_not_moved_by_the_choice(federation):
    from schools import working

    abbey, brook = federation
    colleague = MembershipFactory(school=abbey.school, user=UserFactory())
    MembershipFactory(school=brook.school, user=colleague.user)
    token = working.current_choice.set((str(abbey.user.pk), brook.school_id))
    try:
        assert selectors.school_for_user(type(abbey.user).objects.get(pk=abbey.user.pk)) == brook.school
        assert selectors.school_for_user(colleague.user) == abbey.school
    finally:
        working.current_choice.reset(token)
