"""The evidence library under bad input (issue 20): a page past the end, an absurd page size, a
sort key that is not a column, a huge page number. Each is clamped (never an error page, never a
bigger query): the same queries as the first page, at most 50 rows."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accreditation.tests.helpers import login
from portfolios import selectors
from portfolios.tests.factories import EvidenceItemFactory, criteria
from schools.tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

ITEMS = 61  # two pages of 50 and one item over


@pytest.fixture
def library(client, settings):
    # These count the library view's own queries for each input: every visit drawn, none served
    # from the page cache (portfolios/tests/test_page_cache.py tests that).
    settings.SCHOOL_PAGE_CACHE_SECONDS = 0
    lead = LeadFactory()
    crit = criteria()[0]
    today = timezone.localdate()
    for n in range(ITEMS):
        EvidenceItemFactory(
            school=lead.school, title=f"Item {n:03d}", produced_on=today - timedelta(days=n), criteria=[crit]
        )
    login(client, lead.user)
    return client, reverse("portfolios:evidence_library", args=[lead.school.pk])


def rows(response) -> list[str]:
    return re.findall(r"Item \d{3}", response.content.decode())


def get(client, url, query=""):
    client.get(url + query)  # warm (the session's first write does not count)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url + query)
    assert response.status_code == 200, query
    return response, len(queries)


def test_first_page_is_fifty_newest(library):
    client, url = library
    response, _ = get(client, url)
    assert len(set(rows(response))) == selectors.LIBRARY_PAGE_SIZE == 50
    assert "Item 000" in rows(response)


@pytest.mark.parametrize(
    "query",
    ["?page=999", "?page=99999999999999999999999", "?page=-3", "?page=abc", "?page=2.5", "?page=last"],
)
def test_a_page_outside_the_library_is_clamped_with_no_more_queries(library, query):
    client, url = library
    _, first_queries = get(client, url)
    response, queries = get(client, url, query)
    shown = set(rows(response))
    assert shown and len(shown) <= 50
    assert queries <= first_queries


@pytest.mark.parametrize("query", ["?page_size=1000000", "?per_page=1000000", "?limit=1000000", "?size=1000000"])
def test_a_page_size_cannot_be_asked_for(library, query):
    client, url = library
    _, first_queries = get(client, url)
    response, queries = get(client, url, query)
    assert len(set(rows(response))) == 50
    assert queries == first_queries


@pytest.mark.parametrize("sort", ["password", "-id", "school__leads__email", "title;DROP TABLE x", "x" * 5000])
def test_a_sort_that_is_not_offered_falls_back_to_newest(library, sort):
    client, url = library
    newest, _ = get(client, url)
    response, queries = get(client, url, f"?sort={sort}")
    assert rows(response) == rows(newest)
    _, first_queries = get(client, url)
    assert queries == first_queries
