"""Ticking a criterion when adding evidence links it to the open application's editable criteria."""

import re
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from accreditation.models import AuditEvent
from portfolios import services
from portfolios.models import Application, CriterionResponse, EvidenceItem
from schools.tests.factories import LeadFactory

from .factories import EvidenceItemFactory, complete_application, criteria, pdf_upload

pytestmark = pytest.mark.django_db
State = Application.State


@pytest.fixture
def lead():
    return LeadFactory(school__name="Hillside Primary")


def linked_numbers(application, item):
    return sorted(application.responses.filter(evidence=item).values_list("criterion__number", flat=True))


def upload(lead, *, numbers, produced_on=None):
    return services.evidence_add_files(
        school=lead.school,
        actor=lead.user,
        files=[pdf_upload("Staff training record.pdf")],
        produced_on=produced_on or timezone.localdate() - timedelta(days=10),
        impact="Staff respond the same way",
        criteria=[c for c in criteria() if c.number in numbers],
    )[0]


class TestLinkingOnUpload:
    def test_ticked_criteria_of_a_draft_are_linked(self, lead):
        application = services.application_start(school=lead.school, actor=lead.user)
        item = upload(lead, numbers={2, 4})
        assert linked_numbers(application, item) == [2, 4]
        assert item.linked_criteria == [2, 4]
        event = AuditEvent.objects.get(action="application.evidence_linked")
        assert event.data["linked"] == [2, 4]

    def test_links_and_hard_copies_are_linked_too(self, lead):
        application = services.application_start(school=lead.school, actor=lead.user)
        link = services.evidence_add_link(
            school=lead.school,
            actor=lead.user,
            url="https://www.example.sch.uk/policy",
            title="Policy page",
            produced_on=date.today() - timedelta(days=3),
            impact="Parents read it",
            criteria=[criteria()[0]],
        )
        assert linked_numbers(application, link) == [1]

    def test_without_an_application_the_item_is_only_tagged(self, lead):
        item = upload(lead, numbers={4})
        assert [c.number for c in item.criteria.all()] == [4]
        assert item.linked_criteria == []
        assert not CriterionResponse.objects.filter(evidence=item).exists()

    def test_evidence_over_three_years_old_is_tagged_not_linked(self, lead):
        application = services.application_start(school=lead.school, actor=lead.user)
        item = upload(lead, numbers={4}, produced_on=timezone.localdate() - relativedelta(years=4))
        assert [c.number for c in item.criteria.all()] == [4]
        assert linked_numbers(application, item) == []

    def test_a_submitted_application_is_not_changed(self, lead):
        application = complete_application(lead)
        services.application_submit(
            application=application, actor=lead.user, declaration=True, equality_declaration=True
        )
        item = upload(lead, numbers={1, 2})
        assert linked_numbers(application, item) == []

    def test_only_criteria_reopened_for_further_information_are_linked(self, lead):
        application = complete_application(lead)
        application.state = State.FURTHER_INFORMATION
        application.save()
        application.responses.filter(criterion__number=3).update(status=CriterionResponse.Status.REOPENED)
        application.responses.exclude(criterion__number=3).update(status=CriterionResponse.Status.FROZEN)
        item = upload(lead, numbers={2, 3})
        assert linked_numbers(application, item) == [3]

    def test_unticking_on_edit_unlinks_from_the_draft(self, lead):
        application = services.application_start(school=lead.school, actor=lead.user)
        item = upload(lead, numbers={2, 4})
        services.evidence_update(
            item=item,
            actor=lead.user,
            title=item.title,
            description="",
            produced_on=item.produced_on,
            impact=item.impact,
            criteria=[c for c in criteria() if c.number in {4, 5}],
        )
        assert linked_numbers(application, item) == [4, 5]


class TestUploadPage:
    def url(self, lead):
        return reverse("portfolios:evidence_upload", args=[lead.school.pk])

    def post(self, client, lead, numbers, **extra):
        from portfolios.models import Criterion

        day = timezone.localdate() - timedelta(days=5)
        data = {
            "files": [pdf_upload("record.pdf")],
            "title": "Staff training record",
            "description": "",
            "impact": "Staff respond the same way",
            "criteria": [
                str(c.pk) for c in Criterion.objects.filter(criteria_set__is_current=True, number__in=numbers)
            ],
            "produced_on_0": str(day.day),
            "produced_on_1": str(day.month),
            "produced_on_2": str(day.year),
            **extra,
        }
        return client.post(self.url(lead), data, follow=True)

    def test_the_page_says_ticking_only_tags_when_there_is_no_application(self, client, lead):
        client.force_login(lead.user)
        page = client.get(self.url(lead)).content.decode()
        assert "ticking a criterion only tags this evidence in your library" in page.lower()

    def test_the_page_says_ticking_links_to_the_draft(self, client, lead):
        services.application_start(school=lead.school, actor=lead.user)
        client.force_login(lead.user)
        page = client.get(self.url(lead)).content.decode()
        assert "also links this evidence to that criterion in your application" in page

    def test_upload_links_and_the_criterion_page_shows_it(self, client, lead):
        application = services.application_start(school=lead.school, actor=lead.user)
        client.force_login(lead.user)
        page = self.post(client, lead, [4]).content.decode()
        assert "1 file added to your evidence library, and linked to criterion 4 of your application" in page
        item = EvidenceItem.objects.get(school=lead.school)
        criterion_page = client.get(reverse("portfolios:criterion", args=[application.pk, 4])).content.decode()
        detail_url = reverse("portfolios:evidence_detail", args=[item.pk])
        box = re.search(rf'<input[^>]*name="evidence"[^>]*value="{item.pk}"[^>]*>', criterion_page).group(0)
        assert "checked" in box
        detail = client.get(detail_url).content.decode()
        assert "Not linked to an application" not in detail
        assert reverse("portfolios:application", args=[application.pk]) in detail

    def test_after_another_error_the_page_asks_for_the_file_again(self, client, lead):
        client.force_login(lead.user)
        page = self.post(client, lead, [1], impact="").content.decode()
        assert "Enter the impact this evidence shows" in page
        assert "Choose the file again" in page
        assert not EvidenceItem.objects.exists()

    def test_the_date_hint_says_old_evidence_is_kept_but_cannot_be_submitted(self, client, lead):
        client.force_login(lead.user)
        page = client.get(self.url(lead)).content.decode()
        assert "not accepted" not in page
        assert "can be kept in your library, but an application cannot be submitted with it" in page

    def test_library_says_when_an_item_goes_out_of_date(self, client, lead):
        today = timezone.localdate()
        EvidenceItemFactory(school=lead.school, title="Survey", produced_on=today - timedelta(days=3 * 365 - 20))
        client.force_login(lead.user)
        page = client.get(reverse("portfolios:evidence_library", args=[lead.school.pk])).content.decode()
        assert "Goes out of date on" in page
        assert 'class="app-table-wrapper" role="region" aria-label="Evidence items" tabindex="0"' in page


def test_the_criterion_page_writes_dates_without_a_leading_zero(client, lead):
    application = services.application_start(school=lead.school, actor=lead.user)
    EvidenceItemFactory(school=lead.school, title="Minutes", produced_on=date(2024, 1, 2))
    client.force_login(lead.user)
    page = client.get(reverse("portfolios:criterion", args=[application.pk, 1])).content.decode()
    assert "produced 2 January 2024" in page
    assert "02 January 2024" not in page


class TestSubmitPageWhenBlocked:
    def test_a_blocked_submit_page_lists_what_is_left_without_an_error_summary(self, client, lead):
        application = services.application_start(school=lead.school, actor=lead.user)
        client.force_login(lead.user)
        page = client.get(reverse("portfolios:submit", args=[application.pk])).content.decode()
        assert "<title>Check and submit your application" in page
        assert '<h1 class="govuk-heading-l">Check and submit your application</h1>' in page
        assert "govuk-error-summary" not in page
        assert "You cannot submit yet" not in page
        criterion_1 = reverse("portfolios:criterion", args=[application.pk, 1])
        assert f'<a class="govuk-link" href="{criterion_1}">Write a self-evaluation for criterion 1</a>' in page
        back = reverse("portfolios:application", args=[application.pk])
        assert f'<a class="govuk-link" href="{back}">Back to the application</a>' in page

    def test_the_admin_is_told_whose_job_submitting_is_without_a_link_to_the_same_page(self, client, lead):
        from accreditation.tests.factories import AdminFactory
        from accreditation.tests.helpers import login

        application = services.application_start(school=lead.school, actor=lead.user)
        login(client, AdminFactory())
        page = client.get(reverse("portfolios:application", args=[application.pk])).content.decode()
        assert "<li>Only the school&#x27;s SLT lead can submit the application</li>" in page
        assert "your school&#x27;s SLT lead" not in page


def test_a_contributor_is_greeted_in_plain_words(client):
    from schools.tests.factories import MembershipFactory

    membership = MembershipFactory()
    client.force_login(membership.user)
    page = client.get(reverse("home")).content.decode()
    assert "You are a contributor to the school's portfolio." in page
    assert "school's Contributor" not in page
