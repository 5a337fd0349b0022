from django.db import migrations

from accreditation.schedules import ensure_periodic_task, remove_periodic_task

NAME = "Remind schools about termly incident returns"


def schedule(apps, schema_editor):
    ensure_periodic_task(
        apps,
        name=NAME,
        task="schools.tasks.send_return_reminders",
        crontab=("30", "7", "*"),
        description="Emails schools whose termly return is due within a week or overdue (once each), and sends "
        "the H&W team the list of late returns once a term is past its due date.",
    )


def unschedule(apps, schema_editor):
    remove_periodic_task(apps, name=NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0006_incident_types"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
