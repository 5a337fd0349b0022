"""Award expiry reminders and lapsing, agenda packs, and the weekly digest's validation sections,
with time travel."""

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from accreditation.models import AuditEvent, SentNotice
from accreditation.tests.factories import AdminFactory
from portfolios import services as portfolio_services
from portfolios.dates import add_months
from portfolios.tests.factories import complete_application
from schools.models import Membership
from schools.tests.factories import LeadFactory, SchoolFactory
from validation import selectors, services, tasks
from validation.models import AgendaItem, Award, Decision, Meeting, Review, Team

from .factories import ConflictFactory, GroupMemberFactory, MeetingFactory
from .helpers import grant

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")

AWARDED = date(2026, 10, 7)
EXPIRES = date(2029, 10, 7)
SIX_MONTHS, THREE_MONTHS, ONE_MONTH = date(2029, 4, 7), date(2029, 7, 7), date(2029, 9, 7)
NINE_MONTHS = date(2029, 1, 7)


def at(day: date, hour=1, minute=30):
    return time_machine.travel(datetime.combine(day, time(hour, minute), tzinfo=LONDON), tick=False)


def run(task, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return task.apply(kwargs=kwargs).get()


@pytest.fixture
def award():
    lead = LeadFactory(school__name="Hillside Primary", school__urn=117001, user__email="lead@hillside.example.org")
    return grant(lead.school, AWARDED)


def to_lead():
    return [m for m in mail.outbox if m.to == ["lead@hillside.example.org"]]


def to_team():
    return [m for m in mail.outbox if m.to == ["hw.team@herts.example.org"]]


def nightly(day, django_capture_on_commit_callbacks):
    with at(day):
        return run(tasks.sweep_award_expiry, django_capture_on_commit_callbacks)


class TestAddMonths:
    @pytest.mark.parametrize(
        ("day", "months", "expected"),
        [
            (date(2029, 10, 7), -6, date(2029, 4, 7)),
            (date(2029, 10, 7), -1, date(2029, 9, 7)),
            (date(2029, 8, 31), -6, date(2029, 2, 28)),  # no 31 February: the month's last day
            (date(2028, 8, 31), -6, date(2028, 2, 29)),  # a leap year keeps the 29th
            (date(2029, 2, 15), -3, date(2028, 11, 15)),  # across a year
            (date(2029, 1, 31), 1, date(2029, 2, 28)),
            (date(2029, 5, 31), -1, date(2029, 4, 30)),
        ],
    )
    def test_calendar_months(self, day, months, expected):
        assert add_months(day, months) == expected

    def test_an_award_of_29_february_expires_28_february_and_is_reminded_in_the_month_s_last_days(self):
        assert services.award_expiry(date(2028, 2, 29)) == date(2031, 2, 28)
        assert add_months(date(2031, 2, 28), -6) == date(2030, 8, 28)


@pytest.fixture(autouse=True)
def team_address(settings):
    settings.HW_TEAM_EMAIL = "hw.team@herts.example.org"


class TestExpiryReminders:
    def test_each_stage_once_on_its_day_to_the_lead_and_the_team(self, award, django_capture_on_commit_callbacks):
        assert nightly(NINE_MONTHS - timedelta(days=1), django_capture_on_commit_callbacks)["reminders_queued"] == 0
        assert mail.outbox == []
        # The renewal invitation, 9 months before: a link straight into starting the renewal.
        nightly(NINE_MONTHS, django_capture_on_commit_callbacks)
        (invitation,) = to_lead()
        assert "ends in 9 months: 7 October 2029" in invitation.subject
        assert f"/portfolio/schools/{award.school_id}/renewal/" in invitation.body
        assert "You are invited to renew" in invitation.body
        mail.outbox.clear()

        nightly(SIX_MONTHS, django_capture_on_commit_callbacks)
        nightly(SIX_MONTHS, django_capture_on_commit_callbacks)  # beat fired twice
        nightly(SIX_MONTHS + timedelta(days=20), django_capture_on_commit_callbacks)
        (lead_email,) = to_lead()
        (team_email,) = to_team()
        assert lead_email.subject == ("Hillside Primary's anti-bullying accreditation ends in 6 months: 7 October 2029")
        assert "runs until Sunday 7 October 2029, 6 months from now" in lead_email.body
        assert f"/portfolio/schools/{award.school_id}/" in lead_email.body
        assert team_email.subject == "Accreditation ending in 6 months: Hillside Primary (URN 117001), 7 October 2029"
        assert "The school's SLT lead has been sent a reminder" in team_email.body

        nightly(THREE_MONTHS - timedelta(days=1), django_capture_on_commit_callbacks)
        assert len(to_lead()) == 1
        nightly(THREE_MONTHS, django_capture_on_commit_callbacks)
        nightly(ONE_MONTH, django_capture_on_commit_callbacks)
        nightly(ONE_MONTH + timedelta(days=1), django_capture_on_commit_callbacks)
        assert [m.subject.split(" ends in ")[1] for m in to_lead()] == [
            "6 months: 7 October 2029",
            "3 months: 7 October 2029",
            "1 month: 7 October 2029",
        ]
        assert len(to_team()) == 3
        notices = SentNotice.objects.filter(kind="award_expiry").order_by("created_at", "pk")
        assert [n.key for n in notices] == [f"{award.pk}:9m", f"{award.pk}:6m", f"{award.pk}:3m", f"{award.pk}:1m"]
        assert all(n.message is not None for n in notices)
        assert AuditEvent.objects.filter(action="award.expiry_reminder_sent").count() == 4

    def test_after_missed_runs_only_the_latest_stage_goes_and_the_earlier_never_follow(
        self, award, django_capture_on_commit_callbacks
    ):
        # Beat was down from March to August: the 6-month and 3-month reminders are both due.
        nightly(date(2029, 8, 1), django_capture_on_commit_callbacks)
        nightly(date(2029, 8, 2), django_capture_on_commit_callbacks)
        (only,) = to_lead()
        assert "ends in 2 months: 7 October 2029" in only.subject
        skipped = SentNotice.objects.get(kind="award_expiry", key=f"{award.pk}:6m")
        assert skipped.message is None
        assert AuditEvent.objects.get(action="award.expiry_reminder_sent").data == {
            "stage": "3m",
            "skipped": ["9m", "6m"],
        }

        nightly(ONE_MONTH + timedelta(days=3), django_capture_on_commit_callbacks)
        assert [m.subject.split(" ends in ")[1] for m in to_lead()] == [
            "2 months: 7 October 2029",
            "27 days: 7 October 2029",
        ]

    def test_a_first_run_inside_the_last_month_sends_only_the_one_month_reminder(
        self, award, django_capture_on_commit_callbacks
    ):
        nightly(date(2029, 9, 30), django_capture_on_commit_callbacks)
        (only,) = to_lead()
        assert "ends in 7 days: 7 October 2029" in only.subject
        assert set(SentNotice.objects.filter(kind="award_expiry").values_list("key", "message")) >= {
            (f"{award.pk}:6m", None),
            (f"{award.pk}:3m", None),
        }

    def test_a_renewal_accredited_in_time_stops_the_reminders(self, award, django_capture_on_commit_callbacks):
        nightly(SIX_MONTHS, django_capture_on_commit_callbacks)
        renewal = grant(award.school, date(2029, 6, 20))
        award.refresh_from_db()
        # No months lost: the old award runs to its end and the renewal starts on its expiry date.
        assert award.status == Award.Status.CURRENT and renewal.status == Award.Status.CURRENT
        assert renewal.awarded_on == award.expires_on == EXPIRES
        nightly(THREE_MONTHS, django_capture_on_commit_callbacks)
        nightly(ONE_MONTH, django_capture_on_commit_callbacks)
        assert len(to_lead()) == 1, "only the 6-month reminder, sent before the renewal"
        assert list(selectors.accredited_schools(ONE_MONTH)) == [award]
        assert list(selectors.accredited_schools(EXPIRES)) == [renewal]

    def test_a_newer_award_stops_them_even_if_the_old_one_was_not_marked(
        self, award, django_capture_on_commit_callbacks
    ):
        Award.objects.filter(pk=award.pk).update(status=Award.Status.LAPSED)
        renewal = grant(award.school, date(2029, 6, 20))
        Award.objects.filter(pk=renewal.pk).update(status=Award.Status.SUPERSEDED)
        Award.objects.filter(pk=award.pk).update(status=Award.Status.CURRENT)
        nightly(THREE_MONTHS, django_capture_on_commit_callbacks)
        assert to_lead() == [] and not SentNotice.objects.filter(kind="award_expiry").exists()

    def test_a_school_without_a_lead_the_team_is_told_so(self, award, django_capture_on_commit_callbacks):
        Membership.objects.filter(school=award.school).update(is_active=False)
        nightly(SIX_MONTHS, django_capture_on_commit_callbacks)
        assert to_lead() == []
        (team_email,) = to_team()
        assert "no active SLT lead, so nobody at the school has been told" in team_email.body

    def test_a_deleted_award_is_logged_and_nothing_is_sent(self, caplog, django_capture_on_commit_callbacks):
        with caplog.at_level(logging.WARNING, logger="validation.tasks"), at(SIX_MONTHS):
            result = run(tasks.send_award_expiry_reminder, django_capture_on_commit_callbacks, award_id=987654)
        assert result is None and mail.outbox == []
        assert "award 987654 no longer exists" in caplog.text


class TestLapse:
    def test_on_its_expiry_day_the_award_lapses_once_and_leaves_the_register(
        self, award, django_capture_on_commit_callbacks
    ):
        other = grant(SchoolFactory(name="Later School"), date(2027, 1, 13))
        assert nightly(EXPIRES - timedelta(days=1), django_capture_on_commit_callbacks)["lapsed"] == 0
        assert list(selectors.accredited_schools(EXPIRES - timedelta(days=1))) == [award, other]

        assert nightly(EXPIRES, django_capture_on_commit_callbacks)["lapsed"] == 1
        assert nightly(EXPIRES, django_capture_on_commit_callbacks)["lapsed"] == 0  # idempotent
        award.refresh_from_db()
        other.refresh_from_db()
        assert award.status == Award.Status.LAPSED and award.status_changed_at is not None
        assert other.status == Award.Status.CURRENT
        assert list(selectors.accredited_schools(EXPIRES)) == [other]
        assert AuditEvent.objects.filter(action="award.lapsed").count() == 1
        # The first run, the day before, sent the 1-month reminder in words that fit; none after expiry.
        (last_minute,) = [m for m in mail.outbox if m.to == ["lead@hillside.example.org"]]
        assert "ends in 1 day: 7 October 2029" in last_minute.subject
        nightly(EXPIRES + timedelta(days=1), django_capture_on_commit_callbacks)
        assert len(to_lead()) == 1

    def test_a_missed_expiry_night_is_caught_up_and_superseded_awards_are_left_alone(
        self, award, django_capture_on_commit_callbacks
    ):
        grant(award.school, date(2029, 6, 20))
        nightly(EXPIRES + timedelta(days=12), django_capture_on_commit_callbacks)
        award.refresh_from_db()
        assert award.status == Award.Status.SUPERSEDED
        late = grant(SchoolFactory(), date(2026, 12, 2))
        assert nightly(date(2029, 12, 20), django_capture_on_commit_callbacks)["lapsed"] == 1
        late.refresh_from_db()
        assert late.status == Award.Status.LAPSED

    def test_the_verify_page_says_a_lapsed_award_is_not_current(
        self, award, client, django_capture_on_commit_callbacks
    ):
        nightly(EXPIRES, django_capture_on_commit_callbacks)
        with at(EXPIRES, 10):
            response = client.get(f"/verify/{award.verification_code}/")
        assert "Hillside Primary" in response.content.decode()
        assert not Award.objects.get(pk=award.pk).is_current_on(EXPIRES)


# Agenda packs ---------------------------------------------------------------------------------

MEETING = date(2026, 10, 7)


@pytest.fixture
def reviewed(django_capture_on_commit_callbacks):
    """Hillside's application on the 7 October meeting, with two reviewers from two teams."""
    with at(date(2026, 9, 1), 10):
        GroupMemberFactory(team=Team.objects.get(slug="health-wellbeing"), user__email="ahmed@herts.example.org")
        GroupMemberFactory(team=Team.objects.get(slug="send"), user__email="clarke@herts.example.org")
        meeting = MeetingFactory(
            date=MEETING, submission_cutoff=date(2026, 9, 16), online_link="https://meet.example.org/x"
        )
        lead = LeadFactory(school__name="Hillside Primary", school__urn=117001)
        application = complete_application(lead)
        portfolio_services.application_submit(
            application=application, actor=lead.user, declaration=True, equality_declaration=True
        )
        item = services.agenda_place(application=application, by=None)
    assert item.meeting == meeting and item.reviews.count() == 2
    mail.outbox.clear()
    return item


def packs():
    return [m for m in mail.outbox if m.subject.startswith("Agenda pack")]


class TestAgendaPacks:
    def test_each_reviewer_gets_one_pack_from_7_days_before(self, reviewed, django_capture_on_commit_callbacks):
        with at(MEETING - timedelta(days=8), 7, 15):
            assert run(tasks.send_agenda_packs, django_capture_on_commit_callbacks) == 0
        with at(MEETING - timedelta(days=7), 7, 15):
            assert run(tasks.send_agenda_packs, django_capture_on_commit_callbacks) == 2
            assert run(tasks.send_agenda_packs, django_capture_on_commit_callbacks) == 0
        for days in (6, 1, 0):
            with at(MEETING - timedelta(days=days), 7, 15):
                assert run(tasks.send_agenda_packs, django_capture_on_commit_callbacks) == 0
        sent = packs()
        assert sorted(m.to[0] for m in sent) == ["ahmed@herts.example.org", "clarke@herts.example.org"]
        review = Review.objects.get(member__user__email="ahmed@herts.example.org")
        (pack,) = [m for m in sent if m.to == ["ahmed@herts.example.org"]]
        assert pack.subject == "Agenda pack: Hillside Primary at the validating group meeting on 7 October 2026"
        assert "Wednesday 7 October 2026 at 13:30 (7 days from today)" in pack.body
        assert "Online: https://meet.example.org/x" in pack.body
        assert f"/reviews/{review.pk}/" in pack.body and f"/reviews/{review.pk}/portfolio.pdf" in pack.body
        assert "not started" in pack.body
        assert pack.attachments == [], "links only: the evidence stays behind sign-in"
        assert SentNotice.objects.filter(
            kind="agenda_pack", key=f"review:{review.pk}:meeting:{reviewed.meeting_id}"
        ).exists()

    def test_a_missed_run_still_sends_before_the_meeting_but_never_after(
        self, reviewed, django_capture_on_commit_callbacks
    ):
        with at(MEETING + timedelta(days=1), 7, 15):
            assert run(tasks.send_agenda_packs, django_capture_on_commit_callbacks) == 0
        with at(MEETING - timedelta(days=2), 7, 15):
            assert run(tasks.send_agenda_packs, django_capture_on_commit_callbacks) == 2
        assert "(2 days from today)" in packs()[0].body

    def test_no_pack_for_a_cancelled_meeting_or_a_conflicted_or_inactive_reviewer(
        self, reviewed, django_capture_on_commit_callbacks
    ):
        first, second = reviewed.reviews.select_related("member")
        Meeting.objects.filter(pk=reviewed.meeting_id).update(status=Meeting.Status.CANCELLED)
        with at(MEETING - timedelta(days=5), 7, 15):
            assert run(tasks.send_agenda_packs, django_capture_on_commit_callbacks) == 0
        Meeting.objects.filter(pk=reviewed.meeting_id).update(status=Meeting.Status.PLANNED)
        ConflictFactory(member=first.member, school=reviewed.application.school)
        second.member.is_active = False
        second.member.save()
        with at(MEETING - timedelta(days=5), 7, 15):
            assert run(tasks.send_agenda_packs, django_capture_on_commit_callbacks) == 0
        assert packs() == []

    def test_moved_to_a_later_meeting_the_reviewers_get_a_new_pack(self, reviewed, django_capture_on_commit_callbacks):
        with at(MEETING - timedelta(days=7), 7, 15):
            run(tasks.send_agenda_packs, django_capture_on_commit_callbacks)
        later = MeetingFactory(date=date(2026, 11, 25), submission_cutoff=date(2026, 11, 4))
        AgendaItem.objects.filter(pk=reviewed.pk).update(meeting=later)
        with at(later.date - timedelta(days=6), 7, 15):
            assert run(tasks.send_agenda_packs, django_capture_on_commit_callbacks) == 2
        assert len(packs()) == 4 and "25 November 2026" in packs()[-1].subject


# The weekly digest's validation sections ------------------------------------------------------


def weekly_digests():
    return [m for m in mail.outbox if m.subject.startswith("Weekly summary")]


class TestWeeklyDigestSections:
    def test_reviews_overdue_decisions_to_release_and_awards_ending(self, reviewed, django_capture_on_commit_callbacks):
        AdminFactory(email="admin@herts.example.org")
        first, _second = reviewed.reviews.select_related("member__user")
        first.submitted_at, first.recommendation = timezone.now(), Review.Recommendation.ACCREDIT
        first.save()
        # Another school's decision waiting for release, and an award ending within the month.
        released = grant(SchoolFactory(name="Released School"), date(2023, 6, 1))
        Decision.objects.filter(pk=released.decision_id).update(released_at=timezone.now())
        ending = grant(SchoolFactory(name="Ending School", urn=117050), date(2023, 10, 30))
        Decision.objects.filter(pk=ending.decision_id).update(released_at=timezone.now())
        waiting = grant(SchoolFactory(name="Waiting School", urn=117060), date(2026, 9, 30))

        monday_before = date(2026, 9, 28)  # meeting 9 days off: no review overdue yet
        with at(monday_before, 7, 30):
            run(tasks.send_admin_weekly_digest, django_capture_on_commit_callbacks)
        (early,) = weekly_digests()
        assert "reviews overdue" not in early.subject
        assert "Ending School" not in early.body  # ends 30 October: more than a month away

        with at(date(2026, 10, 5), 7, 30):  # two days before the meeting
            run(tasks.send_admin_weekly_digest, django_capture_on_commit_callbacks)
        digest = weekly_digests()[-1]
        assert "reviews overdue: 1" in digest.subject
        assert "decisions to release: 1" in digest.subject and "awards ending: 1" in digest.subject
        second = Review.objects.exclude(pk=first.pk).select_related("member__user").get()
        assert f"{second.member.user.get_full_name()}: Hillside Primary (URN 117001), meeting 7 October 2026" in (
            digest.body
        )
        assert first.member.user.get_full_name() + ": Hillside" not in digest.body
        assert "Waiting School (URN 117060): accredited, meeting 30 September 2026" in digest.body
        assert f"/feedback/{waiting.decision_id}/" in digest.body
        assert "Ending School (URN 117050), ends 30 October 2026" in digest.body
        assert "Released School" not in digest.body  # released, and its award ended already


def test_the_award_and_agenda_jobs_are_scheduled_in_london_time():
    expiry = PeriodicTask.objects.get(task="validation.tasks.sweep_award_expiry")
    packs_job = PeriodicTask.objects.get(task="validation.tasks.send_agenda_packs")
    assert (expiry.crontab.hour, expiry.crontab.minute, expiry.crontab.day_of_week) == ("1", "30", "*")
    assert (packs_job.crontab.hour, packs_job.crontab.minute) == ("7", "15")
    assert str(expiry.crontab.timezone) == "Europe/London"
