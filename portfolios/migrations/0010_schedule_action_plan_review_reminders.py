from django.db import migrations

from accreditation.schedules import ensure_periodic_task, remove_periodic_task

NAME = "Remind schools that their action plan is due its six-monthly review"


def schedule(apps, schema_editor):
    ensure_periodic_task(
        apps,
        name=NAME,
        task="portfolios.send_action_plan_review_reminders",
        crontab=("40", "7", "*"),
        description=(
            "Daily at 07:40 (Europe/London): emails the SLT lead of each school whose action plan has open actions "
            "and was last reviewed (or started) six months ago or more; once per due date."
        ),
    )


def unschedule(apps, schema_editor):
    remove_periodic_task(apps, name=NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("portfolios", "0009_action_plans_and_award_dates"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
