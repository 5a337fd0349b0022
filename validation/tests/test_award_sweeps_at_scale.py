"""The award sweeps stay set-based (issue 20): the lapse writes the same audit entries on every
database (one statement on PostgreSQL), and the reminder sweep only queues awards whose latest
stage is still unsent, in a number of queries that does not grow with the awards."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accreditation.models import AuditEvent, SentNotice
from schools.tests.factories import SchoolFactory
from validation import awards_jobs
from validation.models import Award

from .helpers import grant

pytestmark = pytest.mark.django_db

# 31 August: six months before is 28 February (29 in a leap year), the month's-end rule.
AWARDED = date(2026, 8, 31)
EXPIRES = date(2029, 8, 31)


def test_lapse_writes_each_award_its_audit_entry_with_the_labels_the_orm_writes():
    awards = [grant(SchoolFactory(name=f"Oak {n} Primary School"), AWARDED + timedelta(days=n)) for n in range(3)]
    later = grant(SchoolFactory(), AWARDED + timedelta(days=400))  # not expired yet

    assert awards_jobs.awards_lapse(as_of=EXPIRES + timedelta(days=5)) == 3

    for award in awards:
        award.refresh_from_db()
        assert award.status == Award.Status.LAPSED and award.status_changed_at is not None
        entry = AuditEvent.objects.get(action="award.lapsed", target_id=str(award.pk))
        assert entry.target_type == "validation.award"
        assert entry.target_label == str(award)
        assert entry.summary == f"{award.school.name}: expired {award.expires_on:%-d %B %Y}"
        assert entry.actor_id is None and entry.data == {}
    later.refresh_from_db()
    assert later.status == Award.Status.CURRENT
    assert awards_jobs.awards_lapse(as_of=EXPIRES + timedelta(days=5)) == 0  # again: nothing
    assert AuditEvent.objects.filter(action="award.lapsed").count() == 3


def test_the_lapse_statement_writes_every_audit_column():
    """The PostgreSQL statement lists the audit table's columns by hand: a column added to
    AuditEvent must be added there too (this fails until it is)."""
    columns = {f.column for f in AuditEvent._meta.concrete_fields if not f.primary_key}
    listed = awards_jobs._LAPSE_SQL.split("INSERT INTO accreditation_auditevent", 1)[1].split(")", 1)[0]
    assert columns == {c.strip(" (\n") for c in listed.split(",")}


def test_reminder_sweep_queues_only_awards_whose_latest_stage_is_unsent():
    first, second = grant(SchoolFactory(), AWARDED), grant(SchoolFactory(), AWARDED + timedelta(days=1))
    six_months_before = date(2029, 2, 28)
    # The 31 August award's six-month day is 28 February by the sender's own rule.
    assert awards_jobs.due_stages(first.expires_on, six_months_before)[-1].key == "6m"
    assert first.pk in awards_jobs.awards_needing_a_reminder(as_of=date(2029, 3, 2))
    SentNotice.objects.create(kind=awards_jobs.AWARD_EXPIRY_KIND, key=f"{first.pk}:6m")

    assert awards_jobs.awards_needing_a_reminder(as_of=date(2029, 3, 2)) == [second.pk]
    # Three months before, the first is due again (a new stage).
    assert awards_jobs.awards_needing_a_reminder(as_of=date(2029, 6, 1)) == [first.pk, second.pk]


@pytest.mark.parametrize("size", [2, 9])
def test_reminder_sweep_queries_do_not_grow_with_the_awards(size):
    for n in range(size):
        grant(SchoolFactory(), AWARDED + timedelta(days=n))
    with CaptureQueriesContext(connection) as queries:
        due = awards_jobs.awards_needing_a_reminder(as_of=date(2029, 6, 1))
    assert len(due) == size
    assert len(queries) <= 2  # one on PostgreSQL


def test_reminder_sweep_agrees_with_the_sender_on_every_day_around_month_ends():
    """Whatever the database, the awards queued are those whose latest due stage (by due_stages,
    the sender's rule) is unrecorded: checked day by day across month ends and a leap day."""
    awards = [grant(SchoolFactory(), date(2025, 8, 28) + timedelta(days=n)) for n in range(5)]  # 28 Aug - 1 Sep
    SentNotice.objects.create(kind=awards_jobs.AWARD_EXPIRY_KIND, key=f"{awards[3].pk}:6m")
    SentNotice.objects.create(kind=awards_jobs.AWARD_EXPIRY_KIND, key=f"{awards[4].pk}:3m")
    for day in [date(2028, 2, 25) + timedelta(days=n) for n in range(8)] + [date(2028, 5, 30), date(2028, 7, 31)]:
        expected = []
        for award in sorted(awards, key=lambda a: (a.expires_on, a.pk)):
            stages = awards_jobs.due_stages(award.expires_on, day)
            recorded = SentNotice.objects.filter(key=f"{award.pk}:{stages[-1].key}").exists() if stages else True
            if not recorded:
                expected.append(award.pk)
        assert awards_jobs.awards_needing_a_reminder(as_of=day) == expected, day
