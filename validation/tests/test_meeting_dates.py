"""One truth for a meeting's date: the meeting row. Every meeting and agenda service keeps the
applications' copies in step, tells the schools and reviewers, and refuses a date that would
contradict the agenda."""

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail

from accreditation.errors import Refusal
from portfolios import services as portfolio_services
from portfolios.models import Application
from portfolios.tests.factories import EvidenceItemFactory, complete_application
from schools.tests.factories import LeadFactory
from validation import selectors, services
from validation.models import AgendaItem, Meeting

from .helpers import at, decide, meeting, review_all

pytestmark = pytest.mark.django_db


def assert_copies_agree():
    """No undecided application's meeting date differs from its meeting's."""
    assert list(selectors.meeting_date_disagreements()) == []
    for item in AgendaItem.objects.filter(decision__isnull=True).select_related("application", "meeting"):
        if item.application.state in (Application.State.SCHEDULED, Application.State.UNDER_REVIEW):
            assert item.application.meeting_date == item.meeting.date


def submit(name, produced_on=None):
    lead = LeadFactory(school__name=name, school__town="Hitchin")
    evidence = EvidenceItemFactory(school=lead.school, produced_on=produced_on) if produced_on else None
    application = complete_application(lead, evidence=evidence)
    portfolio_services.application_submit(
        application=application, actor=lead.user, declaration=True, equality_declaration=True
    )
    application.refresh_from_db()
    return lead, application


@pytest.fixture
def agenda(clock, members, admin, django_capture_on_commit_callbacks):
    """Two meetings; Hillside listed for the first, with evidence that is fresh today (1 September
    2026) but will be more than 3 years old from 20 October 2026."""
    first = meeting(date(2026, 10, 7))
    second = meeting(date(2026, 11, 25), cutoff=date(2026, 11, 4))
    lead, application = submit("Hillside Primary", produced_on=date(2023, 10, 20))
    with django_capture_on_commit_callbacks(execute=True):
        item = services.agenda_place(application=application, by=admin)
    assert item.meeting == first
    assert_copies_agree()
    mail.outbox.clear()
    return {"first": first, "second": second, "lead": lead, "item": item, "application": application}


def test_moving_a_meeting_updates_every_copy_and_tells_school_and_reviewers(
    agenda, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=agenda["first"], by=admin, date=date(2026, 10, 21))
    assert_copies_agree()
    agenda["application"].refresh_from_db()
    assert agenda["application"].meeting_date == date(2026, 10, 21)
    to_school = [m for m in mail.outbox if agenda["lead"].user.email in m.to]
    assert len(to_school) == 1
    body = to_school[0].body
    assert "moved from Wednesday 7 October 2026 to Wednesday 21 October 2026" in body
    assert "will be more than 3 years old" in body and "20 October 2026" in body
    reviewers = {r.member.user.email for r in agenda["item"].reviews.select_related("member__user")}
    assert reviewers and all(any(email in m.to for m in mail.outbox) for email in reviewers)
    assert not any("3 years old" in m.body for m in mail.outbox if agenda["lead"].user.email not in m.to)


def test_moving_a_meeting_earlier_says_nothing_will_be_stale(agenda, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=agenda["first"], by=admin, date=date(2026, 10, 14))
    assert_copies_agree()
    (to_school,) = [m for m in mail.outbox if agenda["lead"].user.email in m.to]
    assert "None of your evidence will be more than 3 years old by the meeting" in to_school.body


def test_moving_an_item_and_deciding_keep_the_copies(agenda, admin, members, clock):
    services.agenda_move(item=agenda["item"], meeting=agenda["second"], by=admin)
    assert_copies_agree()
    services.meeting_update(meeting=agenda["second"], by=admin, date=date(2026, 12, 2))
    assert_copies_agree()
    clock.move_to(at(date(2026, 12, 2)), tick=False)
    services.attendance_record(meeting=agenda["second"], members=members, by=admin)
    item = AgendaItem.objects.get(pk=agenda["item"].pk)
    review_all(item, "accredit")
    decide(item, admin, outcome="accredited")
    assert_copies_agree()
    services.meeting_update(meeting=agenda["second"], by=admin, status=Meeting.Status.HELD)
    assert_copies_agree()


def test_a_cutoff_moved_before_a_submission_moves_the_item_to_the_next_meeting_with_room(
    agenda, admin, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        updated = services.meeting_update(meeting=agenda["first"], by=admin, submission_cutoff=date(2026, 8, 28))
    ((_, moved_from, moved_to),) = updated.moved_items
    assert (moved_from, moved_to) == (agenda["first"], agenda["second"])
    assert AgendaItem.objects.get(pk=agenda["item"].pk).meeting == agenda["second"]
    assert_copies_agree()
    (to_school,) = [m for m in mail.outbox if agenda["lead"].user.email in m.to]
    assert "25 November 2026" in to_school.body


def test_a_cutoff_no_meeting_can_absorb_is_refused_and_nothing_changes(agenda, admin):
    services.meeting_update(meeting=agenda["second"], by=admin, capacity=1)
    other = AgendaItem.objects.create(
        meeting=agenda["second"], application=submit("Oakfield")[1], submitted_at=agenda["item"].submitted_at
    )
    portfolio_services.application_list_for_meeting(
        application=other.application, meeting_date=agenda["second"].date, actor=admin
    )
    with pytest.raises(Refusal, match="cannot move before the submission of Hillside Primary"):
        services.meeting_update(meeting=agenda["first"], by=admin, submission_cutoff=date(2026, 8, 28))
    agenda["first"].refresh_from_db()
    assert agenda["first"].submission_cutoff == date(2026, 9, 16)
    assert AgendaItem.objects.get(pk=agenda["item"].pk).meeting == agenda["first"]
    assert_copies_agree()


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"date": date(2026, 9, 8)}, "cannot be moved to a date in the past"),
        ({"date": date(2026, 11, 25)}, "Another meeting is already on this date"),
        ({"date": date(2026, 9, 14)}, "cut-off must be before the meeting date"),
        ({"date": date(2026, 12, 23)}, "outside every school term"),
        ({"status": Meeting.Status.HELD}, "cannot be marked held while an application on it is undecided: "),
    ],
)
def test_bad_changes_name_the_rule_and_change_nothing(agenda, admin, clock, changes, rule):
    clock.move_to(at(date(2026, 9, 10)), tick=False)
    before = Meeting.objects.values().get(pk=agenda["first"].pk)
    with pytest.raises(Refusal, match=rule):
        services.meeting_update(meeting=agenda["first"], by=admin, **changes)
    assert Meeting.objects.values().get(pk=agenda["first"].pk) == before
    assert_copies_agree()


def test_held_refusal_names_the_undecided_school(agenda, admin):
    with pytest.raises(Refusal, match="Hillside Primary"):
        services.meeting_update(meeting=agenda["first"], by=admin, status=Meeting.Status.HELD)


def test_move_offers_only_future_planned_meetings_with_room(agenda, admin, clock):
    from validation.forms import AgendaMoveForm

    full = meeting(date(2026, 11, 18), cutoff=date(2026, 10, 28), capacity=1)
    AgendaItem.objects.create(meeting=full, application=submit("Oakfield")[1], submitted_at=agenda["item"].submitted_at)
    meeting(date(2026, 11, 11), cutoff=date(2026, 10, 21), status=Meeting.Status.CANCELLED)
    clock.move_to(at(date(2026, 9, 1)) + relativedelta(days=1), tick=False)
    offered = list(AgendaMoveForm(item=agenda["item"]).fields["meeting"].queryset)
    assert offered == [agenda["second"]]


def test_superusers_admin_cannot_edit_the_copy_or_the_meeting():
    from django.contrib import admin as django_admin

    from portfolios.admin import ApplicationAdmin

    assert "meeting_date" in ApplicationAdmin.readonly_fields
    assert Meeting not in django_admin.site._registry
    assert AgendaItem not in django_admin.site._registry


def test_a_decision_never_precedes_the_submission(agenda, admin, members, clock):
    """Data from before this rule (or a clock gone wrong) may show a submission after the meeting:
    the decision is refused, naming the rule, and nothing is recorded."""
    from datetime import timedelta

    Application.objects.filter(pk=agenda["application"].pk).update(
        submitted_at=at(agenda["first"].date) + timedelta(days=2)
    )
    clock.move_to(at(agenda["first"].date), tick=False)
    services.attendance_record(meeting=agenda["first"], members=members, by=admin)
    item = AgendaItem.objects.get(pk=agenda["item"].pk)
    with pytest.raises(Refusal, match="A decision cannot precede the submission: Hillside Primary"):
        decide(item, admin, outcome="accredited")
    assert not item.application.decisions.exists()
