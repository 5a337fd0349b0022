"""The good-practice library: consent, anonymity, upload rules, same-day takedown, search."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accreditation.errors import Refusal
from accreditation.tests.factories import AdminFactory
from portfolios import services
from portfolios.exemplars import selectors
from portfolios.exemplars import services as exemplar_services
from portfolios.exemplars.models import Exemplar
from portfolios.models import Criterion
from portfolios.tests.factories import EvidenceItemFactory, complete_application, pdf_upload
from schools.tests.factories import LeadFactory, MembershipFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def accredited(time_machine):
    time_machine.move_to(datetime(2026, 10, 1, 10, tzinfo=LONDON), tick=False)
    lead = LeadFactory(school__name="Oakfield Primary", school__phase="Primary")
    application = complete_application(lead, evidence=EvidenceItemFactory(school=lead.school))
    services.application_submit(application=application, actor=lead.user, declaration=True, equality_declaration=True)
    admin = AdminFactory()
    services.application_start_review(application=application, actor=admin)
    services.application_record_outcome(application=application, outcome="accredited", actor=admin)
    application.refresh_from_db()
    return application, lead, admin


def criterion(number):
    return Criterion.objects.get(criteria_set__is_current=True, number=number)


def publish(application, admin, **extra):
    fields = {
        "title": "Pupils wrote the policy",
        "extract": "The school council drafted a child-friendly version.",
        "why_it_worked": "Pupils own it.",
    } | extra
    return exemplar_services.exemplar_publish(actor=admin, application=application, criterion=criterion(3), **fields)


def test_no_consent_no_exemplar(accredited):
    application, _lead, admin = accredited
    with pytest.raises(Refusal, match="has not agreed to share"):
        publish(application, admin)
    assert not Exemplar.objects.exists()


def test_published_anonymously_unless_the_school_agreed_to_be_named(accredited):
    application, lead, admin = accredited
    exemplar_services.consent_record(application=application, actor=lead.user, may_share=True, may_name=False)
    with pytest.raises(Refusal, match="names the school"):
        publish(application, admin, extract="At Oakfield Primary pupils drafted it.")
    with pytest.raises(Refusal, match="not agreed to be named"):
        publish(application, admin, show_school_name=True)
    exemplar = publish(application, admin)
    assert exemplar.phase == "Primary" and not exemplar.show_school_name


def test_an_upload_the_evidence_rules_refuse_is_refused(accredited):
    application, lead, admin = accredited
    exemplar_services.consent_record(application=application, actor=lead.user, may_share=True, may_name=False)
    bad = SimpleUploadedFile("extract.exe", b"MZ\x90\x00 not a document", content_type="application/pdf")
    with pytest.raises(Refusal):
        publish(application, admin, upload=bad)
    assert not Exemplar.objects.exists()
    assert publish(application, admin, upload=pdf_upload("extract.pdf")).content_type == "application/pdf"


def test_withdrawing_consent_unpublishes_at_once(accredited, client):
    application, lead, admin = accredited
    exemplar_services.consent_record(application=application, actor=lead.user, may_share=True, may_name=True)
    exemplar = publish(application, admin, show_school_name=True)
    client.force_login(lead.user)
    url = reverse("portfolios:sharing_consent", args=[application.pk])
    client.post(url, {"may_share": "on"})  # named no longer
    exemplar.refresh_from_db()
    assert exemplar.is_published and not exemplar.show_school_name
    client.post(url, {})
    exemplar.refresh_from_db()
    assert not exemplar.is_published and exemplar.unpublished_reason == "The school withdrew its consent"
    other = LeadFactory()
    client.force_login(other.user)
    assert client.get(reverse("portfolios:exemplar", args=[exemplar.pk])).status_code == 404
    assert list(selectors.library()) == []


def test_only_the_lead_changes_consent(accredited, client):
    application, lead, _admin = accredited
    colleague = MembershipFactory(school=lead.school)
    with pytest.raises(Refusal):
        exemplar_services.consent_record(application=application, actor=colleague.user, may_share=True, may_name=False)
    client.force_login(colleague.user)
    assert client.get(reverse("portfolios:sharing_consent", args=[application.pk])).status_code == 403


def test_library_search_and_filters_and_hostile_queries(accredited, client):
    application, lead, admin = accredited
    exemplar_services.consent_record(application=application, actor=lead.user, may_share=True, may_name=False)
    publish(application, admin)
    client.force_login(LeadFactory().user)
    url = reverse("portfolios:good_practice")
    assert "Pupils wrote the policy" in client.get(url, {"criterion": "3", "phase": "Primary"}).content.decode()
    assert "Pupils wrote the policy" not in client.get(url, {"criterion": "4"}).content.decode()
    assert "child-friendly" not in client.get(url, {"q": "' OR 1=1 --"}).content.decode()
    page = client.get(url, {"q": "policy" * 1000}).content.decode()
    assert "No exemplars match your search" in page
    assert client.get(url, {"criterion": "banana"}).status_code == 200
