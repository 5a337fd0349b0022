"""A validator with a conflict of interest cannot join the school's team (issue 17)."""

import pytest

from schools import services
from schools.models import Membership
from schools.tests.factories import LeadFactory, MembershipFactory
from validation import selectors
from validation.tests.factories import ConflictFactory, GroupMemberFactory

pytestmark = pytest.mark.django_db


def test_inviting_a_conflicted_validator_is_refused_with_the_reason():
    lead = LeadFactory(school__name="Oak School")
    conflict = ConflictFactory(school=lead.school, member__user__email="val@council.example.org")
    with pytest.raises(services.SchoolError) as refusal:
        services.member_invite(
            school=lead.school, actor=lead.user, email="val@council.example.org", first_name="V", last_name="A"
        )
    assert "conflict of interest with Oak School" in str(refusal.value)
    assert conflict.member.team.name in str(refusal.value)
    assert not Membership.objects.filter(user=conflict.member.user).exists()


def test_a_validator_in_a_schools_team_counts_as_conflicted():
    member = GroupMemberFactory()
    school_member = MembershipFactory(user=member.user)
    assert member.pk in selectors.conflicted_member_ids(school_member.school)
