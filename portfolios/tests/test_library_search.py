"""The evidence library at scale: search, filters, sort and pages of 50 that can be bookmarked."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from portfolios.models import Criterion, EvidenceItem
from schools.tests.factories import LeadFactory
from validation.tests.factories import MeetingFactory

from .factories import EvidenceItemFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def library(client, time_machine):
    time_machine.move_to(datetime(2026, 10, 1, 10, tzinfo=LONDON), tick=False)
    lead = LeadFactory()
    client.force_login(lead.user)
    criterion = Criterion.objects.get(criteria_set__is_current=True, number=4)
    EvidenceItemFactory(school=lead.school, title="CPD log autumn", produced_on=date(2026, 9, 1), criteria=[criterion])
    EvidenceItemFactory(school=lead.school, title="Old survey", produced_on=date(2023, 9, 1))
    EvidenceItemFactory(
        school=lead.school, title="Minutes", description="governor visit", produced_on=date(2023, 11, 1)
    )
    EvidenceItemFactory(school=LeadFactory().school, title="Another school's CPD log")
    return lead, reverse("portfolios:evidence_library", args=[lead.school.pk])


def titles(response):
    return [item.title for item in response.context["items"]]


def test_search_title_and_description_and_filter_by_criterion_and_type(client, library):
    _lead, url = library
    assert titles(client.get(url, {"q": "cpd"})) == ["CPD log autumn"]
    assert titles(client.get(url, {"q": "GOVERNOR"})) == ["Minutes"]
    assert titles(client.get(url, {"criterion": "4"})) == ["CPD log autumn"]
    assert titles(client.get(url, {"kind": "file"})) == []


def test_age_filter_uses_the_next_meeting(client, library):
    _lead, url = library
    MeetingFactory(date=date(2026, 11, 25), submission_cutoff=date(2026, 11, 4))
    assert titles(client.get(url, {"age": "stale"})) == ["Old survey"]
    assert titles(client.get(url, {"age": "stale_by_meeting"})) == ["Minutes"]
    assert titles(client.get(url, {"age": "fresh"})) == ["CPD log autumn"]
    assert "Out of date by the meeting on 25 November 2026" in client.get(url).content.decode()


def test_sort_and_bad_values_are_ignored(client, library):
    _lead, url = library
    assert titles(client.get(url, {"sort": "title"})) == ["CPD log autumn", "Minutes", "Old survey"]
    assert titles(client.get(url, {"sort": "oldest"}))[0] == "Old survey"
    assert titles(client.get(url, {"sort": "id; DROP TABLE x"}))[0] == "CPD log autumn"
    assert client.get(url, {"criterion": "nine", "kind": "virus", "age": "x"}).status_code == 200


def test_hostile_searches_are_a_plain_miss(client, library):
    _lead, url = library
    assert titles(client.get(url, {"q": "' OR '1'='1"})) == []
    response = client.get(url, {"q": "a" * 5000})
    assert titles(response) == [] and "No evidence matches your search" in response.content.decode()
    assert EvidenceItem.objects.count() == 4


def test_pages_of_fifty_clamped_and_bookmarkable(client, library):
    lead, url = library
    EvidenceItemFactory.create_batch(120, school=lead.school, title="Batch item")
    first = client.get(url, {"q": "batch"})
    assert len(first.context["items"]) == 50 and first.context["page"].paginator.num_pages == 3
    assert "q=batch&amp;page=2" in first.content.decode()
    assert len(client.get(url, {"q": "batch", "page": "3"}).context["items"]) == 20
    assert client.get(url, {"q": "batch", "page": "999"}).context["page"].number == 3
    assert client.get(url, {"q": "batch", "page": "-1", "per_page": "100000"}).context["page"].number == 3
    assert len(client.get(url, {"per_page": "100000"}).context["items"]) == 50
