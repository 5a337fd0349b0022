from django.db import migrations

from accreditation.schedules import ensure_periodic_task, remove_periodic_task

DRAFTS = "Remind schools with a draft of the next submission cut-off"
WEEKLY = "Weekly summary for the H&W admins"


def schedule(apps, schema_editor):
    ensure_periodic_task(
        apps,
        name=DRAFTS,
        task="validation.tasks.send_draft_reminders",
        crontab=("0", "7", "*"),
        description="Daily at 07:00 (Europe/London): the SLT lead of each school with a draft application hears "
        "once about the next meeting's submission cut-off, from 14 days before it until the day itself.",
    )
    ensure_periodic_task(
        apps,
        name=WEEKLY,
        task="validation.tasks.send_admin_weekly_digest",
        crontab=("30", "7", "1"),
        description="Mondays at 07:30 (Europe/London): registrations waiting and applications not yet on an "
        "agenda, to the H&W admins; once per week.",
    )


def unschedule(apps, schema_editor):
    remove_periodic_task(apps, name=DRAFTS)
    remove_periodic_task(apps, name=WEEKLY)


class Migration(migrations.Migration):
    dependencies = [
        ("validation", "0005_schedule_agenda_placement"),
        ("accreditation", "0004_sent_notice"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
