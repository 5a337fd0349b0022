from django.db import migrations

from accreditation.schedules import ensure_periodic_task, remove_periodic_task

NAME = "Prune the school page change log"


def schedule(apps, schema_editor):
    ensure_periodic_task(
        apps,
        name=NAME,
        task="schools.prune_school_changes",
        crontab=("50", "3", "0"),
        description="Deletes every school change row older than that school's newest (a cached page's version is "
        "the newest), so the log stays one row per school plus the changes of the last week.",
    )


def unschedule(apps, schema_editor):
    remove_periodic_task(apps, name=NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0013_school_change_log"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
