"""Validation pages after the browser walk-through: the meeting form's GOV.UK inputs, error-summary
links that land on a control, past meetings that still say planned, choosing a school among several
matches, and the evidence flags validators see on a review."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accreditation.tests.helpers import login
from portfolios.models import EvidenceItem
from schools.tests.factories import SchoolFactory
from validation.models import Conflict, Meeting

from .factories import MeetingFactory
from .helpers import meeting_data

pytestmark = pytest.mark.django_db


def error_links_land_on_controls(body: str):
    """Every link in the error summary points at an element on the page."""
    summary = re.search(r'class="govuk-error-summary".*?</div>\s*</div>', body, re.S).group(0)
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert targets, "the summary links to the fields"
    for target in targets:
        assert f'id="{target}"' in body, f"#{target} is not on the page"
    return targets


class TestMeetingForm:
    def test_dates_are_day_month_year_boxes_and_the_other_fields_are_govuk_inputs(self, admin_client):
        meeting = MeetingFactory(date=date(2026, 10, 7), submission_cutoff=date(2026, 9, 16))
        body = admin_client.get(reverse("validation:meeting_edit", args=[meeting.pk])).content.decode()
        assert 'type="date"' not in body and 'type="number"' not in body and 'type="time"' not in body
        assert body.count('class="govuk-date-input"') == 2
        for name, value in (("date_0", "7"), ("date_1", "10"), ("date_2", "2026"), ("submission_cutoff_0", "16")):
            assert re.search(rf'name="{name}"[^>]*value="{value}"|value="{value}"[^>]*name="{name}"', body), name
        start = re.search(r"<input[^>]*name=\"starts_at\"[^>]*>", body).group(0)
        assert "govuk-input" in start and "govuk-input--width-5" in start and 'value="13:30"' in start
        capacity = re.search(r"<input[^>]*name=\"capacity\"[^>]*>", body).group(0)
        assert "govuk-input--width-3" in capacity and 'inputmode="numeric"' in capacity
        link = re.search(r"<input[^>]*name=\"online_link\"[^>]*>", body).group(0)
        assert re.search(r'class="[^"]*\bgovuk-input\b', link)
        example = timezone.localdate() + timedelta(days=42)
        assert f"For example, {example.day} {example.month} {example.year}" in body

    def test_saving_with_the_date_boxes(self, admin_client, time_machine):
        time_machine.move_to("2026-09-01 10:00", tick=False)
        meeting = MeetingFactory(date=date(2026, 10, 7), submission_cutoff=date(2026, 9, 16))
        admin_client.post(
            reverse("validation:meeting_edit", args=[meeting.pk]),
            meeting_data(meeting, date="2026-10-08", submission_cutoff="2026-09-15", starts_at="9.30", capacity="10"),
        )
        meeting.refresh_from_db()
        assert (meeting.date, meeting.submission_cutoff, meeting.capacity) == (
            date(2026, 10, 8),
            date(2026, 9, 15),
            10,
        )
        assert meeting.starts_at.strftime("%H:%M") == "09:30"

    @pytest.mark.parametrize(
        "changes",
        [{"date": "2026-02-30"}, {"date_1": ""}, {"capacity": "lots"}, {"submission_cutoff": "2026-10-09"}],
    )
    def test_error_summary_links_reach_the_boxes(self, admin_client, changes):
        meeting = MeetingFactory(date=date(2026, 10, 7), submission_cutoff=date(2026, 9, 16))
        body = admin_client.post(
            reverse("validation:meeting_edit", args=[meeting.pk]), meeting_data(meeting, **changes)
        ).content.decode()
        error_links_land_on_controls(body)
        assert "govuk-form-group--error" in body

    def test_decision_form_asks_for_the_further_information_date_in_boxes(self, world, client):
        login(client, world["admin"])
        body = client.get(reverse("validation:decision", args=[world["item"].pk])).content.decode()
        assert 'type="date"' not in body and 'name="information_due_on_0"' in body


@pytest.fixture
def on_20_october(time_machine):
    """The clock set before anyone signs in (a later jump would end the session, whatever today is)."""
    time_machine.move_to(date(2026, 10, 20), tick=False)


class TestPastMeetings:
    def test_a_past_planned_meeting_prompts_to_record_attendance_and_mark_it_held(self, on_20_october, admin_client):
        past = MeetingFactory(date=date(2026, 10, 7), submission_cutoff=date(2026, 9, 16))
        future = MeetingFactory(date=date(2026, 11, 25), submission_cutoff=date(2026, 11, 4))
        held = MeetingFactory(date=date(2026, 9, 30), submission_cutoff=date(2026, 9, 9), status=Meeting.Status.HELD)
        body = admin_client.get(reverse("validation:meetings")).content.decode()
        rows = {m.pk: re.search(rf'meetings/{m.pk}/".*?</tr>', body, re.S).group(0) for m in (past, future, held)}
        assert "Past: not yet marked held" in rows[past.pk] and "Planned" not in rows[past.pk]
        assert reverse("validation:attendance", args=[past.pk]) in rows[past.pk]
        assert "mark it held or cancelled" in rows[past.pk]
        assert "Planned" in rows[future.pk] and "Past" not in rows[future.pk]
        assert "Held" in rows[held.pk] and "Record attendance" not in rows[held.pk]
        assert 'class="app-table-wrapper" role="region"' in body

        detail = admin_client.get(reverse("validation:meeting", args=[past.pk])).content.decode()
        assert "This meeting's date has passed but it is still shown as planned" in detail
        assert "Past: not yet marked held" in detail
        future_detail = admin_client.get(reverse("validation:meeting", args=[future.pk])).content.decode()
        assert "has passed" not in future_detail

    def test_validators_get_the_attendance_prompt_without_the_admin_change_link(self, on_20_october, member_client):
        past = MeetingFactory(date=date(2026, 10, 7), submission_cutoff=date(2026, 9, 16))
        body = member_client.get(reverse("validation:meetings")).content.decode()
        assert reverse("validation:attendance", args=[past.pk]) in body
        assert "mark it held or cancelled" not in body


class TestConflictSchoolChoice:
    def test_several_matches_offer_radios_and_the_chosen_school_is_declared(self, member_client, member):
        SchoolFactory(name="Oakfield Primary", urn=111111, town="Hitchin")
        oakwood = SchoolFactory(name="Oakwood Infants", urn=222222)
        SchoolFactory(name="Oakhill Outside", urn=333333, la_code=201)  # another council's school
        url = reverse("validation:conflict_declare")
        body = member_client.post(url, {"school_query": "oak", "kind": "adviser"}).content.decode()
        assert "Which school do you mean?" in body
        assert (
            len(
                re.findall(r'<input[^>]*type="radio"[^>]*name="school"|<input[^>]*name="school"[^>]*type="radio"', body)
            )
            == 2
        )
        assert "Oakfield Primary, Hitchin (URN 111111)" in body and "Oakwood Infants, Hertford (URN 222222)" in body
        assert "333333" not in body and "Oakhill Outside" not in body
        assert "More than one school matches “oak”: select the one you mean" in body
        assert error_links_land_on_controls(body) == ["id_school_1"]
        assert not Conflict.objects.exists()

        member_client.post(url, {"school_query": "oak", "school": str(oakwood.pk), "kind": "adviser"})
        assert Conflict.objects.get(member=member).school == oakwood

    def test_a_school_outside_the_council_is_not_found_by_urn_or_picked_by_forging_the_radio(
        self, member_client, member
    ):
        outside = SchoolFactory(name="Oakhill Outside", urn=333333, la_code=201)
        SchoolFactory(name="Oakfield Primary", urn=111111)
        SchoolFactory(name="Oakwood Infants", urn=222222)
        url = reverse("validation:conflict_declare")
        body = member_client.post(url, {"school_query": "333333", "kind": "governor"}).content.decode()
        assert "No school in the council&#x27;s area has the URN 333333" in body
        body = member_client.post(
            url, {"school_query": "oak", "school": str(outside.pk), "kind": "governor"}
        ).content.decode()
        assert "Select one of the schools listed" in body
        assert not Conflict.objects.exists()

    def test_more_than_ten_matches_say_so(self, member_client):
        for n in range(12):
            SchoolFactory(name=f"St Mary's {n:02} Primary", urn=120000 + n)
        body = member_client.post(
            reverse("validation:conflict_declare"), {"school_query": "st mary", "kind": "governor"}
        ).content.decode()
        assert body.count('name="school"') == 10
        assert "Only the first 10 are shown" in body

    def test_the_interest_radios_error_links_to_the_first_radio(self, member_client):
        SchoolFactory(name="Oakfield Primary")
        body = member_client.post(
            reverse("validation:conflict_declare"), {"school_query": "Oakfield Primary"}
        ).content.decode()
        assert "Select your interest in the school" in body
        assert error_links_land_on_controls(body) == ["id_kind_1"]


class TestReviewEvidenceFlags:
    def test_the_reviewer_sees_out_of_date_and_expiring_evidence(self, world, client):
        item = world["file"]
        review = world["item"].reviews.select_related("member__user").first()
        login(client, review.member.user)
        url = reverse("validation:review", args=[review.pk])
        assert "out of date or going out of date" not in client.get(url).content.decode()

        # Out of date before the meeting on 7 October 2026.
        EvidenceItem.objects.filter(pk=item.pk).update(produced_on=date(2023, 10, 1), stale_from=date(2026, 10, 1))
        body = client.get(url).content.decode()
        assert "1 evidence item in this portfolio is out of date or going out of date" in body
        assert "Out of date before the meeting (1 October 2026)" in body

        # Flagged by the nightly sweep as going out of date soon (after the meeting).
        EvidenceItem.objects.filter(pk=item.pk).update(
            produced_on=date(2023, 11, 1), stale_from=date(2026, 11, 1), expiring_flagged_on=date(2026, 9, 1)
        )
        assert "Out of date on 1 November 2026" in client.get(url).content.decode()

        # Already out of date.
        EvidenceItem.objects.filter(pk=item.pk).update(
            produced_on=date(2023, 8, 1), stale_from=date(2026, 8, 1), stale_since=date(2026, 8, 1)
        )
        body = client.get(url).content.decode()
        assert "Out of date since 1 August 2026" in body and "govuk-tag--red" in body
