"""Agendas, reviewers, reviews, the meeting, decisions, feedback, awards: the services' rules."""

import threading
from datetime import date

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.utils.html import escape

from accreditation.models import AuditEvent
from accreditation.tests.factories import AdminFactory
from portfolios import services as portfolio_services
from portfolios.models import Application, CriterionResponse
from portfolios.tests.factories import EvidenceItemFactory
from validation import selectors, services
from validation.models import AgendaItem, Award, Decision, Meeting, Review, Team

from .factories import ConflictFactory, GroupMemberFactory, MeetingFactory
from .helpers import at, decide, meeting, review_all, submitted, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(clock, members, admin, django_capture_on_commit_callbacks):
    first = meeting(date(2026, 10, 7))
    meeting(date(2026, 11, 25), cutoff=date(2026, 11, 4))
    lead, application = submitted()
    with django_capture_on_commit_callbacks(execute=True):
        item = services.agenda_place(application=application, by=admin)
    assert item.meeting == first
    return lead, item


# Agendas -------------------------------------------------------------------------------------


class TestPlacement:
    def test_submitted_application_goes_on_the_next_meeting_whose_cutoff_it_met(self, placed, members):
        _lead, item = placed
        application = Application.objects.get(pk=item.application_id)
        assert application.state == Application.State.SCHEDULED
        assert application.meeting_date == date(2026, 10, 7)
        reviewers = list(item.reviews.select_related("member__team"))
        assert len(reviewers) == 2
        assert len({r.member.team_id for r in reviewers}) == 2, "two different teams"
        subjects = [m.subject for m in mail.outbox if "Please review" in m.subject]
        assert len(subjects) == 2 and "Hillside Primary" in subjects[0]
        assert AuditEvent.objects.filter(action="agenda.placed").count() == 1

    def test_a_submission_after_the_cutoff_goes_to_a_later_meeting(self, clock, members, admin):
        meeting(date(2026, 10, 7))
        later = meeting(date(2026, 11, 25), cutoff=date(2026, 11, 4))
        clock.move_to(at(date(2026, 9, 17)), tick=False)
        _, application = submitted()
        assert services.agenda_place(application=application, by=admin).meeting == later

    def test_a_full_meeting_is_skipped_and_nothing_is_half_applied_when_none_has_room(self, clock, members, admin):
        full = meeting(date(2026, 10, 7), capacity=1)
        _, first = submitted("First School")
        assert services.agenda_place(application=first, by=admin).meeting == full
        _, second = submitted("Second School")
        assert services.agenda_place(application=second, by=admin) is None
        second.refresh_from_db()
        assert second.state == Application.State.SUBMITTED and second.meeting_date is None
        assert not AgendaItem.objects.filter(application=second).exists()
        later = meeting(date(2026, 11, 25), cutoff=date(2026, 11, 4))
        placed, waiting = services.agenda_place_waiting(by=None)
        assert [i.meeting for i in placed] == [later] and waiting == []
        assert services.agenda_place_waiting(by=None) == ([], []), "running again changes nothing"

    def test_the_periodic_task_places_waiting_applications(self, clock, members):
        from validation.tasks import place_submitted_applications

        meeting(date(2026, 10, 7))
        submitted()
        assert place_submitted_applications.delay().get() == {"placed": 1, "waiting": 0}
        assert AgendaItem.objects.count() == 1

    def test_cancelled_meetings_are_never_used(self, clock, members, admin):
        meeting(date(2026, 10, 7), status=Meeting.Status.CANCELLED)
        _, application = submitted()
        assert services.agenda_place(application=application, by=admin) is None


class TestMove:
    def test_admin_moves_an_item_and_portfolios_records_the_new_date(self, placed, admin):
        _, item = placed
        later = Meeting.objects.get(date=date(2026, 11, 25))
        services.agenda_move(item=item, meeting=later, by=admin)
        item.application.refresh_from_db()
        assert item.application.meeting_date == later.date
        assert item.reviews.count() == 2

    def test_moving_to_a_full_meeting_is_refused(self, placed, admin):
        _, item = placed
        later = Meeting.objects.get(date=date(2026, 11, 25))
        Meeting.objects.filter(pk=later.pk).update(capacity=1)
        _, other = submitted("Other School")
        AgendaItem.objects.create(meeting=later, application=other, submitted_at=other.submitted_at)
        with pytest.raises(services.Refusal, match="is full"):
            services.agenda_move(item=item, meeting=later, by=admin)
        item.refresh_from_db()
        assert item.meeting.date == date(2026, 10, 7)

    def test_moving_to_a_cancelled_meeting_or_one_whose_cutoff_was_before_submission_is_refused(self, placed, admin):
        _, item = placed
        cancelled = meeting(date(2026, 12, 9), cutoff=date(2026, 11, 18), status=Meeting.Status.CANCELLED)
        with pytest.raises(services.Refusal, match="cancelled"):
            services.agenda_move(item=item, meeting=cancelled, by=admin)
        early = meeting(date(2026, 9, 30), cutoff=date(2026, 8, 28))
        with pytest.raises(services.Refusal, match="before the application was submitted"):
            services.agenda_move(item=item, meeting=early, by=admin)
        item.application.refresh_from_db()
        assert item.application.meeting_date == date(2026, 10, 7)


# Reviewers -----------------------------------------------------------------------------------


class TestReviewers:
    def test_never_a_conflicted_or_inactive_member_and_load_is_balanced(self, clock, members, admin):
        meeting(date(2026, 10, 7))
        ahmed, brown, clarke, davies = members
        davies.is_active = False
        davies.save()
        _lead, application = submitted()
        ConflictFactory(member=clarke, school=application.school)
        item = services.agenda_place(application=application, by=admin)
        assert {r.member for r in item.reviews.all()} == {ahmed, brown}, "only non-conflicted active members"
        _, second = submitted("Second School")
        item2 = services.agenda_place(application=second, by=admin)
        chosen = {r.member for r in item2.reviews.all()}
        assert clarke in chosen, "the least loaded member (and another team) comes first"

    def test_teams_are_mixed_before_load(self, clock, members, admin):
        meeting(date(2026, 10, 7))
        _, application = submitted()
        item = services.agenda_place(application=application, by=admin)
        teams = [r.member.team.slug for r in item.reviews.all()]
        assert len(set(teams)) == 2

    def test_admin_reassigns_but_never_to_a_conflicted_member(self, placed, admin, members):
        _, item = placed
        review = item.reviews.first()
        taken = set(item.reviews.values_list("member_id", flat=True))
        spare = [m for m in members if m.pk not in taken]
        ConflictFactory(member=spare[0], school=item.application.school)
        with pytest.raises(services.Refusal, match="conflict of interest"):
            services.review_assign(item=item, member=spare[0], by=admin, replacing=review)
        assert Review.objects.filter(pk=review.pk).exists()
        new = services.review_assign(item=item, member=spare[1], by=admin, replacing=review)
        assert not Review.objects.filter(pk=review.pk).exists()
        assert new.member == spare[1] and item.reviews.count() == 2
        assert spare[0] not in services.reviewer_candidates(item)


class TestReview:
    def test_draft_then_submit_then_locked(self, placed):
        _, item = placed
        review = item.reviews.select_related("member__user").first()
        criteria = list(item.application.responses.values_list("criterion_id", flat=True))
        services.review_save(
            review=review,
            by=review.member.user,
            judgements={criteria[0]: ("not_yet_met", "")},
            recommendation="",
            comment="",
            submit=False,
        )
        review.refresh_from_db()
        assert review.saved_at and not review.is_submitted
        with pytest.raises(services.Refusal) as caught:
            services.review_save(
                review=review,
                by=review.member.user,
                judgements={criteria[0]: ("not_yet_met", "")},
                recommendation="",
                comment="",
                submit=True,
            )
        assert "Explain your judgement on criterion 1" in caught.value.messages
        assert "Select your overall recommendation" in caught.value.messages
        review.refresh_from_db()
        assert not review.is_submitted
        review_all(item)
        review.refresh_from_db()
        assert review.is_submitted and review.recommendation == "further_information"
        with pytest.raises(services.Refusal, match="cannot be changed"):
            services.review_save(
                review=review,
                by=review.member.user,
                judgements={},
                recommendation="accredit",
                comment="",
                submit=False,
            )

    def test_a_conflicted_reviewer_cannot_open_or_save_the_review(self, placed):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        _, item = placed
        review = item.reviews.select_related("member__user").first()
        ConflictFactory(member=review.member, school=item.application.school)
        with pytest.raises(Http404):
            selectors.review_get_for_user(review.member.user, review.pk)
        with pytest.raises(PermissionDenied):
            services.review_save(
                review=review, by=review.member.user, judgements={}, recommendation="", comment="", submit=False
            )
        assert not selectors.reviews_for_user(review.member.user).exists()


# The meeting ---------------------------------------------------------------------------------


class TestDecision:
    def test_no_quorum_no_decision(self, placed, admin, members, clock):
        _, item = placed
        clock.move_to(at(date(2026, 10, 7)), tick=False)
        services.attendance_record(meeting=item.meeting, members=members[:2], by=admin)  # one team only
        with pytest.raises(services.Refusal, match="Not quorate"):
            decide(item, admin)
        services.attendance_record(meeting=item.meeting, members=members[:3], by=admin)
        assert decide(item, admin).outcome == "further_information"

    def test_conflicted_members_are_recused_do_not_count_and_cannot_record(self, placed, admin, members, clock):
        _, item = placed
        clock.move_to(at(date(2026, 10, 7)), tick=False)
        clarke = members[2]
        ConflictFactory(member=clarke, school=item.application.school)
        services.attendance_record(meeting=item.meeting, members=members[:3], by=admin)
        quorum = selectors.quorum_for_item(item)
        assert quorum.recused == [clarke] and not quorum.met, "Clarke was the only other team"
        with pytest.raises(services.Refusal, match="Not quorate"):
            decide(item, admin)
        services.attendance_record(meeting=item.meeting, members=members, by=admin)
        with pytest.raises(services.Refusal, match="You have a conflict of interest"):
            decide(item, clarke.user)
        assert not Decision.objects.exists()
        decision = decide(item, members[0].user)
        assert list(decision.recused.all()) == [clarke]
        assert decision.present.count() == 4

    def test_a_decision_before_the_meeting_or_incomplete_is_refused(self, placed, admin, members, clock):
        _, item = placed
        services.attendance_record(meeting=item.meeting, members=members, by=admin)
        with pytest.raises(services.Refusal, match="Decisions are recorded at the meeting"):
            decide(item, admin)
        clock.move_to(at(date(2026, 10, 7)), tick=False)
        with pytest.raises(services.Refusal) as caught:
            decide(item, admin, criteria_numbers=[], information_needed="", strengths="")
        assert "Select the criteria that need further information" in caught.value.messages
        assert "Enter the strengths of the application" in caught.value.messages
        assert not Decision.objects.exists()

    def test_a_second_decision_is_refused_and_the_database_backs_it(self, placed, admin, members, clock):
        _, item = placed
        clock.move_to(at(date(2026, 10, 7)), tick=False)
        services.attendance_record(meeting=item.meeting, members=members, by=admin)
        decide(item, admin)
        with pytest.raises(services.Refusal, match="already recorded"):
            decide(item, members[0].user, outcome="accredited")
        assert Decision.objects.get().outcome == "further_information"
        with pytest.raises(IntegrityError), transaction.atomic():
            Decision.objects.create(
                agenda_item=AgendaItem.objects.create(
                    meeting=MeetingFactory(), application=item.application, submitted_at=item.submitted_at
                ),
                meeting=item.meeting,
                application=item.application,
                outcome="accredited",
                strengths="x",
                areas_for_future="y",
            )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_decisions_racing_give_one(time_machine):
    """Two members record at the same moment: the second waits for the lock and is refused."""
    from portfolios.tests.factories import ensure_criteria

    for name, slug in [("Health & Wellbeing", "health-wellbeing"), ("SEND", "send")]:
        Team.objects.get_or_create(slug=slug, defaults={"name": name})
    ensure_criteria()
    time_machine.move_to(at(date(2026, 9, 1)), tick=False)
    members = [GroupMemberFactory(team=team(s)) for s in ("health-wellbeing", "health-wellbeing", "send")]
    admin = AdminFactory()
    meeting(date(2026, 10, 7))
    _, application = submitted()
    item = services.agenda_place(application=application, by=admin)
    time_machine.move_to(at(date(2026, 10, 7)), tick=False)
    services.attendance_record(meeting=item.meeting, members=members, by=admin)
    results, barrier = [], threading.Barrier(2)

    def record(user, outcome):
        try:
            barrier.wait()
            decide(item, user, outcome=outcome)
            results.append("ok")
        except services.Refusal as error:
            results.append(str(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=record, args=(user, outcome))
        for user, outcome in ((members[0].user, "accredited"), (admin, "not_accredited"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r == "ok" for r in results) == [False, True]
    assert any("already recorded" in r for r in results)
    assert Decision.objects.count() == 1


# Publishing and awards -----------------------------------------------------------------------


@pytest.fixture
def decided(placed, admin, members, clock):
    lead, item = placed
    review_all(item)
    clock.move_to(at(date(2026, 10, 7), 15), tick=False)
    services.attendance_record(meeting=item.meeting, members=members, by=admin)
    return lead, item, decide(item, admin)


class TestRelease:
    def test_release_reopens_only_the_named_criteria_and_emails_the_letter(
        self, decided, admin, django_capture_on_commit_callbacks
    ):
        lead, item, decision = decided
        services.decision_update_letter(
            decision=decision,
            by=admin,
            letter_opening="Thank you, Hillside.",
            strengths="Pupils are heard well.",
            areas_for_future="Involve parents more.",
            information_needed="Training records.",
            letter_closing="Best wishes.",
        )
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.decision_release(decision=decision, by=admin)
        application = Application.objects.get(pk=item.application_id)
        assert application.state == Application.State.FURTHER_INFORMATION
        reopened = application.responses.filter(status=CriterionResponse.Status.REOPENED)
        assert list(reopened.values_list("criterion__number", flat=True)) == [3]
        message = mail.outbox[-1]
        assert message.to == [lead.user.email]
        assert "further information required" in message.subject
        assert "Decision: Further information required." in message.body
        _name, content, mimetype = message.attachments[0]
        assert mimetype == "application/pdf" and content.startswith(b"%PDF")
        decision.refresh_from_db()
        assert decision.letter_file.startswith("attachments/feedback/") and default_storage.exists(decision.letter_file)
        with pytest.raises(services.Refusal, match="was released"):
            services.decision_release(decision=decision, by=admin)
        with pytest.raises(services.Refusal, match="can no longer change"):
            services.decision_update_letter(decision=decision, by=admin, strengths="x")
        assert not Award.objects.exists()

    def test_resubmission_goes_to_the_next_meeting_and_accredited_makes_an_award(self, decided, admin, members, clock):
        lead, item, decision = decided
        services.decision_release(decision=decision, by=admin)
        application = Application.objects.get(pk=item.application_id)
        response = application.responses.get(criterion__number=3)
        extra = EvidenceItemFactory(school=application.school, title="Training log")
        portfolio_services.response_update(
            response=response,
            actor=lead.user,
            self_evaluation="Now with training.",
            evidence=[*response.evidence.all(), extra],
        )
        portfolio_services.application_submit(
            application=application, actor=lead.user, declaration=True, equality_declaration=True
        )
        second = services.agenda_place(application=application, by=None)
        assert second.meeting.date == date(2026, 11, 25)
        clock.move_to(at(date(2026, 11, 25)), tick=False)
        services.attendance_record(meeting=second.meeting, members=members, by=admin)
        decision2 = decide(second, admin, outcome="accredited")
        services.decision_release(decision=decision2, by=admin)
        award = Award.objects.get()
        assert award.awarded_on == date(2026, 11, 25) and award.expires_on == date(2029, 11, 25)
        assert award.status == Award.Status.CURRENT and len(award.verification_code) >= 24
        application.refresh_from_db()
        assert application.state == Application.State.ACCREDITED
        assert list(selectors.accredited_schools(date(2026, 11, 26))) == [award]
        assert list(selectors.accredited_schools(date(2029, 11, 25))) == [], "drops off on expiry, before any sweep"


class TestAwards:
    def test_a_hand_entered_expiry_is_refused(self, decided, admin):
        _, _item, decision = decided
        Decision.objects.filter(pk=decision.pk).update(outcome="accredited", criteria_numbers=[])
        decision.refresh_from_db()
        with pytest.raises(services.Refusal, match="cannot be entered by hand"):
            services.award_grant(decision=decision, by=admin, expires_on=date(2030, 1, 1))
        assert not Award.objects.exists()

    def test_the_database_refuses_an_expiry_not_after_the_award(self, decided):
        _, item, decision = decided
        with pytest.raises(IntegrityError), transaction.atomic():
            Award.objects.create(
                school=item.application.school,
                application=item.application,
                decision=decision,
                awarded_on=date(2026, 10, 7),
                expires_on=date(2026, 10, 7),
                verification_code="x",
            )

    def test_expiry_is_three_calendar_years_with_29_february(self):
        assert services.award_expiry(date(2028, 2, 29)) == date(2031, 2, 28)

    def test_a_renewal_supersedes_the_older_award(self, decided, admin):
        _, item, decision = decided
        Decision.objects.filter(pk=decision.pk).update(outcome="accredited", criteria_numbers=[])
        decision.refresh_from_db()
        old = services.award_grant(decision=decision, by=admin)
        _lead, application = submitted("Renewing School")
        later = Meeting.objects.get(date=date(2026, 11, 25))
        item2 = AgendaItem.objects.create(meeting=later, application=application, submitted_at=application.submitted_at)
        decision2 = Decision.objects.create(
            agenda_item=item2,
            meeting=later,
            application=application,
            outcome="accredited",
            strengths="s",
            areas_for_future="a",
        )
        # Model a renewal of the same school: its first application is closed (accredited).
        Application.objects.filter(pk=item.application_id).update(state=Application.State.ACCREDITED)
        Application.objects.filter(pk=application.pk).update(school=item.application.school)
        decision2.refresh_from_db()
        new = services.award_grant(decision=decision2, by=admin)
        old.refresh_from_db()
        # Renewed before the old award ended: it runs to its end, the new one from the day after.
        assert old.status == Award.Status.CURRENT and old.expires_on == date(2029, 10, 7)
        assert new.status == Award.Status.CURRENT
        assert (new.awarded_on, new.expires_on) == (date(2029, 10, 7), date(2032, 10, 7))


def test_minutes_list_attendance_recusals_and_decisions(decided, members):
    from django.template.loader import render_to_string

    _, item, _decision = decided
    ConflictFactory(member=members[2], school=item.application.school)
    Decision.objects.get().recused.set([members[2]])
    html = render_to_string("validation/pdf/minutes.html", services.minutes_context(item.meeting))
    for member in members:
        assert escape(member.user.get_full_name()) in html  # factory names may hold an apostrophe
    assert f"{escape(members[2].user.get_full_name())} (SEND) declared a conflict of interest and took no part" in html
    assert "Decision: Further information required" in html and "Evidence of staff training" in html
    assert services.minutes_pdf(item.meeting).startswith(b"%PDF")
