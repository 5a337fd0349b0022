"""Draft cut-off reminders and the admins' weekly digest, with time travel."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django_celery_beat.models import PeriodicTask

from accreditation.models import SentNotice
from accreditation.tests.factories import AdminFactory, UserFactory
from portfolios import services as portfolio_services
from portfolios.models import Application
from portfolios.tests.factories import complete_application
from schools.tests.factories import LeadFactory, RegistrationFactory, SchoolFactory
from validation import tasks
from validation.models import Meeting

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
CUTOFF = date(2026, 9, 16)  # a Wednesday; its meeting is three weeks later
MONDAY = date(2026, 10, 5)


def at(day: date, hour=7, minute=0):
    return time_machine.travel(datetime.combine(day, time(hour, minute), tzinfo=LONDON), tick=False)


def run(task, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return task.apply().get()


def reminders_to(address):
    return [m for m in mail.outbox if address in m.to and "left to submit" in m.subject]


def weekly_digests():
    return [m for m in mail.outbox if m.subject.startswith("Weekly summary")]


@pytest.fixture
def meeting():
    return MeetingFactory(date=CUTOFF + timedelta(days=21), submission_cutoff=CUTOFF)


@pytest.fixture
def drafting():
    lead = LeadFactory(school__name="Hillside Primary", user__email="lead@hillside.example.org")
    with at(CUTOFF - timedelta(days=60)):
        complete_application(lead)
    return lead


class TestDraftReminders:
    def test_sent_once_from_14_days_before_the_cutoff(self, meeting, drafting, django_capture_on_commit_callbacks):
        with at(CUTOFF - timedelta(days=15)):
            assert run(tasks.send_draft_reminders, django_capture_on_commit_callbacks) == 0
        with at(CUTOFF - timedelta(days=14)):
            assert run(tasks.send_draft_reminders, django_capture_on_commit_callbacks) == 1
            assert run(tasks.send_draft_reminders, django_capture_on_commit_callbacks) == 0  # beat fired twice
        for days in (13, 5, 0):
            with at(CUTOFF - timedelta(days=days)):
                assert run(tasks.send_draft_reminders, django_capture_on_commit_callbacks) == 0

        (sent,) = reminders_to("lead@hillside.example.org")
        assert sent.subject == "14 days left to submit for the 7 October 2026 validating group meeting"
        assert "submit it by the end of Wednesday 16 September 2026 (14 days from today)" in sent.body
        assert "/portfolio/applications/" in sent.body
        notice = SentNotice.objects.get(kind="draft_cutoff_reminder")
        assert notice.key == f"meeting:{meeting.pk}:school:{drafting.school.pk}" and notice.message.to == sent.to

    def test_after_missed_runs_it_still_goes_once_before_the_cutoff(
        self, meeting, drafting, django_capture_on_commit_callbacks
    ):
        with at(CUTOFF - timedelta(days=2)):  # beat was down for twelve days
            run(tasks.send_draft_reminders, django_capture_on_commit_callbacks)
            run(tasks.send_draft_reminders, django_capture_on_commit_callbacks)
        (sent,) = reminders_to("lead@hillside.example.org")
        assert sent.subject.startswith("2 days left")

    def test_nothing_once_the_cutoff_has_passed(self, meeting, drafting, django_capture_on_commit_callbacks):
        with at(CUTOFF + timedelta(days=1)):
            assert run(tasks.send_draft_reminders, django_capture_on_commit_callbacks) == 0
        assert mail.outbox == [] and not SentNotice.objects.exists()

    def test_only_drafts_with_a_lead_and_not_for_a_cancelled_meeting(
        self, meeting, drafting, django_capture_on_commit_callbacks
    ):
        submitted = LeadFactory(user__email="lead@submitted.example.org")
        with at(CUTOFF - timedelta(days=30)):
            application = complete_application(submitted)
            portfolio_services.application_submit(
                application=application, actor=submitted.user, declaration=True, equality_declaration=True
            )
        leaderless = SchoolFactory()
        Application.objects.create(school=leaderless, criteria_set=application.criteria_set)
        mail.outbox.clear()

        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
        with at(CUTOFF - timedelta(days=7)):
            assert run(tasks.send_draft_reminders, django_capture_on_commit_callbacks) == 0
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.PLANNED)
        with at(CUTOFF - timedelta(days=7)):
            assert run(tasks.send_draft_reminders, django_capture_on_commit_callbacks) == 1
        assert [m.to for m in mail.outbox] == [["lead@hillside.example.org"]]

    def test_the_nearest_cutoff_first_then_the_next_meeting_s(
        self, meeting, drafting, django_capture_on_commit_callbacks
    ):
        later = MeetingFactory(date=CUTOFF + timedelta(days=31), submission_cutoff=CUTOFF + timedelta(days=10))
        with at(CUTOFF - timedelta(days=3)):
            run(tasks.send_draft_reminders, django_capture_on_commit_callbacks)
        with at(CUTOFF + timedelta(days=1)):
            run(tasks.send_draft_reminders, django_capture_on_commit_callbacks)
            run(tasks.send_draft_reminders, django_capture_on_commit_callbacks)
        first, second = reminders_to("lead@hillside.example.org")
        assert "7 October 2026" in first.subject
        assert f"{later.date.day} October 2026" in second.subject and second.subject.startswith("9 days left")


@pytest.fixture
def waiting():
    RegistrationFactory(school_name="Meadow Lane Infants", urn=117083)
    lead = LeadFactory(school__name="Brook Academy", school__urn=117084)
    with at(MONDAY - timedelta(days=10), hour=10):
        application = complete_application(lead)
        portfolio_services.application_submit(
            application=application, actor=lead.user, declaration=True, equality_declaration=True
        )
    mail.outbox.clear()
    return application


class TestWeeklyDigest:
    def test_monday_digest_to_the_admins_once_a_week(self, waiting, django_capture_on_commit_callbacks):
        AdminFactory(email="admin.one@herts.example.org")
        AdminFactory(email="admin.two@herts.example.org")
        AdminFactory(email="gone@herts.example.org", is_active=False)
        UserFactory(email="not.admin@herts.example.org")
        with at(MONDAY, 7, 30):
            assert run(tasks.send_admin_weekly_digest, django_capture_on_commit_callbacks) is not None
            assert run(tasks.send_admin_weekly_digest, django_capture_on_commit_callbacks) is None
        with at(MONDAY + timedelta(days=2), 7, 30):  # run by hand mid-week
            assert run(tasks.send_admin_weekly_digest, django_capture_on_commit_callbacks) is None

        (digest,) = weekly_digests()
        assert digest.to == ["admin.one@herts.example.org", "admin.two@herts.example.org"]
        assert digest.subject == "Weekly summary: registrations waiting: 1, applications to list: 1"
        assert "Registrations waiting for a decision (1)" in digest.body
        assert "Meadow Lane Infants (URN 117083), received" in digest.body
        assert "Applications submitted but not yet on a meeting's agenda (1)" in digest.body
        assert "Brook Academy (URN 117084), first application, submitted 25 September 2026" in digest.body
        assert f"/portfolio/applications/{waiting.pk}/" in digest.body
        assert SentNotice.objects.get(kind="admin_weekly_digest").key == "2026-W41"

        with at(MONDAY + timedelta(days=7), 7, 30):  # still waiting a week later: told again
            run(tasks.send_admin_weekly_digest, django_capture_on_commit_callbacks)
        assert len(weekly_digests()) == 2

    def test_a_missed_monday_is_made_up_once_later_that_week(self, waiting, django_capture_on_commit_callbacks):
        AdminFactory(email="admin@herts.example.org")
        with at(MONDAY + timedelta(days=1), 9):
            run(tasks.send_admin_weekly_digest, django_capture_on_commit_callbacks)
        with at(MONDAY + timedelta(days=3), 9):
            run(tasks.send_admin_weekly_digest, django_capture_on_commit_callbacks)
        assert len(weekly_digests()) == 1

    def test_only_what_still_waits(self, waiting, django_capture_on_commit_callbacks):
        AdminFactory(email="admin@herts.example.org")
        Application.objects.filter(pk=waiting.pk).update(state=Application.State.SCHEDULED)
        with at(MONDAY, 7, 30):
            run(tasks.send_admin_weekly_digest, django_capture_on_commit_callbacks)
        (digest,) = weekly_digests()
        assert digest.subject == "Weekly summary: registrations waiting: 1"
        assert "Brook Academy" not in digest.body

    def test_nothing_waiting_means_no_email_and_no_record(self, django_capture_on_commit_callbacks):
        AdminFactory(email="admin@herts.example.org")
        with at(MONDAY, 7, 30):
            assert run(tasks.send_admin_weekly_digest, django_capture_on_commit_callbacks) is None
        assert mail.outbox == [] and not SentNotice.objects.exists()

    @override_settings(HW_TEAM_EMAIL="team@herts.example.org")
    def test_with_no_admin_accounts_it_goes_to_the_team_address(self, waiting, django_capture_on_commit_callbacks):
        with at(MONDAY, 7, 30):
            run(tasks.send_admin_weekly_digest, django_capture_on_commit_callbacks)
        assert [m.to for m in weekly_digests()] == [["team@herts.example.org"]]


def test_the_jobs_are_scheduled_in_london_time():
    drafts = PeriodicTask.objects.get(task="validation.tasks.send_draft_reminders")
    weekly = PeriodicTask.objects.get(task="validation.tasks.send_admin_weekly_digest")
    assert (drafts.crontab.hour, drafts.crontab.minute, drafts.crontab.day_of_week) == ("7", "0", "*")
    assert (weekly.crontab.hour, weekly.crontab.minute, weekly.crontab.day_of_week) == ("7", "30", "1")
    assert str(weekly.crontab.timezone) == "Europe/London"
