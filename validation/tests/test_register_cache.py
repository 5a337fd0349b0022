"""The public register renders its results once per version (issue 20): the day and the newest
audit entry. Every change to an award goes through an audited service, so a withdrawal or a new
award shows on the very next view; searches are never cached."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accreditation.tests.factories import AdminFactory
from schools.tests.factories import SchoolFactory
from validation import services

from .helpers import grant

pytestmark = pytest.mark.django_db

TODAY = date(2027, 3, 10)


@time_machine.travel("2027-03-10 12:00 +00:00", tick=False)
def test_the_register_is_reused_until_an_award_changes(client):
    oak = grant(SchoolFactory(name="Oakfield Primary"), TODAY - timedelta(days=100))
    grant(SchoolFactory(name="Riverside Academy"), TODAY - timedelta(days=50))
    url = reverse("validation:register")
    first = client.get(url).content.decode()
    assert "Oakfield Primary" in first and "Riverside Academy" in first

    with CaptureQueriesContext(connection) as reused:
        again = client.get(url).content.decode()
    assert again == first
    assert len(reused) == 1  # only the version: no count, no awards

    services.award_withdraw(award=oak, by=AdminFactory(), reason="Closed in a merger")
    after = client.get(url).content.decode()
    assert "Oakfield Primary" not in after and "Riverside Academy" in after


@time_machine.travel("2027-03-10 12:00 +00:00", tick=False)
def test_searches_and_odd_page_numbers_are_rendered_each_time(client):
    grant(SchoolFactory(name="Oakfield Primary"), TODAY - timedelta(days=100))
    url = reverse("validation:register")
    client.get(url)
    for params in ({"q": "oak"}, {"page": "abc"}, {"page": "999999"}):
        with CaptureQueriesContext(connection) as queries:
            body = client.get(url, params).content.decode()
        assert "Oakfield Primary" in body
        assert len(queries) >= 2, params  # counted and listed afresh


def test_the_register_moves_on_with_the_day(client):
    """An award whose last day was yesterday leaves the register at midnight without any write."""
    with time_machine.travel("2027-03-10 12:00 +00:00", tick=False):
        grant(SchoolFactory(name="Oakfield Primary"), date(2024, 3, 11))  # expires 11 March 2027
        assert "Oakfield Primary" in client.get(reverse("validation:register")).content.decode()
    with time_machine.travel("2027-03-11 09:00 +00:00", tick=False):
        assert "Oakfield Primary" not in client.get(reverse("validation:register")).content.decode()
