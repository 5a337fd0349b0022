from django.db import migrations

from accreditation.schedules import ensure_periodic_task, remove_periodic_task

AWARD_EXPIRY = "Lapse expired awards and send award expiry reminders"
AGENDA_PACKS = "Send reviewers their agenda packs"


def schedule(apps, schema_editor):
    ensure_periodic_task(
        apps,
        name=AWARD_EXPIRY,
        task="validation.tasks.sweep_award_expiry",
        crontab=("30", "1", "*"),
        description="Daily at 01:30 (Europe/London): awards past their expiry date lapse and leave the public "
        "register; the SLT lead and the H&W team hear 6 months, 3 months and 1 month before an award expires "
        "(each once; after missed nights only the latest stage due), unless a renewal has been accredited.",
    )
    ensure_periodic_task(
        apps,
        name=AGENDA_PACKS,
        task="validation.tasks.send_agenda_packs",
        crontab=("15", "7", "*"),
        description="Daily at 07:15 (Europe/London): each assigned reviewer gets the agenda pack (meeting details "
        "and links to the review and the portfolio PDF) once, from 7 days before the meeting until its day.",
    )


def unschedule(apps, schema_editor):
    remove_periodic_task(apps, name=AWARD_EXPIRY)
    remove_periodic_task(apps, name=AGENDA_PACKS)


class Migration(migrations.Migration):
    dependencies = [
        ("validation", "0007_schedule_evidence_retention"),
        ("accreditation", "0004_sent_notice"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
