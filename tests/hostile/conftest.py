"""Fixtures the hostile suite borrows from the apps' own tests."""

# A submitted portfolio with one uploaded file, on a meeting's agenda with two reviewers.
import pytest

from validation.tests.helpers import placed_world


@pytest.fixture
def placed(time_machine, django_capture_on_commit_callbacks):
    return placed_world(time_machine, django_capture_on_commit_callbacks)
