from django.db import migrations

from accreditation.schedules import ensure_periodic_task, remove_periodic_task

SWEEP = "Apply the retention schedule to every kind of record"
# The weekly evidence-only job this sweep replaces (validation/0007); the sweep deletes evidence
# files too, by the same rules.
EVIDENCE_ONLY = "Delete evidence files past the retention schedule"


def schedule(apps, schema_editor):
    apps.get_model("insight", "RetentionLock").objects.get_or_create(pk=1)
    remove_periodic_task(apps, name=EVIDENCE_ONLY)
    ensure_periodic_task(
        apps,
        name=SWEEP,
        task="insight.retention_sweep",
        crontab=("30", "3", "*"),
        description="Daily at 03:30 (Europe/London): applies the retention schedule at /retention/records/ to "
        "every kind of record (evidence files, letters, accounts of people who left, email copies, sign-in "
        "records, sessions, refused registrations, the audit trail), deleting or anonymising what is past its "
        "period; logs counts only.",
    )


def unschedule(apps, schema_editor):
    remove_periodic_task(apps, name=SWEEP)
    ensure_periodic_task(
        apps,
        name=EVIDENCE_ONLY,
        task="insight.tasks.apply_evidence_retention",
        crontab=("30", "3", "0"),
        description="Sundays at 03:30 (Europe/London): deletes evidence files past the retention schedule.",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("insight", "0001_retention_periods_runs_and_lock"),
        ("validation", "0008_schedule_award_expiry_and_agenda_packs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
