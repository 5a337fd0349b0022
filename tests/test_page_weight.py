"""Page weight as a test: the school's task list, first visit and repeat visit, in Chromium.

Served the way production serves it (hashed, pre-compressed static files through WhiteNoise from a
collectstatic folder, HTML gzipped by the portal's middleware) by a WSGI server in a thread,
measured from Chromium's network events (benchmarks/page_weight.py). Budgets from issue 20: a
first visit under 150 KB transferred, a repeat visit under 20 KB. Not a timing: bytes only.
"""

import threading
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accreditation.tests.helpers import login
from benchmarks.page_weight import FIRST_VISIT_BUDGET, REPEAT_VISIT_BUDGET, measure
from portfolios.models import Application, CriterionResponse
from portfolios.tests.factories import EvidenceItemFactory, criteria
from schools.tests.factories import LeadFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def production_static(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "accreditation.staticstorage.StaticStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    return settings.STATIC_ROOT


@pytest.fixture
def server(production_static):
    """The portal's WSGI application (WhiteNoise and all middleware) on a free loopback port."""
    httpd = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    httpd.set_app(get_wsgi_application())
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def task_list_for_a_lead():
    """A lead's draft application with 8 criteria answered and 5 items linked to each."""
    today = timezone.localdate()
    lead = LeadFactory()
    crits = criteria()
    application = Application.objects.create(school=lead.school, criteria_set=crits[0].criteria_set)
    for criterion in crits:
        response = CriterionResponse.objects.create(
            application=application, criterion=criterion, self_evaluation=f"We meet criterion {criterion.number}."
        )
        response.evidence.set(
            [
                EvidenceItemFactory(school=lead.school, produced_on=today - timedelta(days=9 * n), criteria=[criterion])
                for n in range(5)
            ]
        )
    return lead.user, reverse("portfolios:application", args=[application.pk])


def test_task_list_first_visit_under_150_kb_and_repeat_under_20_kb(browser, server):
    user, path = task_list_for_a_lead()
    client = login(Client(), user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    cookies = [{"name": cookie.key, "value": cookie.value, "url": server}]

    weight = measure(browser, server, path, cookies)

    first = {r["url"].rsplit("/", 1)[-1]: r for r in weight["first_visit"]}
    assert weight["first_visit"][0]["status"] == 200
    assert any(name.startswith("portal.") and name.endswith(".css") for name in first), first
    # Every static file the page loads has a hashed name and is cacheable for good.
    statics = [r for r in weight["first_visit"] if "/static/" in r["url"]]
    assert statics and all("immutable" in r["cache_control"] for r in statics), statics
    assert all(r["encoding"] in ("gzip", "br") for r in statics if r["url"].endswith((".css", ".js", ".mjs")))
    assert weight["first_visit"][0]["encoding"] in ("gzip", "br")  # the HTML page itself is compressed
    assert weight["first_visit_bytes"] < FIRST_VISIT_BUDGET, weight["first_visit"]
    # The repeat visit fetches the page and nothing else.
    fetched_again = [r for r in weight["repeat_visit"] if r["bytes"] > 0]
    assert [r["url"] for r in fetched_again] == [server + path], fetched_again
    assert weight["repeat_visit_bytes"] < REPEAT_VISIT_BUDGET, weight["repeat_visit"]
