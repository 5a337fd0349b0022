"""Fixtures the validation tests share."""

import pytest

from accreditation.tests.factories import AdminFactory
from accreditation.tests.helpers import login

from .factories import GroupMemberFactory
from .helpers import placed_world


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
