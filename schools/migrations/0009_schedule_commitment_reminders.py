from django.db import migrations

from accreditation.schedules import ensure_periodic_task, remove_periodic_task

NAME = "Remind schools to confirm their commitments"


def schedule(apps, schema_editor):
    ensure_periodic_task(
        apps,
        name=NAME,
        task="schools.commitments.send_yearly_reminders",
        crontab=("40", "7", "*"),
        description="Emails each school whose anti-bullying commitments were confirmed a year ago or more (once "
        "per statement), asking it to confirm them again.",
    )


def unschedule(apps, schema_editor):
    remove_periodic_task(apps, name=NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0008_school_pupils_and_commitments"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
