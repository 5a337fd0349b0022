from django.db import migrations

from accreditation.schedules import ensure_periodic_task, remove_periodic_task

NAME = "Flag out-of-date evidence and email each school's digest"


def schedule(apps, schema_editor):
    ensure_periodic_task(
        apps,
        name=NAME,
        task="portfolios.tasks.sweep_stale_evidence",
        crontab=("15", "2", "*"),
        description=(
            "Nightly at 02:15 (Europe/London): flags evidence more than 3 years old and evidence going out of "
            "date within 60 days or before its application's meeting, then emails each school's SLT lead one "
            "digest of what changed."
        ),
    )


def unschedule(apps, schema_editor):
    remove_periodic_task(apps, name=NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("portfolios", "0003_evidence_digest_and_sweep_indexes"),
        ("accreditation", "0002_schedule_outbox_sweep"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
