"""The nightly evidence sweep and the schools' digest, with time travel."""

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from accreditation.models import AuditEvent, OutboxMessage
from portfolios import jobs, selectors, services, tasks
from portfolios.dates import stale_from
from portfolios.models import Application, EvidenceDigest, EvidenceItem
from schools.models import School
from schools.tests.factories import LeadFactory, MembershipFactory, SchoolFactory

from .factories import EvidenceItemFactory, complete_application

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
TODAY = date(2027, 3, 10)


def at(day: date, hour=2, minute=15):
    """Travel to `day` at the job's time, London time (frozen: no ticking)."""
    return time_machine.travel(datetime.combine(day, time(hour, minute), tzinfo=LONDON), tick=False)


def produced_for(goes_stale_on: date) -> date:
    """A production date whose item goes out of date on `goes_stale_on`."""
    return goes_stale_on.replace(year=goes_stale_on.year - 3)


def item(school, goes_stale_on, **kwargs):
    return EvidenceItemFactory(school=school, produced_on=produced_for(goes_stale_on), **kwargs)


def run_nightly(django_capture_on_commit_callbacks, day=None):
    """What beat does at 02:15: the task, eagerly, with the emails delivered after commit."""
    with django_capture_on_commit_callbacks(execute=True):
        return tasks.sweep_stale_evidence.apply(kwargs={"as_of": day.isoformat()} if day else {}).get()


def digests_to(address):
    return [m for m in mail.outbox if address in m.to and "Evidence update" in m.subject]


@pytest.fixture
def lead():
    return LeadFactory(school__name="Hillside Primary", user__email="lead@hillside.example.org")


class TestSweep:
    def test_flags_stale_with_the_day_it_went_out_of_date_and_is_idempotent(self, lead):
        old = item(lead.school, TODAY - timedelta(days=1))
        today = item(lead.school, TODAY)
        fresh = item(lead.school, TODAY + timedelta(days=400))

        first = jobs.evidence_sweep_staleness(as_of=TODAY)
        second = jobs.evidence_sweep_staleness(as_of=TODAY)

        assert first.newly_stale == 2 and second.newly_stale == 0 and second.expiring_changed == 0
        old.refresh_from_db(), today.refresh_from_db(), fresh.refresh_from_db()
        assert old.stale_since == TODAY - timedelta(days=1)
        assert today.stale_since == TODAY
        assert fresh.stale_since is None and fresh.expiring_flagged_on is None

    def test_after_missed_days_the_flag_keeps_the_real_date(self, lead):
        missed = item(lead.school, TODAY - timedelta(days=9))
        jobs.evidence_sweep_staleness(as_of=TODAY - timedelta(days=10))
        jobs.evidence_sweep_staleness(as_of=TODAY)  # nine nights missed
        missed.refresh_from_db()
        assert missed.stale_since == TODAY - timedelta(days=9)

    def test_leap_day_evidence_goes_stale_on_28_february(self, lead):
        leap = EvidenceItemFactory(school=lead.school, produced_on=date(2024, 2, 29))
        jobs.evidence_sweep_staleness(as_of=date(2027, 2, 27))
        leap.refresh_from_db()
        assert leap.stale_since is None
        jobs.evidence_sweep_staleness(as_of=date(2027, 2, 28))
        leap.refresh_from_db()
        assert leap.stale_since == date(2027, 2, 28) == stale_from(date(2024, 2, 29))

    def test_expiring_within_60_days_is_flagged_once_then_cleared_when_stale(self, lead):
        soon = item(lead.school, TODAY + timedelta(days=60))
        later = item(lead.school, TODAY + timedelta(days=61))

        jobs.evidence_sweep_staleness(as_of=TODAY)
        jobs.evidence_sweep_staleness(as_of=TODAY + timedelta(days=1))
        soon.refresh_from_db(), later.refresh_from_db()
        assert soon.expiring_flagged_on == TODAY  # kept, not moved by the second night
        assert later.expiring_flagged_on == TODAY + timedelta(days=1)

        jobs.evidence_sweep_staleness(as_of=TODAY + timedelta(days=60))
        soon.refresh_from_db()
        assert soon.stale_since == TODAY + timedelta(days=60)
        assert soon.expiring_flagged_on is None

    def test_expiring_before_the_meeting_the_application_is_listed_for(self, lead):
        with at(TODAY):
            linked = item(lead.school, TODAY + timedelta(days=90))
            unlinked = item(lead.school, TODAY + timedelta(days=90))
            application = complete_application(lead, evidence=linked)
            Application.objects.filter(pk=application.pk).update(
                state=Application.State.SCHEDULED, meeting_date=TODAY + timedelta(days=100)
            )
            jobs.evidence_sweep_staleness(as_of=TODAY)
            linked.refresh_from_db(), unlinked.refresh_from_db()
            assert linked.expiring_flagged_on == TODAY
            assert unlinked.expiring_flagged_on is None

            # Taken off the meeting (or the meeting brought forward): no longer expiring.
            Application.objects.filter(pk=application.pk).update(meeting_date=TODAY + timedelta(days=80))
            jobs.evidence_sweep_staleness(as_of=TODAY + timedelta(days=1))
            linked.refresh_from_db()
            assert linked.expiring_flagged_on is None

    def test_a_closed_application_s_meeting_does_not_count(self, lead):
        linked = item(lead.school, TODAY + timedelta(days=90))
        application = complete_application(lead, evidence=linked)
        Application.objects.filter(pk=application.pk).update(
            state=Application.State.WITHDRAWN, meeting_date=TODAY + timedelta(days=100)
        )
        jobs.evidence_sweep_staleness(as_of=TODAY)
        linked.refresh_from_db()
        assert linked.expiring_flagged_on is None

    def test_an_edited_item_loses_its_flags_and_is_judged_again(self, lead):
        with at(TODAY):
            edited = item(lead.school, TODAY + timedelta(days=30))
            jobs.evidence_sweep_staleness(as_of=TODAY)
            edited.refresh_from_db()
            assert edited.expiring_flagged_on == TODAY
            services.evidence_update(
                item=edited,
                actor=lead.user,
                title=edited.title,
                description="",
                produced_on=TODAY - timedelta(days=10),
                impact="Still used",
                criteria=[],
            )
            jobs.evidence_sweep_staleness(as_of=TODAY)
            edited.refresh_from_db()
            assert edited.expiring_flagged_on is None and edited.stale_since is None

    def test_a_date_changed_outside_the_services_is_unflagged_by_the_sweep(self, lead):
        moved = item(lead.school, TODAY + timedelta(days=30))
        jobs.evidence_sweep_staleness(as_of=TODAY)
        EvidenceItem.objects.filter(pk=moved.pk).update(stale_from=TODAY + timedelta(days=300))
        result = jobs.evidence_sweep_staleness(as_of=TODAY)
        moved.refresh_from_db()
        assert result.expiring_changed == 1 and moved.expiring_flagged_on is None


class TestDigest:
    def test_one_digest_per_school_listing_what_changed_and_not_twice(self, lead, django_capture_on_commit_callbacks):
        other = LeadFactory(school__name="Brook Academy", user__email="lead@brook.example.org")
        MembershipFactory(school=lead.school, user__email="teacher@hillside.example.org")
        item(lead.school, TODAY - timedelta(days=2), title="Anti-bullying policy 2024")
        item(lead.school, TODAY, title="Pupil survey")
        item(lead.school, TODAY + timedelta(days=20), title="Staff training log")
        item(other.school, TODAY + timedelta(days=45), title="Peer mentors' rota")
        item(lead.school, TODAY + timedelta(days=200), title="Not yet")

        with at(TODAY):
            outcome = run_nightly(django_capture_on_commit_callbacks)
            again = run_nightly(django_capture_on_commit_callbacks)  # beat fired twice / a retry

        assert outcome == {"newly_stale": 2, "expiring_changed": 2, "digests": 2}
        assert again == {"newly_stale": 0, "expiring_changed": 0, "digests": 0}
        mine = digests_to("lead@hillside.example.org")
        assert len(mine) == 1 and len(digests_to("lead@brook.example.org")) == 1
        assert mine[0].to == ["lead@hillside.example.org"]  # the lead only, not the contributor
        assert (
            mine[0].subject == "Evidence update for Hillside Primary: 2 items now out of date, 1 going out of date soon"
        )
        body = mine[0].body
        assert "Anti-bullying policy 2024 (out of date since 8 March 2027)" in body
        assert "Pupil survey (out of date since 10 March 2027)" in body
        assert "Staff training log (out of date on 30 March 2027)" in body
        assert "Not yet" not in body and "Peer mentors" not in body
        assert f"/portfolio/schools/{lead.school.pk}/evidence/" in body
        digest = EvidenceDigest.objects.get(school=lead.school)
        assert digest.digest_date == TODAY and len(digest.stale_ids) == 2 and len(digest.expiring_ids) == 1
        assert digest.sent_to == ["lead@hillside.example.org"]
        assert AuditEvent.objects.filter(action="evidence.digest_sent", target_id=str(lead.school.pk)).count() == 1

    def test_nothing_changed_means_no_email(self, lead, django_capture_on_commit_callbacks):
        item(lead.school, TODAY + timedelta(days=300))
        with at(TODAY):
            assert run_nightly(django_capture_on_commit_callbacks)["digests"] == 0
        assert mail.outbox == [] and not EvidenceDigest.objects.exists()

    def test_next_nights_list_only_what_is_new(self, lead, django_capture_on_commit_callbacks):
        item(lead.school, TODAY, title="First to go")
        item(lead.school, TODAY + timedelta(days=62), title="Later")
        with at(TODAY):
            run_nightly(django_capture_on_commit_callbacks)
        with at(TODAY + timedelta(days=1)):
            run_nightly(django_capture_on_commit_callbacks)  # nothing new
        with at(TODAY + timedelta(days=2)):
            run_nightly(django_capture_on_commit_callbacks)  # "Later" is now within 60 days

        sent = digests_to("lead@hillside.example.org")
        assert len(sent) == 2
        assert "First to go" in sent[0].body and "Later" not in sent[0].body
        assert "Later" in sent[1].body and "First to go" not in sent[1].body
        assert list(EvidenceDigest.objects.values_list("digest_date", flat=True)) == [
            TODAY + timedelta(days=2),
            TODAY,
        ]

    def test_after_missed_nights_one_digest_covers_them_all(self, lead, django_capture_on_commit_callbacks):
        item(lead.school, TODAY - timedelta(days=30), title="Reported before")
        with at(TODAY - timedelta(days=30)):
            run_nightly(django_capture_on_commit_callbacks)
        for days in (1, 4, 7):
            item(lead.school, TODAY - timedelta(days=days), title=f"Missed {days}")
        with at(TODAY):  # beat was down for a month
            run_nightly(django_capture_on_commit_callbacks)
        sent = digests_to("lead@hillside.example.org")
        assert len(sent) == 2
        assert all(f"Missed {d}" in sent[1].body for d in (1, 4, 7))
        assert "Reported before" not in sent[1].body
        assert "3 items now out of date" in sent[1].subject

    def test_a_school_without_a_lead_gets_its_digest_once_it_has_one(self, django_capture_on_commit_callbacks):
        school = SchoolFactory(name="Leaderless Infants")
        item(school, TODAY, title="Old minutes")
        with at(TODAY):
            run_nightly(django_capture_on_commit_callbacks)
        assert not EvidenceDigest.objects.exists() and mail.outbox == []
        LeadFactory(school=school, user__email="new.lead@leaderless.example.org")
        with at(TODAY + timedelta(days=1)):
            run_nightly(django_capture_on_commit_callbacks)
        sent = digests_to("new.lead@leaderless.example.org")
        assert len(sent) == 1 and "Old minutes" in sent[0].body

    def test_a_long_list_is_cut_short(self, lead, django_capture_on_commit_callbacks):
        EvidenceItem.objects.bulk_create(
            EvidenceItem(
                school=lead.school,
                kind="link",
                url="https://example.org",
                title=f"Item {n:03}",
                impact="-",
                produced_on=produced_for(TODAY),
                stale_from=TODAY,
            )
            for n in range(jobs.DIGEST_LIST_LIMIT + 7)
        )
        with at(TODAY):
            run_nightly(django_capture_on_commit_callbacks)
        (sent,) = digests_to("lead@hillside.example.org")
        assert "- and 7 more" in sent.body and "Item 049" in sent.body and "Item 050" not in sent.body

    def test_expiring_before_the_meeting_says_so(self, lead, django_capture_on_commit_callbacks):
        with at(TODAY):
            linked = item(lead.school, TODAY + timedelta(days=90), title="Governors' minutes")
            application = complete_application(lead, evidence=linked)
        Application.objects.filter(pk=application.pk).update(
            state=Application.State.SCHEDULED, meeting_date=TODAY + timedelta(days=100)
        )
        with at(TODAY):
            run_nightly(django_capture_on_commit_callbacks)
        (sent,) = digests_to("lead@hillside.example.org")
        assert "before the validating group meeting on 18 June 2027" in sent.body
        assert "Governors' minutes (out of date on 8 June 2027, before your meeting)" in sent.body


class TestTasks:
    def test_a_digest_for_a_deleted_school_logs_and_returns(self, caplog):
        school = SchoolFactory()
        school_id = school.pk
        School.objects.filter(pk=school_id).delete()
        with caplog.at_level(logging.WARNING, logger="portfolios.tasks"):
            result = tasks.send_evidence_digest.apply(kwargs={"school_id": school_id, "as_of": "2027-03-10"})
        assert result.successful() and result.result is None
        assert f"school {school_id} no longer exists" in caplog.text
        assert not OutboxMessage.objects.exists()

    def test_the_nightly_job_is_scheduled_at_02_15_london_time(self):
        job = PeriodicTask.objects.get(task="portfolios.tasks.sweep_stale_evidence")
        assert job.enabled and (job.crontab.hour, job.crontab.minute) == ("2", "15")
        assert str(job.crontab.timezone) == "Europe/London"

    def test_run_periodic_jobs_runs_it_by_hand(self, lead, capsys, django_capture_on_commit_callbacks):
        item(lead.school, TODAY)
        job = PeriodicTask.objects.get(task="portfolios.tasks.sweep_stale_evidence")
        with at(TODAY), django_capture_on_commit_callbacks(execute=True):
            call_command("run_periodic_jobs", job.name)
        assert "'digests': 1" in capsys.readouterr().out
        assert len(digests_to("lead@hillside.example.org")) == 1


class TestSubmissionAndValidators:
    def test_stale_linked_evidence_blocks_submission_and_validators_see_the_flags(self, lead):
        with at(TODAY):
            old = item(lead.school, TODAY + timedelta(days=5), title="Old policy")
            application = complete_application(lead, evidence=old)
            assert selectors.submission_problems(application, user=lead.user, check_declarations=False) == []
        with at(TODAY + timedelta(days=5)):
            problems = selectors.submission_problems(application, user=lead.user, check_declarations=False)
            assert any("evidence more than 3 years old" in p.message for p in problems)
            jobs.evidence_sweep_staleness(as_of=TODAY + timedelta(days=5))
            (flag,) = selectors.evidence_flags_for_application(application)
        assert flag.item == old and flag.stale and flag.label == "Out of date since 15 March 2027"

    def test_flags_for_an_application_listed_for_a_meeting(self, lead):
        with at(TODAY):
            soon = item(lead.school, TODAY + timedelta(days=40), title="Soon")
            by_meeting = item(lead.school, TODAY + timedelta(days=90), title="By meeting")
            fine = item(lead.school, TODAY + timedelta(days=400), title="Fine")
            application = complete_application(lead, evidence=soon)
            for response in application.responses.all():
                response.evidence.add(by_meeting, fine)
            Application.objects.filter(pk=application.pk).update(meeting_date=TODAY + timedelta(days=100))
            application.refresh_from_db()
            jobs.evidence_sweep_staleness(as_of=TODAY)
            flags = {f.item.title: f for f in selectors.evidence_flags_for_application(application)}
        assert flags["Soon"].expiring and flags["Soon"].label == "Out of date before the meeting (19 April 2027)"
        assert flags["By meeting"].stale_by_meeting and not flags["By meeting"].stale
        assert flags["Fine"].label == ""


@pytest.mark.worker
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_one_digest_when_the_nightly_task_is_delivered_twice(celery_worker_process):
    """Beat (or a redelivery after a lost acknowledgement) hands the worker the nightly task twice."""
    import time as clock

    from django.utils import timezone

    lead = LeadFactory(school__name="Hillside Primary", user__email="lead@hillside.example.org")
    today = timezone.localdate()
    item(lead.school, today - timedelta(days=1), title="Old policy")
    item(lead.school, today + timedelta(days=10), title="Survey going out of date")

    tasks.sweep_stale_evidence.delay()
    tasks.sweep_stale_evidence.delay()
    celery_worker_process.start()

    worker_log = celery_worker_process.processes[0].log
    deadline = clock.monotonic() + 120
    while not OutboxMessage.objects.filter(template="evidence_digest", status="sent").exists():
        assert clock.monotonic() < deadline, "the digest was never delivered:\n" + "".join(worker_log)
        clock.sleep(0.2)
    while sum("send_evidence_digest[" in line and "succeeded" in line for line in worker_log) < 2:
        assert clock.monotonic() < deadline, "the second delivery never ran:\n" + "".join(worker_log)
        clock.sleep(0.2)
    assert sum("sweep_stale_evidence[" in line and "succeeded" in line for line in worker_log) == 2

    assert EvidenceDigest.objects.count() == 1
    assert OutboxMessage.objects.filter(template="evidence_digest").count() == 1
    (sent,) = celery_worker_process.sent_messages()
    text = sent.read_text()
    assert "lead@hillside.example.org" in text and "Old policy" in text and "Survey going out of date" in text
    assert EvidenceItem.objects.filter(stale_since__isnull=False).count() == 1
