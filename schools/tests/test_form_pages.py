"""What people see on the schools pages: error summaries that lead somewhere, GOV.UK error classes,
autocomplete on the registering person's details, and wording after a decision."""

import datetime
import re

import pytest
from django.urls import reverse

from accreditation.tests.factories import AdminFactory
from accreditation.tests.helpers import login
from schools.models import EligibilityRule, Registration, School
from schools.tests.factories import LeadFactory, RegistrationFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def control(page, name):
    """The <input> or <select> of a field, by name."""
    return re.search(rf'<(?:input|select)[^>]*name="{name}"[^>]*>', page).group(0)


def summary_anchors(page):
    start = page.index('class="govuk-error-summary"')
    return re.findall(r'<a href="#([^"]+)">', page[start : page.index("</ul>", start)])


class TestRegistrationFormErrors:
    def test_every_error_summary_link_reaches_a_control(self, client):
        page = client.post(reverse("schools:register_by_hand"), {}).content.decode()
        anchors = summary_anchors(page)
        ids = set(re.findall(r' id="([^"]+)"', page))
        assert "id_inspection_rule_1" in anchors
        assert "id_inspected_on_0" in anchors
        assert "id_inspection_rule" not in anchors
        assert [a for a in anchors if a not in ids] == []
        assert re.search(r'<input[^>]*type="radio"[^>]*id="id_inspection_rule_1"', page)

    def test_register_school_form_links_the_framework_radios_too(self, client):
        school = SchoolFactory(urn=117083)
        page = client.post(reverse("schools:register_school", args=[school.urn]), {}).content.decode()
        assert 'href="#id_inspection_rule_1">Select the inspection framework</a>' in page

    def test_email_and_select_in_error_get_their_own_error_classes(self, client):
        page = client.post(reverse("schools:register_by_hand"), {"lead_email": "not an email"}).content.decode()
        assert "govuk-input--error" in control(page, "lead_email")
        select = control(page, "inspection_judgement")
        assert "govuk-select--error" in select
        assert "govuk-input--error" not in select

    def test_an_impossible_inspection_date_must_be_a_real_date(self, client):
        data = {"inspected_on_0": "31", "inspected_on_1": "2", "inspected_on_2": "2024"}
        page = client.post(reverse("schools:register_by_hand"), data).content.decode()
        assert "The date of the inspection must be a real date" in page
        assert "out of range" not in page

    def test_the_registering_persons_fields_have_autocomplete_and_sized_boxes(self, client):
        page = client.get(reverse("schools:register_by_hand")).content.decode()
        assert 'autocomplete="name"' in control(page, "lead_name")
        assert 'autocomplete="email"' in control(page, "lead_email")
        assert 'autocomplete="tel"' in control(page, "lead_phone")
        assert "govuk-input--width-10" in control(page, "urn")
        assert "govuk-input--width-10" in control(page, "school_postcode")
        assert "govuk-input--width-20" in control(page, "lead_phone")


class TestRegisterSearch:
    def test_the_search_sends_no_token_or_button_name(self, client):
        page = client.get(reverse("schools:register_find")).content.decode()
        form = page[page.index('<form method="get"') : page.index("</form>")]
        assert "csrfmiddlewaretoken" not in form
        assert 'name="submit"' not in form
        assert '<button type="submit" class="govuk-button" data-module="govuk-button">Find school</button>' in form

    def test_a_refusal_in_the_results_does_not_repeat_the_school(self, client, settings):
        SchoolFactory(urn=123456, name="Elsewhere Academy", la_code=999, la_name="Another County")
        page = client.get(reverse("schools:register_find"), {"q": "Elsewhere"}).content.decode()
        assert "This school is in Another County" in page
        assert "Elsewhere Academy (URN 123456)" not in page


class TestRegistrationAfterDecision:
    def test_an_approved_hand_entered_school_is_not_shown_as_in_the_register(self, client):
        rule = EligibilityRule.objects.get(framework="ofsted-2019")
        registration = RegistrationFactory(
            school=None,
            urn=654321,
            school_name="New Free School",
            entered_by_hand=True,
            school_address="1 High Street\nHertford",
            school_postcode="SG14 1AA",
            lead_email="lee@school.example.org",
            inspected_on=datetime.date(2023, 3, 12),
            inspection_rule=rule,
            inspection_judgement="2",
        )
        admin = AdminFactory()
        login(client, admin)
        pending = client.get(reverse("schools:registration_detail", args=[registration.pk])).content.decode()
        assert "Check its URN and address before approving" in pending
        client.post(reverse("schools:registration_approve", args=[registration.pk]), {"details_confirmed": "yes"})
        registration.refresh_from_db()
        assert registration.status == Registration.Status.APPROVED
        page = client.get(reverse("schools:registration_detail", args=[registration.pk])).content.decode()
        assert "Check its URN and address before approving" not in page
        assert ", (" not in page and "(Open, )" not in page
        assert "No: entered by hand" in page
        assert "1 High Street<br>Hertford<br>SG14 1AA" in page


class TestSchoolsInTheScheme:
    def test_a_school_waiting_for_a_decision_is_not_listed(self, client):
        waiting = SchoolFactory(name="Meadow Lane Primary", eligibility=School.Eligibility.UNKNOWN)
        RegistrationFactory(school=waiting, urn=waiting.urn, school_name=waiting.name)
        LeadFactory(school__name="Oakfield Primary")
        login(client, AdminFactory())
        page = client.get(reverse("schools:school_list")).content.decode()
        assert "Oakfield Primary" in page
        assert "Meadow Lane Primary" not in page
        assert reverse("schools:registration_queue") in page


class TestWelcomePackAndTeamForms:
    def test_the_welcome_pack_form_styles_every_box(self, client):
        login(client, AdminFactory())
        page = client.get(reverse("schools:welcome_pack_add")).content.decode()
        assert "govuk-input" in control(page, "url").split('class="')[1].split('"')[0]
        position = control(page, "position")
        assert "govuk-input" in position and "govuk-input--width-4" in position
        assert 'type="number"' not in position
        assert "Leave empty to keep the current file" not in page

    def test_a_position_out_of_range_says_so(self, client):
        login(client, AdminFactory())
        page = client.post(
            reverse("schools:welcome_pack_add"), {"title": "Guide", "url": "https://www.gov.uk/x", "position": "-1"}
        ).content.decode()
        assert "The position must be 0 or more" in page
        assert "govuk-input--error" in control(page, "position")

    def test_job_title_is_marked_optional(self, client):
        lead = LeadFactory()
        client.force_login(lead.user)
        page = client.get(reverse("schools:team_invite", args=[lead.school.urn])).content.decode()
        assert "Job title (optional)" in page


def test_wide_tables_scroll_in_their_own_labelled_box(client):
    lead = LeadFactory(school__name="Oakfield Primary")
    waiting = SchoolFactory(name="Meadow Lane Primary")
    RegistrationFactory(school=waiting, urn=waiting.urn, school_name=waiting.name)
    login(client, AdminFactory())
    queue = client.get(reverse("schools:registration_queue")).content.decode()
    assert '<div class="app-table-wrapper" role="region" aria-label="Registrations" tabindex="0">' in queue
    detail = client.get(reverse("schools:school_detail", args=[lead.school.urn])).content.decode()
    assert """<div class="app-table-wrapper" role="region" aria-label="The school's team" tabindex="0">""" in detail
