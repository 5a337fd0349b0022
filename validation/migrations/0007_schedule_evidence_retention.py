from django.db import migrations

from accreditation.schedules import ensure_periodic_task, remove_periodic_task

RETENTION = "Delete evidence files past the retention schedule"


def schedule(apps, schema_editor):
    # The schedule row itself is portfolios' (created by portfolios/0005); make sure it is there.
    apps.get_model("portfolios", "RetentionSchedule").objects.get_or_create(pk=1)
    ensure_periodic_task(
        apps,
        name=RETENTION,
        task="validation.tasks.apply_evidence_retention",
        crontab=("30", "3", "0"),
        description="Sundays at 03:30 (Europe/London): deletes from storage the evidence files of decided "
        "applications past the retention schedule admins set (default 3 years after the award expires, or "
        "after a decision not to accredit); the evidence rows stay, marked as removed.",
    )


def unschedule(apps, schema_editor):
    remove_periodic_task(apps, name=RETENTION)


class Migration(migrations.Migration):
    dependencies = [
        ("validation", "0006_schedule_draft_reminders_and_weekly_digest"),
        ("portfolios", "0005_evidence_retention_schedule"),
        ("accreditation", "0004_sent_notice"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
