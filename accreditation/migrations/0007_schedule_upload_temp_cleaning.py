from django.db import migrations

from accreditation.schedules import ensure_periodic_task, remove_periodic_task

NAME = "Clean abandoned temporary upload files"


def schedule(apps, schema_editor):
    ensure_periodic_task(
        apps,
        name=NAME,
        task="accreditation.clean_upload_temp",
        every_minutes=60,
        description="Deletes temporary upload files older than an hour (left by a web worker that died mid-upload).",
    )


def unschedule(apps, schema_editor):
    remove_periodic_task(apps, name=NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("accreditation", "0006_outbox_backoff_heartbeats_request_ids"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
