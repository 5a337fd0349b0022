"""The audit trail records evidence downloads, and nobody edits it, not even in Django's admin."""

import pytest
from django.urls import reverse

from accreditation import audit
from accreditation.models import AuditEvent
from accreditation.tests.factories import AdminFactory, UserFactory
from accreditation.tests.helpers import login
from schools.tests.factories import LeadFactory

from .insight_data import application, stored_evidence

pytestmark = pytest.mark.django_db


def test_an_evidence_download_is_recorded_with_who_what_and_where(client):
    lead = LeadFactory()
    item = stored_evidence(lead.school)
    login(client, lead.user)
    response = client.get(reverse("portfolios:evidence_download", args=[item.pk]), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="evidence.downloaded")
    assert event.actor == lead.user and event.target_id == str(item.pk)
    assert "policy.pdf" in event.summary and event.ip_address == "203.0.113.9"


def test_an_admin_downloading_a_schools_evidence_is_recorded(client):
    lead = LeadFactory()
    item = stored_evidence(lead.school)
    admin = AdminFactory()
    login(client, admin)
    assert client.get(reverse("portfolios:evidence_download", args=[item.pk])).status_code == 200
    assert AuditEvent.objects.filter(action="evidence.downloaded", actor=admin).count() == 1


def test_a_portfolio_zip_download_is_recorded(client):
    lead = LeadFactory()
    app = application(lead.school)
    stored_evidence(lead.school, applications=[app])
    login(client, lead.user)
    response = client.get(reverse("portfolios:export_zip", args=[app.pk]))
    b"".join(response.streaming_content)
    event = AuditEvent.objects.get(action="evidence.downloaded")
    assert event.target_type == "portfolios.application" and "ZIP" in event.summary


@pytest.fixture
def superuser_client(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    login(client, user)
    return client


def test_superusers_can_read_but_not_add_change_or_delete_audit_entries(superuser_client):
    event = audit.record(actor=None, action="test.happened", summary="Original")
    changelist = reverse("admin:accreditation_auditevent_changelist")
    assert superuser_client.get(changelist).status_code == 200
    change = reverse("admin:accreditation_auditevent_change", args=[event.pk])
    page = superuser_client.get(change)
    assert page.status_code == 200 and b"Save" not in page.content
    assert superuser_client.post(change, {"summary": "Tampered"}).status_code == 403
    assert superuser_client.get(reverse("admin:accreditation_auditevent_add")).status_code == 403
    delete = reverse("admin:accreditation_auditevent_delete", args=[event.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.summary == "Original"
