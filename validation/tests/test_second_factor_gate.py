"""Issue 20: the signed-in person is loaded with the validator rule's answer, so the second-factor
gate asks no query of its own; the rule and its expression must agree."""

import pytest
from django.urls import reverse

from accreditation.backends import PortalModelBackend
from accreditation.tests.factories import UserFactory
from accreditation.tests.helpers import authenticator_for
from validation import permissions

from .factories import GroupMemberFactory

pytestmark = pytest.mark.django_db


def test_the_loaded_answer_agrees_with_the_rule_for_active_former_and_never_members(django_assert_num_queries):
    active, former, never = GroupMemberFactory().user, GroupMemberFactory(is_active=False).user, UserFactory()
    for person, expected in ((active, True), (former, False), (never, False)):
        with django_assert_num_queries(1):
            loaded = PortalModelBackend().get_user(person.pk)
        with django_assert_num_queries(0):
            assert permissions.is_validator(loaded) is expected
        fresh = type(person).objects.get(pk=person.pk)
        assert permissions.is_validator(fresh) is expected  # asked with its own query


def test_a_validator_without_an_authenticator_is_sent_to_set_one_up(client):
    member = GroupMemberFactory()
    client.force_login(member.user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    authenticator_for(member.user)
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_a_former_member_is_not_held_at_the_gate(client):
    member = GroupMemberFactory(is_active=False)
    client.force_login(member.user)
    assert client.get(reverse("home")).status_code == 200
