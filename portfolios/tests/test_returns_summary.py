"""Criterion 8: a school adds a PDF summary of its termly returns to its evidence library."""

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from accreditation.models import AuditEvent
from accreditation.tests.helpers import login
from portfolios import returns_summary
from portfolios.models import EvidenceItem
from portfolios.tests.factories import ensure_criteria
from schools.returns.tests.factories import past_terms, submit
from schools.tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def _school_with_returns(terms=3):
    ensure_criteria()
    lead = LeadFactory(school__name="Hillside Primary")
    for i, term in enumerate(past_terms(terms)):
        submit(
            lead.school,
            term,
            lead.user,
            total=6 + i,
            racist=2,
            types={"racist": 2, "other": 4 + i},
            commentary=f"Term {i} commentary",
        )
    return lead


def test_the_summary_is_a_pdf_stored_like_an_upload_and_linked_to_criterion_8():
    lead = _school_with_returns()
    item = returns_summary.returns_summary_attach(school=lead.school, actor=lead.user)
    assert item.kind == EvidenceItem.Kind.FILE and item.school == lead.school
    assert [c.number for c in item.criteria.all()] == [8]
    assert item.produced_on == timezone.localdate()
    assert item.file.name.startswith(f"evidence/{lead.school.pk}/") and item.file.name.endswith(".pdf")
    with default_storage.open(item.file.name, "rb") as stored:
        data = stored.read()
    assert data.startswith(b"%PDF") and item.size == len(data)
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.content_type == "application/pdf"
    assert item.original_name.startswith("Termly incident returns") and item.original_name.endswith(".pdf")
    assert AuditEvent.objects.filter(action="evidence.returns_summary_added", target_id=str(item.pk)).exists()


def test_the_pdf_shows_the_trend_suppressed():
    lead = _school_with_returns(2)
    trend = returns_summary.summary_trend(lead.school)
    assert dict(trend.rows)["Racist"] == ["<5", "<5"]
    assert trend.total == [6, 7]
    from django.template.loader import render_to_string

    from schools.returns.charts import trend_chart

    text = render_to_string(
        "portfolios/export/returns_summary_pdf.html",
        {
            "school": lead.school,
            "trend": trend,
            "chart": trend_chart(trend, chart_id="s", include_total=True),
            "commentaries": [],
            "chart_css": "",
        },
    )
    assert "&lt;5" in text and '<svg class="trend-chart"' in text and "Hillside Primary" in text


def test_no_returns_no_summary(client):
    ensure_criteria()
    lead = LeadFactory()
    login(client, lead.user)
    url = reverse("portfolios:returns_summary", args=[lead.school.pk])
    assert "made no termly returns yet" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    assert not EvidenceItem.objects.exists()


def test_the_lead_adds_it_from_the_portfolio(client):
    lead = _school_with_returns()
    login(client, lead.user)
    library = client.get(reverse("portfolios:evidence_library", args=[lead.school.pk])).content.decode()
    assert "Add a summary of termly returns" in library
    url = reverse("portfolios:returns_summary", args=[lead.school.pk])
    assert "last 3 termly returns" in client.get(url).content.decode()
    response = client.post(url)
    item = EvidenceItem.objects.get(school=lead.school)
    assert response["Location"] == reverse("portfolios:evidence_detail", args=[item.pk])
    download = client.get(reverse("portfolios:evidence_download", args=[item.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_another_schools_summary_page_answers_404(client):
    lead = _school_with_returns(1)
    other = LeadFactory()
    login(client, other.user)
    url = reverse("portfolios:returns_summary", args=[lead.school.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not EvidenceItem.objects.exists()
