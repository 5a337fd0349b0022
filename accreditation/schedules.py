"""Periodic jobs live in django-celery-beat's tables, so admins can change them in /admin/.

Each app's data migration calls ensure_periodic_task() for its own jobs, so a fresh install has
them all. The helper takes the migration's `apps`, so it works on historical models.
"""

import json


def ensure_periodic_task(apps, *, name, task, crontab=None, every_minutes=None, kwargs=None, description=""):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule = {}
    if crontab is not None:
        CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
        minute, hour, day_of_week = crontab
        schedule["crontab"], _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week=day_of_week,
            day_of_month="*",
            month_of_year="*",
            timezone="Europe/London",
        )
    else:
        IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
        schedule["interval"], _ = IntervalSchedule.objects.get_or_create(every=every_minutes, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=name,
        defaults={"task": task, "kwargs": json.dumps(kwargs or {}), "description": description, **schedule},
    )


def remove_periodic_task(apps, *, name):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()
