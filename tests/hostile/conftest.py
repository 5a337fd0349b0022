"""Fixtures the hostile suite borrows from the apps' own tests."""

# A submitted portfolio with one uploaded file, on a meeting's agenda with two reviewers.
from validation.tests.test_decision_views import world as placed  # noqa: F401
