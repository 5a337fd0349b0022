"""Fixtures the validation tests share."""

from datetime import date

import pytest

from accreditation.tests.factories import AdminFactory
from accreditation.tests.helpers import login

from .factories import GroupMemberFactory
from .helpers import at, placed_world, team


@pytest.fixture
def admin_client(client):
    login(client, AdminFactory())
    return client


@pytest.fixture
def member():
    return GroupMemberFactory(user__first_name="Vera", user__last_name="Valid")


@pytest.fixture
def member_client(client, member):
    login(client, member.user)
    return client


@pytest.fixture
def world(time_machine, django_capture_on_commit_callbacks):
    """A submitted portfolio with one uploaded file, placed on a meeting with two reviewers."""
    return placed_world(time_machine, django_capture_on_commit_callbacks)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(at(date(2026, 9, 1)), tick=False)
    return time_machine


@pytest.fixture
def admin():
    return AdminFactory()


@pytest.fixture
def members():
    """Four members from three teams."""
    return [
        GroupMemberFactory(team=team("health-wellbeing"), user__last_name="Ahmed"),
        GroupMemberFactory(team=team("health-wellbeing"), user__last_name="Brown"),
        GroupMemberFactory(team=team("send"), user__last_name="Clarke"),
        GroupMemberFactory(team=team("school-governance"), user__last_name="Davies"),
    ]
