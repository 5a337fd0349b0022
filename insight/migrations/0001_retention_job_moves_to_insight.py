"""The weekly evidence retention job moved from validation.tasks to insight.tasks: the scheduled
row follows it, so beat keeps running it under its new name (and the old name if unapplied)."""

from django.db import migrations

OLD = "validation.tasks.apply_evidence_retention"
NEW = "insight.tasks.apply_evidence_retention"


def rename(old, new):
    def run(apps, schema_editor):
        apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=old).update(task=new)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("validation", "0007_schedule_evidence_retention"),
    ]

    operations = [migrations.RunPython(rename(OLD, NEW), rename(NEW, OLD))]
