from django.db import migrations

from accreditation.schedules import ensure_periodic_task, remove_periodic_task

NAME = "Remind schools of further information due, and tell the H&W team when it is overdue"


def schedule(apps, schema_editor):
    ensure_periodic_task(
        apps,
        name=NAME,
        task="validation.tasks.send_further_information_reminders",
        crontab=("15", "7", "*"),
        description="Daily at 07:15 (Europe/London): the SLT lead of each school asked for further information "
        "hears 14 and 3 days before it is due (once each); the H&W team hears once when it is overdue.",
    )


def unschedule(apps, schema_editor):
    remove_periodic_task(apps, name=NAME)


class Migration(migrations.Migration):
    dependencies = [("validation", "0008_schedule_award_expiry_and_agenda_packs")]

    operations = [migrations.RunPython(schedule, unschedule)]
