"""The public register renders its results once per version (issue 20): the day and the newest
audit entry. Every change to an award goes through an audited service, so a withdrawal or a new
award shows on the very next view; searches are never cached."""

from datetime import date, timedelta

import pytest
import time_machine
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import caches
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accreditation.tests.factories import AdminFactory, UserFactory
from accreditation.tests.helpers import login
from schools.tests.factories import SchoolFactory
from validation import services
from validation.awards_views import register

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


class TestTheWholePageForVisitorsSignedOut:
    """Signed out, the whole register page is kept under the results' version (issue 20)."""

    @pytest.fixture(autouse=True)
    def _on_a_fixed_day(self, time_machine):
        time_machine.move_to("2027-03-10 12:00 +00:00", tick=False)

    def test_a_second_visitor_is_served_the_kept_page_without_drawing_it(self, client, django_assert_num_queries):
        grant(SchoolFactory(name="Oakfield Primary"), TODAY - timedelta(days=100))
        url = reverse("validation:register")
        first = client.get(url).content.decode()
        caches["default"].clear()  # the results' fragment is gone: a page drawn again would query
        with django_assert_num_queries(1):  # the version alone
            again = Client().get(url).content.decode()
        assert again == first and "Oakfield Primary" in again
        with django_assert_num_queries(1):
            assert Client().get(url, {"page": "1"}).content.decode() == first

    def test_a_change_to_an_award_shows_on_the_next_visit(self, client):
        oak = grant(SchoolFactory(name="Oakfield Primary"), TODAY - timedelta(days=100))
        url = reverse("validation:register")
        assert "Oakfield Primary" in client.get(url).content.decode()
        services.award_withdraw(award=oak, by=AdminFactory(), reason="Closed in a merger")
        assert "Oakfield Primary" not in Client().get(url).content.decode()

    def test_signed_in_and_signed_out_pages_are_never_swapped(self, client):
        grant(SchoolFactory(name="Oakfield Primary"), TODAY - timedelta(days=100))
        url = reverse("validation:register")
        signed_out = client.get(url).content.decode()
        assert "Sign out" not in signed_out
        person = UserFactory(email="lead.person@school.example.org")
        mine = login(Client(), person).get(url).content.decode()
        assert "Sign out" in mine and "lead.person@school.example.org" in mine
        assert "lead.person@school.example.org" not in Client().get(url).content.decode()

    def test_a_waiting_message_is_shown_to_its_visitor_and_kept_from_the_next(self):
        grant(SchoolFactory(name="Oakfield Primary"), TODAY - timedelta(days=100))
        url = reverse("validation:register")
        Client().get(url)  # the page is kept
        request = RequestFactory().get(url)
        request.user = AnonymousUser()
        request.session = SessionStore()
        request._messages = FallbackStorage(request)
        messages.info(request, "A message for this visitor alone")
        assert "A message for this visitor alone" in register(request).content.decode()
        assert "A message for this visitor alone" not in Client().get(url).content.decode()
