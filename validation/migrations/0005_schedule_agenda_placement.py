from django.db import migrations

from accreditation.schedules import ensure_periodic_task, remove_periodic_task

NAME = "Place submitted applications on meeting agendas"


def schedule(apps, schema_editor):
    ensure_periodic_task(
        apps,
        name=NAME,
        task="validation.tasks.place_submitted_applications",
        every_minutes=5,
        description="Lists each submitted application for the next meeting whose cut-off it met and which has "
        "room, and assigns its two reviewers.",
    )


def unschedule(apps, schema_editor):
    remove_periodic_task(apps, name=NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("validation", "0004_agendas_reviews_decisions_awards"),
        ("accreditation", "0002_schedule_outbox_sweep"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
