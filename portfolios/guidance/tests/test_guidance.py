"""Guidance per criterion: seeded from the scheme, versioned on every edit, escaped, pinned to a
submitted application, shown on the criterion page with the live sent-back figure."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accreditation.errors import Refusal
from accreditation.models import AuditEvent
from accreditation.tests.factories import AdminFactory
from accreditation.tests.helpers import login
from portfolios import services
from portfolios.guidance import selectors
from portfolios.guidance import services as guidance_services
from portfolios.guidance.models import CriterionGuidance, GuidanceVersion
from portfolios.models import Criterion
from portfolios.tests.factories import EvidenceItemFactory, complete_application
from schools.tests.factories import LeadFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def criterion(number):
    return Criterion.objects.get(criteria_set__is_current=True, number=number)


def edit(admin, number=3, **changes):
    entry = selectors.entry_for(selectors.current_version(criterion(number).criteria_set), criterion(number))
    fields = {name: getattr(entry, name) for name in CriterionGuidance.FIELDS} | changes
    return guidance_services.guidance_publish(criterion=criterion(number), actor=admin, **fields)


def test_first_version_is_seeded_from_the_scheme_for_all_eight_criteria():
    version = GuidanceVersion.objects.get(number=1)
    entries = selectors.entries(version)
    assert [e.criterion.number for e in entries] == list(range(1, 9))
    assert all(e.looks_for_points and e.evidence_examples_points for e in entries)
    assert any("CPD log" in point for point in entries[3].evidence_examples_points)


def test_an_edit_publishes_a_new_version_and_leaves_the_old_one_alone():
    admin = AdminFactory()
    old_text = selectors.entry_for(GuidanceVersion.objects.get(number=1), criterion(3)).looks_for
    version = edit(admin, looks_for="Policy reviewed every year\nPupils helped write it")
    assert version.number == 2
    assert selectors.entry_for(version, criterion(3)).looks_for_points == [
        "Policy reviewed every year",
        "Pupils helped write it",
    ]
    assert selectors.entry_for(GuidanceVersion.objects.get(number=1), criterion(3)).looks_for == old_text
    # every other criterion is carried into the new version unchanged
    assert version.entries.count() == 8
    assert AuditEvent.objects.filter(action="guidance.published").count() == 1


def test_nothing_changed_or_empty_guidance_is_refused_and_no_version_is_made():
    admin = AdminFactory()
    with pytest.raises(Refusal, match="Nothing has changed"):
        edit(admin)
    with pytest.raises(Refusal, match="Enter what the group looks for"):
        edit(admin, looks_for="   ")
    assert GuidanceVersion.objects.count() == 1


def test_only_admins_edit_guidance():
    lead = LeadFactory()
    with pytest.raises(Refusal):
        edit(lead.user, looks_for="Anything")
    assert GuidanceVersion.objects.count() == 1


def test_html_in_guidance_is_shown_as_typed(client):
    admin = AdminFactory()
    edit(admin, looks_for="<script>alert(1)</script> a policy")
    lead = LeadFactory()
    application = services.application_start(school=lead.school, actor=lead.user)
    client.force_login(lead.user)
    page = client.get(reverse("portfolios:criterion", args=[application.pk, 3])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; a policy" in page


def test_a_submitted_application_keeps_the_guidance_it_was_built_against(client, time_machine):
    time_machine.move_to(datetime(2026, 10, 1, 10, tzinfo=LONDON), tick=False)
    admin = AdminFactory()
    lead = LeadFactory()
    application = complete_application(lead, evidence=EvidenceItemFactory(school=lead.school))
    services.application_submit(application=application, actor=lead.user, declaration=True, equality_declaration=True)
    time_machine.move_to(datetime(2026, 10, 2, 10, tzinfo=LONDON), tick=False)
    edit(admin, looks_for="A brand new expectation")
    application.refresh_from_db()
    assert selectors.guidance_for_application(application).number == 1
    client.force_login(lead.user)
    page = client.get(reverse("portfolios:criterion", args=[application.pk, 3])).content.decode()
    assert "A brand new expectation" not in page
    # a new draft reads the current version
    other = LeadFactory()
    draft = services.application_start(school=other.school, actor=other.user)
    assert selectors.guidance_for_application(draft).number == 2


def test_criterion_page_has_the_headings_and_the_live_sent_back_figure(client, time_machine):
    time_machine.move_to(datetime(2026, 11, 1, 10, tzinfo=LONDON), tick=False)
    admin = AdminFactory()
    for reopened in ([3], [3, 5], None):
        lead = LeadFactory()
        application = complete_application(lead, evidence=EvidenceItemFactory(school=lead.school))
        services.application_submit(
            application=application, actor=lead.user, declaration=True, equality_declaration=True
        )
        services.application_start_review(application=application, actor=admin)
        outcome = "further_information" if reopened else "accredited"
        services.application_record_outcome(
            application=application, outcome=outcome, actor=admin, reopened_criteria=reopened or ()
        )
    figures = selectors.sent_back_figures(date(2026, 11, 1))
    assert (figures[3].sent_back, figures[3].decided, figures[5].sent_back, figures[1].sent_back) == (2, 3, 1, 0)
    lead = LeadFactory()
    draft = services.application_start(school=lead.school, actor=lead.user)
    client.force_login(lead.user)
    page = client.get(reverse("portfolios:criterion", args=[draft.pk, 3])).content.decode()
    assert "What the group looks for" in page and "Examples of evidence" in page
    assert "2 of 3 decisions (67%) asked for further information on this criterion" in page
    # a year later those decisions no longer count
    assert selectors.sent_back_figures(date(2027, 11, 2))[3].decided == 0


def test_the_whole_guide_prints_on_one_page_and_older_versions_stay_readable(client):
    admin = AdminFactory()
    edit(admin, number=1, looks_for="Version two wording")
    client.force_login(LeadFactory().user)
    page = client.get(reverse("portfolios:guidance")).content.decode()
    assert page.count("What the group looks for") == 8 and "Version two wording" in page
    old = client.get(reverse("portfolios:guidance") + "?version=1").content.decode()
    assert "Version two wording" not in old and "This is not the current version" in old
    assert client.get(reverse("portfolios:guidance") + "?version=99").status_code == 404
    assert client.get(reverse("portfolios:guidance") + "?version=" + "9" * 50).status_code == 200


def test_admin_edits_through_the_page(client):
    admin = AdminFactory()
    login(client, admin)
    url = reverse("portfolios:guidance_edit", args=[2])
    assert "Change the guidance" in client.get(url).content.decode()
    response = client.post(url, {"looks_for": "", "evidence_examples": "Minutes"})
    assert "Enter what the group looks for" in response.content.decode()
    assert GuidanceVersion.objects.count() == 1
    response = client.post(url, {"looks_for": "Named governor", "evidence_examples": "Minutes", "change_note": "x"})
    assert response.status_code == 302
    assert selectors.entry_for(selectors.current_version(criterion(2).criteria_set), criterion(2)).looks_for == (
        "Named governor"
    )
