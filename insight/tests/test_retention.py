"""Evidence retention: which applications are due, what is removed and what never is, the pages."""

import datetime
import logging

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.files.storage import default_storage
from django.urls import reverse

from accreditation.models import AuditEvent
from accreditation.tests.factories import AdminFactory, UserFactory
from accreditation.tests.helpers import login
from insight import retention
from insight.tasks import apply_evidence_retention
from portfolios import retention as evidence_retention
from portfolios.dates import add_years
from portfolios.models import Application, EvidenceItem, RetentionSchedule
from schools.tests.factories import SchoolFactory
from validation.models import Award, Decision

from .insight_data import application, decided, stored_evidence

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 1, 15)


def test_latest_start_agrees_with_add_years_every_day_across_leap_years():
    day = datetime.date(2026, 1, 1)
    while day < datetime.date(2030, 12, 31):
        for years in (1, 3):
            start = retention.latest_start(day, years)
            assert add_years(start, years) <= day
            assert add_years(start + datetime.timedelta(days=1), years) > day
        day += datetime.timedelta(days=1)


def test_default_schedule_is_three_years_and_switched_on():
    schedule = evidence_retention.schedule_get()
    assert (schedule.years_after_award_expiry, schedule.years_after_decision, schedule.is_active) == (3, 3, True)
    assert RetentionSchedule.objects.count() == 1


def test_applications_due_counts_from_award_expiry_and_from_a_decision_not_to_accredit():
    # Awarded 1 Jan 2021, expired 1 Jan 2024: due from 1 Jan 2027. Awarded 1 Feb 2021: due 1 Feb 2027.
    due_award, _, _ = decided(meeting_date=datetime.date(2021, 1, 1), award_status=Award.Status.LAPSED)
    not_yet, _, _ = decided(meeting_date=datetime.date(2021, 2, 1), award_status=Award.Status.LAPSED)
    refused, _, _ = decided(meeting_date=datetime.date(2024, 1, 10), outcome=Decision.Outcome.NOT_ACCREDITED)
    refused_late, _, _ = decided(meeting_date=datetime.date(2024, 1, 20), outcome=Decision.Outcome.NOT_ACCREDITED)
    current, _, _ = decided(meeting_date=datetime.date(2025, 1, 1))

    due = retention.applications_due(as_of=TODAY)

    assert due_award.pk in due and refused.pk in due
    assert not_yet.pk not in due and refused_late.pk not in due and current.pk not in due


def test_a_shorter_or_longer_schedule_moves_the_dates():
    app, _, _ = decided(meeting_date=datetime.date(2022, 6, 1), award_status=Award.Status.LAPSED)  # expired 2025
    assert app.pk not in retention.applications_due(as_of=TODAY)
    RetentionSchedule.objects.filter(pk=1).update(years_after_award_expiry=1)
    assert app.pk in retention.applications_due(as_of=TODAY)


def test_run_deletes_due_files_from_storage_and_marks_the_rows(caplog):
    school = SchoolFactory(name="Hillside Primary")
    app, _, _ = decided(school, meeting_date=datetime.date(2020, 6, 1), award_status=Award.Status.LAPSED)
    item = stored_evidence(school, applications=[app], content=b"x" * 1000)
    name = item.file.name
    library_only = stored_evidence(school)  # in no application: the schedule does not touch it
    assert default_storage.exists(name)

    with caplog.at_level(logging.INFO, logger="portfolios.retention"):
        result = retention.retention_run(as_of=TODAY)

    assert (result.files, result.bytes, result.schools) == (1, 1000, 1)
    assert not default_storage.exists(name)
    item.refresh_from_db()
    assert item.file.name == "" and item.file_removed_on == TODAY
    assert item.title == "Policy" and item.sha256 and item.size == 1000
    library_only.refresh_from_db()
    assert library_only.file and default_storage.exists(library_only.file.name)
    # The log and the audit entry carry counts, ids and sizes, no names.
    assert "Hillside" not in caplog.text and "policy.pdf" not in caplog.text and str(item.pk) in caplog.text
    event = AuditEvent.objects.get(action="retention.files_removed")
    assert event.data["evidence_ids"] == [item.pk] and event.data["bytes"] == 1000
    assert "Hillside" not in str(event.data) + event.summary
    # Decision, award and application are kept.
    assert Decision.objects.filter(application=app).exists() and Award.objects.filter(application=app).exists()


def test_run_is_idempotent():
    school = SchoolFactory()
    app, _, _ = decided(school, meeting_date=datetime.date(2020, 6, 1), award_status=Award.Status.LAPSED)
    stored_evidence(school, applications=[app])
    assert retention.retention_run(as_of=TODAY).files == 1
    again = retention.retention_run(as_of=TODAY)
    assert again.files == 0
    assert AuditEvent.objects.filter(action="retention.files_removed").count() == 1


def test_run_works_in_bounded_batches():
    school = SchoolFactory()
    app, _, _ = decided(school, meeting_date=datetime.date(2020, 6, 1), award_status=Award.Status.LAPSED)
    items = [stored_evidence(school, applications=[app]) for _ in range(5)]
    ids = retention.applications_due(as_of=TODAY)
    result = evidence_retention.evidence_remove_files_for_applications(application_ids=ids, as_of=TODAY, batch_size=2)
    assert result.files == 5
    assert EvidenceItem.objects.filter(pk__in=[i.pk for i in items], file_removed_on=TODAY).count() == 5


def test_evidence_also_used_by_an_open_or_current_application_is_never_removed():
    school = SchoolFactory()
    old, _, _ = decided(school, meeting_date=datetime.date(2020, 6, 1), award_status=Award.Status.SUPERSEDED)
    renewal, _, _ = decided(school, meeting_date=datetime.date(2025, 6, 1))  # current award
    other = SchoolFactory()
    old_other, _, _ = decided(other, meeting_date=datetime.date(2020, 6, 1), award_status=Award.Status.LAPSED)
    draft = application(other, Application.State.DRAFT)
    kept_for_award = stored_evidence(school, applications=[old, renewal])
    kept_for_draft = stored_evidence(other, applications=[old_other, draft])

    result = retention.retention_run(as_of=TODAY)

    assert result.files == 0
    for item in (kept_for_award, kept_for_draft):
        item.refresh_from_db()
        assert item.file and default_storage.exists(item.file.name) and item.file_removed_on is None


def test_portfolios_refuses_open_applications_even_when_passed_in():
    school = SchoolFactory()
    open_app = application(school, Application.State.FURTHER_INFORMATION)
    item = stored_evidence(school, applications=[open_app])
    result = evidence_retention.evidence_remove_files_for_applications(application_ids=[open_app.pk], as_of=TODAY)
    assert result.files == 0
    item.refresh_from_db()
    assert item.file


def test_a_switched_off_schedule_removes_nothing_on_its_own_but_run_now_does():
    school = SchoolFactory()
    app, _, _ = decided(school, meeting_date=datetime.date(2020, 6, 1), award_status=Award.Status.LAPSED)
    stored_evidence(school, applications=[app])
    RetentionSchedule.objects.filter(pk=1).update(is_active=False)
    assert apply_evidence_retention(as_of=TODAY.isoformat()) is None
    assert EvidenceItem.objects.filter(file_removed_on__isnull=False).count() == 0
    assert retention.retention_run(as_of=TODAY, force=True).files == 1


def test_the_task_runs_the_schedule():
    school = SchoolFactory()
    app, _, _ = decided(school, meeting_date=datetime.date(2020, 6, 1), award_status=Award.Status.LAPSED)
    stored_evidence(school, applications=[app], content=b"abc")
    assert apply_evidence_retention.delay(as_of=TODAY.isoformat()).get() == {"files": 1, "bytes": 3, "failed": 0}


def test_evidence_files_are_deleted_by_the_nightly_retention_sweep_not_a_job_of_their_own():
    from django_celery_beat.models import PeriodicTask

    sweep = PeriodicTask.objects.get(task="insight.retention_sweep")
    assert sweep.enabled and (sweep.crontab.hour, sweep.crontab.day_of_week) == ("3", "*")
    assert not PeriodicTask.objects.filter(task="validation.tasks.apply_evidence_retention").exists()


def test_schedule_update_refuses_zero_and_negative_periods():
    admin = AdminFactory()
    for bad in (0, -1):
        with pytest.raises(Exception) as refused:
            evidence_retention.schedule_update(
                actor=admin, years_after_award_expiry=bad, years_after_decision=3, is_active=True
            )
        assert "at least 1 year" in str(refused.value)
    assert evidence_retention.schedule_get().years_after_award_expiry == 3


# Pages -----------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    login(client, AdminFactory())
    return client


def test_preview_lists_counts_and_sizes_by_school_without_removing_anything():
    school = SchoolFactory(name="Hillside Primary", urn=123456)
    app, _, _ = decided(school, meeting_date=datetime.date(2020, 6, 1), award_status=Award.Status.LAPSED)
    stored_evidence(school, applications=[app], content=b"x" * 2048)
    stored_evidence(school, applications=[app], content=b"y" * 2048)
    with time_machine.travel(datetime.datetime(2027, 1, 15, 12, tzinfo=datetime.UTC), tick=True):
        from django.test import Client

        client = Client()
        login(client, AdminFactory())
        response = client.get(reverse("insight:retention_preview"))
    html = response.content.decode()
    assert "Hillside Primary" in html and "123456" in html
    assert "2 files, 4.0\xa0KB" in html
    assert "Delete these 2 files now" in html
    assert EvidenceItem.objects.filter(file_removed_on__isnull=True).count() == 2


def test_preview_for_a_later_date_shows_what_will_be_due_then(admin_client):
    school = SchoolFactory(name="Later School")
    app, _, _ = decided(school, meeting_date=datetime.date.today() - relativedelta(years=6))
    Award.objects.filter(application=app).update(status=Award.Status.LAPSED)
    stored_evidence(school, applications=[app])
    later = datetime.date.today() + datetime.timedelta(days=400)
    html = admin_client.get(reverse("insight:retention_preview"), {"as_of": later.isoformat()}).content.decode()
    assert "Later School" in html
    assert "Delete these" not in html  # only today's preview can be run


def test_preview_for_a_date_in_the_past_is_refused(admin_client):
    response = admin_client.get(reverse("insight:retention_preview"), {"as_of": "2020-01-01"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html and "The preview date must be today or in the future" in html


def test_preview_with_a_nonsense_date_is_refused(admin_client):
    response = admin_client.get(reverse("insight:retention_preview"), {"as_of": "next tuesday"})
    assert response.status_code == 400
    assert "Enter the date as a real date" in response.content.decode()


def test_run_now_deletes_and_says_how_many(admin_client):
    school = SchoolFactory()
    app, _, _ = decided(school, meeting_date=datetime.date(2019, 6, 1), award_status=Award.Status.LAPSED)
    item = stored_evidence(school, applications=[app])
    assert admin_client.get(reverse("insight:retention_run")).status_code == 405
    response = admin_client.post(reverse("insight:retention_run"), follow=True)
    assert "1 evidence file deleted" in response.content.decode()
    item.refresh_from_db()
    assert item.file_removed_on is not None


def test_admin_changes_the_schedule_and_it_is_audited(admin_client):
    response = admin_client.post(
        reverse("insight:retention_schedule"),
        {"years_after_award_expiry": "5", "years_after_decision": "2", "is_active": ""},
    )
    assert response.status_code == 302
    schedule = evidence_retention.schedule_get()
    assert (schedule.years_after_award_expiry, schedule.years_after_decision, schedule.is_active) == (5, 2, False)
    event = AuditEvent.objects.get(action="retention.schedule_changed")
    assert (
        event.data["before"]["years_after_award_expiry"] == 3 and event.data["after"]["years_after_award_expiry"] == 5
    )


@pytest.mark.parametrize(
    "value, message",
    [
        ("0", "Enter a period of at least 1 year"),
        ("-2", "Enter a period of at least 1 year"),
        ("", "Enter a number of years"),
        ("three", "Enter a whole number of years"),
        ("51", "Enter a period of 50 years or fewer"),
    ],
)
def test_schedule_form_refuses_bad_periods_and_keeps_the_schedule(admin_client, value, message):
    response = admin_client.post(
        reverse("insight:retention_schedule"),
        {"years_after_award_expiry": value, "years_after_decision": "3", "is_active": "on"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and message in html
    assert evidence_retention.schedule_get().years_after_award_expiry == 3


def test_retention_pages_are_for_hw_admins_only(client):
    login(client, UserFactory())
    for name in ("insight:retention_preview", "insight:retention_schedule"):
        assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse("insight:retention_run")).status_code == 403
