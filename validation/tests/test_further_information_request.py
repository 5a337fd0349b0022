"""Issue 15: the further information the validating group asked for, shown to the school on its
application page and reopened criteria (from portfolios' copy, one writer), and a new date an
admin can set when it is overdue."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from accreditation.models import AuditEvent
from accreditation.tests.helpers import login
from portfolios.models import Application
from schools.tests.factories import LeadFactory
from validation import services
from validation.further_information import further_information_reminders_send
from validation.models import Decision

from .helpers import at, decide, meeting, review_all, submitted

pytestmark = pytest.mark.django_db


def assert_copy_matches(decision):
    """Portfolios' copy equals the released decision it came from."""
    decision.refresh_from_db()
    application = Application.objects.get(pk=decision.application_id)
    further = decision.outcome == Decision.Outcome.FURTHER_INFORMATION and decision.is_released
    assert application.information_requested == (decision.information_needed if further else "")
    assert application.information_due_on == (decision.information_due_on if further else None)
    assert application.information_requested_on == (decision.meeting.date if further else None)


@pytest.fixture
def released(clock, members, admin, django_capture_on_commit_callbacks):
    first = meeting(date(2026, 10, 7))
    meeting(date(2026, 11, 25), cutoff=date(2026, 11, 4))
    lead, application = submitted()
    with django_capture_on_commit_callbacks(execute=True):
        item = services.agenda_place(application=application, by=admin)
    assert item.meeting == first
    review_all(item)
    clock.move_to(at(date(2026, 10, 7), 15), tick=False)
    services.attendance_record(meeting=item.meeting, members=members, by=admin)
    decision = decide(item, admin, information_needed="Staff training records since September.")
    assert_copy_matches(decision)  # nothing reaches the school before release
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_release(decision=decision, by=admin)
    assert_copy_matches(decision)
    return lead, decision


class TestCopy:
    def test_release_copies_the_request_and_a_later_decision_clears_it(self, released, admin, members, clock):
        lead, decision = released
        application = Application.objects.get(pk=decision.application_id)
        assert application.information_requested == "Staff training records since September."
        assert application.information_due_on == date(2026, 11, 1)
        assert application.information_requested_on == date(2026, 10, 7)
        # The school resubmits; the next meeting accredits: the request is no longer shown.
        from portfolios import services as portfolio_services

        portfolio_services.application_submit(
            application=application, actor=lead.user, declaration=True, equality_declaration=True
        )
        second = services.agenda_place(application=application, by=None)
        clock.move_to(at(second.meeting.date), tick=False)
        services.attendance_record(meeting=second.meeting, members=members, by=admin)
        accredited = decide(second, admin, outcome="accredited")
        services.decision_release(decision=accredited, by=admin)
        assert_copy_matches(accredited)


class TestExtend:
    def test_new_date_updates_both_audits_and_emails_the_school(
        self, released, admin, clock, django_capture_on_commit_callbacks
    ):
        lead, decision = released
        clock.move_to(at(date(2026, 11, 3)), tick=False)
        assert further_information_reminders_send(as_of=date(2026, 11, 3))["overdue"] == 1
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.further_information_extend(decision=decision, due_on=date(2026, 12, 1), by=admin)
        decision.refresh_from_db()
        assert decision.information_due_on == date(2026, 12, 1)
        assert_copy_matches(decision)
        assert AuditEvent.objects.filter(action="decision.information_due_extended").count() == 1
        [message] = mail.outbox
        assert message.to == [lead.user.email]
        assert "1 December 2026" in message.subject and "1 November 2026" in message.body
        # Reminders for the new date go once each, however often the job runs.
        assert further_information_reminders_send(as_of=date(2026, 11, 20))["reminders"] == 1
        assert further_information_reminders_send(as_of=date(2026, 11, 20))["reminders"] == 0
        assert further_information_reminders_send(as_of=date(2026, 11, 29))["reminders"] == 1

    @pytest.mark.parametrize("due_on", [date(2026, 11, 2), date(2026, 11, 3), None])
    def test_a_date_not_in_the_future_is_refused_and_nothing_changes(self, released, admin, clock, due_on):
        _lead, decision = released
        clock.move_to(at(date(2026, 11, 3)), tick=False)
        mail.outbox.clear()
        with pytest.raises(services.Refusal, match="new date"):
            services.further_information_extend(decision=decision, due_on=due_on, by=admin)
        decision.refresh_from_db()
        assert decision.information_due_on == date(2026, 11, 1)
        assert_copy_matches(decision)
        assert not AuditEvent.objects.filter(action="decision.information_due_extended").exists()
        assert not mail.outbox

    def test_admin_posts_a_new_date_from_the_feedback_page(self, released, admin, client, clock):
        _lead, decision = released
        clock.move_to(at(date(2026, 11, 3)), tick=False)
        login(client, admin)
        page = client.get(reverse("validation:feedback", args=[decision.pk]))
        assert "Give the school a new date" in page.content.decode()
        url = reverse("validation:further_information_extend", args=[decision.pk])
        assert client.get(url).status_code == 405
        past = client.post(url, {"due_on_0": "1", "due_on_1": "10", "due_on_2": "2026"}, follow=True)
        assert "must be in the future" in past.content.decode()
        decision.refresh_from_db()
        assert decision.information_due_on == date(2026, 11, 1)
        client.post(url, {"due_on_0": "8", "due_on_1": "12", "due_on_2": "2026"})
        decision.refresh_from_db()
        assert decision.information_due_on == date(2026, 12, 8)
        assert_copy_matches(decision)

    def test_the_school_cannot_set_its_own_date(self, released, client, clock):
        lead, decision = released
        login(client, lead.user)
        url = reverse("validation:further_information_extend", args=[decision.pk])
        response = client.post(url, {"due_on_0": "8", "due_on_1": "12", "due_on_2": "2026"})
        assert response.status_code in (403, 404)
        decision.refresh_from_db()
        assert decision.information_due_on == date(2026, 11, 1)


class TestSchoolSees:
    def test_application_page_shows_what_who_and_when(self, released, client, clock):
        lead, decision = released
        clock.move_to(at(date(2026, 10, 20)), tick=False)
        login(client, lead.user)
        html = client.get(reverse("portfolios:application", args=[decision.application_id])).content.decode()
        assert "Staff training records since September." in html
        assert "The validating group, at its meeting on 7 October 2026" in html
        assert "1 November 2026" in html and "Needed by" in html
        assert "If the date passes" in html

    def test_only_reopened_criteria_show_it_and_a_passed_date_says_so(self, released, client, clock):
        lead, decision = released
        clock.move_to(at(date(2026, 11, 5)), tick=False)
        login(client, lead.user)
        reopened = client.get(reverse("portfolios:criterion", args=[decision.application_id, 3])).content.decode()
        assert "Staff training records since September." in reopened
        assert "Was due by" in reopened and "The date has passed" in reopened
        frozen = client.get(reverse("portfolios:criterion", args=[decision.application_id, 1])).content.decode()
        assert "Staff training records since September." not in frozen

    def test_another_school_gets_404(self, released, client):
        _lead, decision = released
        other = LeadFactory(school__name="Other Primary")
        login(client, other.user)
        assert client.get(reverse("portfolios:application", args=[decision.application_id])).status_code == 404
        assert client.get(reverse("portfolios:criterion", args=[decision.application_id, 3])).status_code == 404


class TestListAnyway:
    def test_overdue_application_goes_on_the_next_meeting_with_room(
        self, released, admin, client, clock, django_capture_on_commit_callbacks
    ):
        _lead, decision = released
        clock.move_to(at(date(2026, 11, 3)), tick=False)
        submitted_at = Application.objects.get(pk=decision.application_id).submitted_at
        login(client, admin)
        url = reverse("validation:further_information_list_anyway", args=[decision.pk])
        assert client.get(url).status_code == 405
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url)
        item = decision.application.agenda_items.get(meeting__date=date(2026, 11, 25))
        assert response.url == reverse("validation:meeting", args=[item.meeting_id])
        application = Application.objects.get(pk=decision.application_id)
        assert application.state == Application.State.SCHEDULED
        assert application.submitted_at == submitted_at
        assert not application.responses.exclude(status="frozen").exists()
        assert AuditEvent.objects.filter(action="decision.listed_without_information").count() == 1
        assert_copy_matches(decision)
        # Reviewers hear of the listing; nobody is told the school submitted anything.
        assert mail.outbox and not [
            m for m in mail.outbox if "submitted" in m.subject or "Further information" in m.subject
        ]

    def test_refused_before_the_due_date_and_changes_nothing(self, released, admin, clock):
        _lead, decision = released
        clock.move_to(at(date(2026, 11, 1)), tick=False)
        with pytest.raises(services.Refusal, match="has until 1 November 2026"):
            services.further_information_list_anyway(decision=decision, by=admin)
        assert Application.objects.get(pk=decision.application_id).state == Application.State.FURTHER_INFORMATION
        assert decision.application.agenda_items.count() == 1

    def test_refused_when_no_meeting_has_room_and_changes_nothing(self, released, admin, clock):
        _lead, decision = released
        clock.move_to(at(date(2026, 11, 3)), tick=False)
        from validation.models import Meeting

        Meeting.objects.filter(date=date(2026, 11, 25)).update(status=Meeting.Status.CANCELLED)
        with pytest.raises(services.Refusal, match="No planned meeting has room"):
            services.further_information_list_anyway(decision=decision, by=admin)
        application = Application.objects.get(pk=decision.application_id)
        assert application.state == Application.State.FURTHER_INFORMATION
        assert application.responses.filter(status="reopened").exists()
        assert not AuditEvent.objects.filter(action="decision.listed_without_information").exists()
