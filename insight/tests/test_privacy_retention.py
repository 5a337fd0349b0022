"""The retention schedule for every kind of record: each kind seeded at the right ages with the
clock pinned, exactly the expired records go (files included), bounds, preview, the run log."""

import csv
import datetime
import io
import json
import zoneinfo

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from accreditation import audit
from accreditation.errors import Refusal
from accreditation.models import AuditEvent, OutboxMessage, User, UserSession
from accreditation.tests.factories import AdminFactory, UserFactory
from accreditation.tests.helpers import login
from insight.models import RetentionPeriod, RetentionRun
from insight.privacy import schedule
from insight.tests.insight_data import decided
from schools.models import Registration
from schools.tests.factories import RegistrationFactory
from validation.models import Award, Decision
from validation.tests.factories import GroupMemberFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
NOW = datetime.datetime(2027, 3, 15, 12, 0, tzinfo=LONDON)


def at(**ago):
    return NOW - datetime.timedelta(**ago)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def outbox(created, status=OutboxMessage.Status.SENT, to=("someone@example.org",)):
    return OutboxMessage.objects.create(
        created_at=created, template="t", to=list(to), subject="Hello", body_text="Dear Sam", status=status
    )


def test_outbox_copies_go_after_90_days_but_pending_mail_never(clock):
    old = outbox(at(days=91))
    young = outbox(at(days=89))
    waiting = outbox(at(days=200), status=OutboxMessage.Status.PENDING)

    run = schedule.sweep()

    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {young.pk, waiting.pk}
    assert run.counts["outbox"] == 1 and not OutboxMessage.objects.filter(pk=old.pk).exists()


def test_sign_in_attempts_and_lockouts_go_after_90_days(clock):
    old = AccessAttempt.objects.create(username="a@example.org", ip_address="10.0.0.1", failures_since_start=1)
    AccessAttempt.objects.filter(pk=old.pk).update(attempt_time=at(days=91))
    young = AccessAttempt.objects.create(username="b@example.org", ip_address="10.0.0.2", failures_since_start=1)
    AccessAttempt.objects.filter(pk=young.pk).update(attempt_time=at(days=89))
    log = AccessFailureLog.objects.create(username="a@example.org", ip_address="10.0.0.1", locked_out=True)
    AccessFailureLog.objects.filter(pk=log.pk).update(attempt_time=at(days=100))

    run = schedule.sweep()

    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [young.pk]
    assert not AccessFailureLog.objects.exists()
    assert run.counts["sign-in-attempts"] == 2


def test_expired_sessions_and_their_records_go_live_ones_stay(clock):
    user = UserFactory()
    live = SessionStore()
    live.create()
    dead = SessionStore()
    dead.create()
    Session.objects.filter(session_key=dead.session_key).update(expire_date=at(minutes=1))
    UserSession.objects.create(user=user, session_key=live.session_key)
    UserSession.objects.create(user=user, session_key=dead.session_key)

    schedule.sweep()

    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_refused_registrations_go_after_12_months_others_stay(clock):
    old = RegistrationFactory(status=Registration.Status.REJECTED, decided_at=at(days=370))
    young = RegistrationFactory(status=Registration.Status.REJECTED, decided_at=at(days=330))
    pending = RegistrationFactory(submitted_at=at(days=800))

    run = schedule.sweep()

    assert set(Registration.objects.values_list("pk", flat=True)) == {young.pk, pending.pk}
    assert run.counts["refused-registrations"] == 1 and not Registration.objects.filter(pk=old.pk).exists()


def test_a_deactivated_account_is_anonymised_12_months_after_it_was_first_seen_off(clock):
    person = UserFactory(email="sam.leaver@school.example.org", first_name="Sam", last_name="Leaver")
    audit.record(actor=person, action="evidence.added", summary="Sam Leaver added a policy")
    person.is_active = False
    person.save()

    schedule.sweep()  # stamps the day it was first seen deactivated
    person.refresh_from_db()
    assert person.deactivated_at == NOW and person.anonymised_at is None

    clock.move_to(NOW + datetime.timedelta(days=364))
    schedule.sweep()
    person.refresh_from_db()
    assert person.email == "sam.leaver@school.example.org"

    clock.move_to(NOW + datetime.timedelta(days=366))
    run = schedule.sweep()
    person.refresh_from_db()
    assert run.counts["deactivated-accounts"] == 1
    assert person.get_full_name() == "Former staff member" and person.email.endswith("@anonymised.invalid")
    assert not person.has_usable_password() and person.anonymised_at is not None
    event = AuditEvent.objects.get(action="evidence.added")
    assert event.actor_id == person.pk and event.actor_label == "Former staff member"
    assert "Sam Leaver" not in event.summary and "Former staff member" in event.summary


def test_a_validator_is_anonymised_as_a_member_of_the_validating_group(clock):
    member = GroupMemberFactory()
    User.objects.filter(pk=member.user_id).update(is_active=False, deactivated_at=at(days=400))

    schedule.sweep()

    member.user.refresh_from_db()
    assert member.user.get_full_name() == "A member of the validating group"


def test_audit_events_go_after_six_years_unless_tied_to_a_current_award(clock):
    _, decision, award = decided(meeting_date=datetime.date(2026, 1, 14))
    old = AuditEvent.objects.create(action="x.old", created_at=at(days=6 * 366))
    kept_for_award = AuditEvent.objects.create(
        action="award.granted", target_type="validation.award", target_id=str(award.pk), created_at=at(days=6 * 366)
    )
    kept_for_decision = AuditEvent.objects.create(
        action="decision.recorded",
        target_type="validation.decision",
        target_id=str(decision.pk),
        created_at=at(days=6 * 366),
    )
    young = AuditEvent.objects.create(action="x.young", created_at=at(days=6 * 365 - 10))

    schedule.sweep()

    remaining = set(AuditEvent.objects.values_list("pk", flat=True))
    assert old.pk not in remaining
    assert {kept_for_award.pk, kept_for_decision.pk, young.pk} <= remaining


def test_letters_go_from_storage_with_the_evidence_of_their_application(clock, django_capture_on_commit_callbacks):
    # Awarded January 2020, expired January 2023: 3 years later (January 2026) its files are due.
    _, decision, _ = decided(meeting_date=datetime.date(2020, 1, 15), award_status=Award.Status.LAPSED)
    path = default_storage.save("letters/old.pdf", ContentFile(b"%PDF-1.4 letter"))
    Decision.objects.filter(pk=decision.pk).update(letter_file=path)
    _, current_decision, _ = decided(meeting_date=datetime.date(2026, 1, 14))
    kept_path = default_storage.save("letters/current.pdf", ContentFile(b"%PDF-1.4 letter"))
    Decision.objects.filter(pk=current_decision.pk).update(letter_file=kept_path)

    with django_capture_on_commit_callbacks(execute=True):  # files go once the sweep commits
        run = schedule.sweep()

    decision.refresh_from_db()
    assert decision.letter_file == "" and run.counts["letters"] == 1
    assert not default_storage.exists(path) and default_storage.exists(kept_path)


def test_the_sweep_is_idempotent_and_its_log_names_nobody(clock):
    outbox(at(days=120), to=("named.person@example.org",))
    RegistrationFactory(status=Registration.Status.REJECTED, decided_at=at(days=500), lead_name="Named Person")

    first = schedule.sweep()
    second = schedule.sweep()

    assert first.status == second.status == RetentionRun.Status.FINISHED
    assert sum(first.counts.values()) == 2 and sum(second.counts.values()) == 0
    logged = json.dumps(first.counts) + json.dumps(
        list(AuditEvent.objects.filter(action="retention.run").values("summary", "data"))
    )
    assert "named.person" not in logged and "Named Person" not in logged


def test_the_preview_counts_what_the_sweep_then_removes(clock):
    outbox(at(days=120))
    outbox(at(days=95))
    RegistrationFactory(status=Registration.Status.REJECTED, decided_at=at(days=500))

    counts = {row["kind"].key: row["count"] for row in schedule.preview()}
    run = schedule.sweep()

    assert counts["outbox"] == run.counts["outbox"] == 2
    assert counts["refused-registrations"] == run.counts["refused-registrations"] == 1
    assert counts["incident-returns"] is None  # kept: nothing is ever due


@pytest.mark.parametrize(
    ("kind", "amount", "message"),
    [
        ("audit-events", 35, "at least 36 months: the trail behind an award must last at least the award's life"),
        ("deactivated-accounts", 2, "at least 3 months"),
        ("outbox", 731, "at most 730 days"),
        ("sessions", 10, "fixed rule"),
        ("nonsense", 10, "fixed rule"),
    ],
)
def test_periods_outside_their_bounds_are_refused_with_the_reason(kind, amount, message):
    admin = AdminFactory()
    with pytest.raises(Refusal, match=message):
        schedule.period_update(kind_key=kind, amount=amount, by=admin)
    assert not RetentionPeriod.objects.exists()


def test_a_period_within_bounds_is_saved_audited_and_applied(clock):
    admin = AdminFactory()
    schedule.period_update(kind_key="outbox", amount=30, by=admin)
    old = outbox(at(days=31))

    schedule.sweep()

    assert not OutboxMessage.objects.filter(pk=old.pk).exists()
    event = AuditEvent.objects.get(action="retention.period_changed")
    assert event.data == {"kind": "outbox", "before": 90, "after": 30}


def test_the_retention_page_shows_every_kind_and_refuses_a_short_period_keeping_the_old(client, clock):
    admin = AdminFactory()
    login(client, admin)
    page = client.get(reverse("insight:retention_records")).content.decode()
    for kind in schedule.KINDS:
        assert kind.name in page

    response = client.post(reverse("insight:retention_period", args=["audit-events"]), {"audit-events-amount": "12"})

    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode() and "at least 36 months" in response.content.decode()
    assert schedule.periods()["audit-events"] == 72


def test_run_now_applies_the_schedule_and_logs_the_run(client, clock):
    outbox(at(days=120))
    login(client, AdminFactory())

    response = client.post(reverse("insight:retention_records_run"), follow=True)

    assert "1 record removed" in response.content.decode()
    assert RetentionRun.objects.get().trigger == "admin"
    assert not OutboxMessage.objects.exists()


def test_privacy_notice_lists_every_period_from_the_live_schedule(client, clock):
    schedule.period_update(kind_key="deactivated-accounts", amount=18, by=AdminFactory())

    page = client.get(reverse("insight:privacy")).content.decode()

    for row in schedule.schedule_rows():
        assert row["kind"].name in page
    assert "18 months after the account was deactivated" in page
    assert "90 days after the email was written" in page
    assert "Hertfordshire County Council" in page


def test_records_of_processing_csv_has_a_row_per_kind(client):
    login(client, AdminFactory())
    response = client.get(reverse("insight:records_of_processing"))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == [
        "Kind of data",
        "What it holds",
        "Purpose",
        "Legal basis",
        "Retention period",
        "Where it is stored",
    ]
    assert [row[0] for row in rows[1:]] == [kind.name for kind in schedule.KINDS]
    assert rows[1 + [k.key for k in schedule.KINDS].index("audit-events")][4].startswith("6 years after the event")


def test_the_retention_command_previews_then_applies(clock):
    from io import StringIO

    from django.core.management import call_command

    outbox(at(days=120))
    out = StringIO()
    call_command("retention", stdout=out)
    assert "Copies of emails the portal sent: 1 due" in out.getvalue() and OutboxMessage.objects.count() == 1
    call_command("retention", "--apply", stdout=out)
    assert "Finished: 1 removed" in out.getvalue() and OutboxMessage.objects.count() == 0
