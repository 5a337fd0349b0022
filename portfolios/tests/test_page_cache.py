"""Issue 20: the task list, evidence library, readiness check and action plan are cached whole under
their school's version (schools.versions). A cached page must never outlive a change, leak to
someone else, swallow a message or break a form."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accreditation.tests.factories import AdminFactory
from portfolios import services
from portfolios.models import EvidenceItem
from schools.models import SchoolChange
from schools.tests.factories import LeadFactory, MembershipFactory
from schools.versions import version_for

from .factories import EvidenceItemFactory

pytestmark = pytest.mark.django_db

LATE_EVENING = timezone.make_aware(datetime(2027, 3, 10, 23, 50))  # London time (the portal's)


@pytest.fixture
def lead(client):
    membership = LeadFactory(school__name="Hillside Primary")
    client.force_login(membership.user)
    return membership


def get(client, url):
    """The page and the number of queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode(), len(queries)


def warm(client, url):
    """The first visit makes the CSRF cookie; the second stores the page; the third is served."""
    client.get(url)
    first, drawn = get(client, url)
    again, served = get(client, url)
    assert again == first
    assert served < drawn, (served, drawn)
    return first, served


class TestServedFromTheCacheUntilTheSchoolChanges:
    def test_task_list_shows_a_saved_self_evaluation_at_once(self, client, lead):
        application = services.application_start(school=lead.school, actor=lead.user)
        url = reverse("portfolios:application", args=[application.pk])
        page, served = warm(client, url)
        assert served <= 4  # session, person, version (with the school), memberships (access)
        assert page.count("Not started") == 8
        response = application.responses.get(criterion__number=2)
        services.response_update(response=response, actor=lead.user, self_evaluation="Our policy is new", evidence=[])
        page, _ = get(client, url)
        assert page.count("Not started") == 7

    def test_library_shows_a_new_item_and_a_finished_virus_check(self, client, lead):
        url = reverse("portfolios:evidence_library", args=[lead.school.pk])
        warm(client, url)
        item = EvidenceItemFactory(school=lead.school, title="Playground survey")
        page, _ = get(client, url)
        assert "Playground survey" in page
        # The virus checker's verdict is a save (portfolios.scanning): it shows on the next visit.
        item.kind, item.file, item.scan_state = EvidenceItem.Kind.FILE, "evidence/x.pdf", EvidenceItem.Scan.PENDING
        item.save()
        assert "Being checked for viruses" in get(client, url)[0]
        item.scan_state = EvidenceItem.Scan.CLEAN
        item.save(update_fields=["scan_state"])
        assert "Being checked for viruses" not in get(client, url)[0]

    def test_a_set_based_change_shows_too(self, client, lead):
        """QuerySet.update() sends no signal: the service records the change itself."""
        application = services.application_start(school=lead.school, actor=lead.user)
        url = reverse("portfolios:application", args=[application.pk])
        warm(client, url)
        before = version_for(lead.school.pk)
        services.application_record_award(
            application=application, starts_on=date(2027, 1, 1), expires_on=date(2030, 1, 1)
        )
        assert version_for(lead.school.pk) != before

    def test_linking_evidence_changes_the_version_of_that_school_only(self, lead):
        other = LeadFactory(school__name="Other Primary")
        application = services.application_start(school=lead.school, actor=lead.user)
        item = EvidenceItemFactory(school=lead.school)
        mine, theirs = version_for(lead.school.pk), version_for(other.school.pk)
        application.responses.get(criterion__number=1).evidence.add(item)
        assert version_for(lead.school.pk) != mine
        assert version_for(other.school.pk) == theirs

    def test_the_next_day_is_drawn_afresh_so_evidence_ages_on_time(self, client, lead):
        with time_machine.travel(LATE_EVENING, tick=False):
            client.force_login(lead.user)  # a session of that evening (idle sessions end after 30 minutes)
            today = timezone.localdate()
            # Produced three years ago tomorrow: in date today, out of date tomorrow.
            produced = date(today.year - 3, today.month, today.day) + timedelta(days=1)
            EvidenceItemFactory(school=lead.school, title="Old policy", produced_on=produced)
            url = reverse("portfolios:evidence_library", args=[lead.school.pk])
            page, _ = warm(client, url)
            assert "Over 3 years old: cannot be submitted" not in page
        with time_machine.travel(LATE_EVENING + timedelta(minutes=9), tick=False):
            assert "Over 3 years old: cannot be submitted" not in get(client, url)[0]  # still the same day: served
        with time_machine.travel(LATE_EVENING + timedelta(minutes=11), tick=False):
            assert "Over 3 years old: cannot be submitted" in get(client, url)[0]  # 00:01 the next day


class TestNeverSomeoneElses:
    def test_access_is_asked_on_every_visit(self, client, lead):
        url = reverse("portfolios:evidence_library", args=[lead.school.pk])
        warm(client, url)
        lead.is_active = False
        lead.save()
        assert client.get(url).status_code == 404

    def test_a_colleague_gets_their_own_page_and_an_outsider_none(self, client, lead):
        application = services.application_start(school=lead.school, actor=lead.user)
        url = reverse("portfolios:application", args=[application.pk])
        warm(client, url)
        colleague = MembershipFactory(school=lead.school)
        client.force_login(colleague.user)
        page = client.get(url).content.decode()
        assert colleague.user.email in page and lead.user.email not in page
        client.force_login(LeadFactory().user)
        assert client.get(url).status_code == 404

    def test_an_admin_sees_the_school_as_an_admin(self, client, lead):
        url = reverse("portfolios:action_plan", args=[lead.school.pk])
        warm(client, url)
        admin = AdminFactory()
        from accreditation.tests.helpers import login

        login(client, admin)
        page = client.get(url).content.decode()
        assert admin.email in page and lead.user.email not in page


class TestMessagesAndForms:
    def test_a_message_is_shown_once_then_the_cache_serves(self, client, lead):
        application = services.application_start(school=lead.school, actor=lead.user)
        url = reverse("portfolios:application", args=[application.pk])
        warm(client, url)
        edit = reverse("portfolios:criterion", args=[application.pk, 3])
        client.post(edit, {"self_evaluation": "Reviewed in June", "rating": "not_started", "reason": ""})
        page, _ = get(client, url)
        assert "Criterion 3 saved" in page
        assert "Criterion 3 saved" not in get(client, url)[0]

    def test_the_sign_out_form_of_a_served_page_still_works(self, lead):
        from django.test import Client

        browser = Client(enforce_csrf_checks=True)
        browser.force_login(lead.user)
        url = reverse("portfolios:evidence_library", args=[lead.school.pk])
        page, _ = warm(browser, url)
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        response = browser.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token})
        assert response.status_code == 302
        assert "_auth_user_id" not in browser.session


def test_turned_off_every_visit_is_drawn(client, lead, settings):
    settings.SCHOOL_PAGE_CACHE_SECONDS = 0
    url = reverse("portfolios:evidence_library", args=[lead.school.pk])
    client.get(url)
    _, first = get(client, url)
    _, second = get(client, url)
    assert first == second


def test_a_meeting_changes_every_schools_version(lead):
    from validation.tests.factories import MeetingFactory

    before = version_for(lead.school.pk)
    MeetingFactory()
    assert version_for(lead.school.pk) != before
    assert SchoolChange.objects.filter(school_id__isnull=True).exists()


def test_an_id_no_row_can_have_is_not_found(client, lead):
    huge = 2**64
    assert client.get(f"/portfolio/applications/{huge}/").status_code == 404
    assert client.get(f"/portfolio/schools/{huge}/evidence/").status_code == 404
    assert client.get(f"/portfolio/schools/{huge}/action-plan/").status_code == 404


def test_made_up_parameters_and_searches_are_drawn_and_never_stored(client, lead):
    url = reverse("portfolios:evidence_library", args=[lead.school.pk])
    client.get(url)
    for query in ("?x=1", "?q=policy", "?page=1&utm=2"):
        _, first = get(client, url + query)
        _, second = get(client, url + query)
        assert first == second > 4, query  # drawn both times: nothing stored
    _, drawn = get(client, url + "?q=&sort=oldest")  # the filter form's own submission
    _, served = get(client, url + "?q=&sort=oldest")
    assert served < drawn  # stored


def test_pages_live_in_their_own_cache(client, lead):
    url = reverse("portfolios:evidence_library", args=[lead.school.pk])
    warm(client, url)
    caches["default"].clear()  # the rate limits' cache
    _, served = get(client, url)
    assert served <= 4


TWO_TIERS = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tiers-default"},
    # Stands in for the shared Redis: another location, cleared on its own below.
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tiers-shared"},
    "pages_local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tiers-local"},
}


class TestEachProcessKeepsItsOwnCopy:
    """In production "pages" is a Redis the web processes share; each process also keeps the pages
    it served lately, so a visit it can answer from them makes no round trip (issue 20)."""

    @pytest.fixture(autouse=True)
    def two_tiers(self, settings):
        settings.CACHES = TWO_TIERS
        yield
        caches["pages"].clear()
        caches["pages_local"].clear()

    def test_a_page_is_served_from_this_process_without_the_shared_cache(self, client, lead):
        url = reverse("portfolios:evidence_library", args=[lead.school.pk])
        page, _ = warm(client, url)
        caches["pages"].clear()  # another process's eviction, or Redis restarted
        again, served = get(client, url)
        assert again == page and served <= 4
        caches["pages_local"].clear()
        _, drawn = get(client, url)
        assert drawn > served  # in neither: drawn again

    def test_another_process_takes_its_copy_from_the_shared_cache(self, client, lead):
        url = reverse("portfolios:evidence_library", args=[lead.school.pk])
        page, _ = warm(client, url)
        caches["pages_local"].clear()  # a second web process has no copy of its own
        again, served = get(client, url)
        assert again == page and served <= 4
        caches["pages"].clear()
        assert get(client, url)[1] == served  # and now it has one

    def test_a_copy_never_outlives_the_shared_entry_it_came_from(self, client, lead, settings):
        """A drawn page differs from a served one: its forms' CSRF tokens are masked afresh."""
        settings.SCHOOL_PAGE_CACHE_SECONDS = 300
        url = reverse("portfolios:evidence_library", args=[lead.school.pk])
        with time_machine.travel(LATE_EVENING - timedelta(hours=2), tick=False) as traveller:
            client.force_login(lead.user)  # the session's clock starts at the travelled time
            stored, _ = warm(client, url)  # stored at 21:50, in both
            caches["pages_local"].clear()
            traveller.shift(timedelta(seconds=200))
            assert get(client, url)[0] == stored  # copied here with 100 s left
            traveller.shift(timedelta(seconds=101))
            assert get(client, url)[0] != stored  # both gone at 300 s: drawn, not a copy 101 s old

    def test_a_change_is_shown_at_once_whichever_copy_is_kept(self, client, lead):
        url = reverse("portfolios:evidence_library", args=[lead.school.pk])
        warm(client, url)
        EvidenceItemFactory(school=lead.school, title="Anti-bullying week photos")
        assert "Anti-bullying week photos" in get(client, url)[0]

    def test_an_entry_in_another_shape_counts_as_nothing(self, client, lead):
        """An older release stored the HTML alone: it is drawn afresh and stored in the new shape."""
        from schools.versions.pages import KEY_PREFIX

        url = reverse("portfolios:evidence_library", args=[lead.school.pk])
        _, served = warm(client, url)
        caches["pages_local"].clear()
        shared = caches["pages"]
        keys = [key.split(":", 2)[2] for key in shared._cache if KEY_PREFIX in key]  # without version
        assert keys
        for key in keys:
            shared.set(key, b"<p>old</p>")
        page, drawn = get(client, url)
        assert "<p>old</p>" not in page and drawn > served
