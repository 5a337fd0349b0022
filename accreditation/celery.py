"""The Celery application. With no CELERY_BROKER_URL, tasks run eagerly in the web process."""

import os

from celery import Celery
from celery.signals import task_failure

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accreditation.settings")

app = Celery("accreditation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_failure.connect
def report_task_failure(sender=None, task_id=None, exception=None, **kwargs):
    """A task that has failed for good (no retries left) is reported to the admins by email."""
    from accreditation.services import task_failure_report

    task_failure_report(task_name=getattr(sender, "name", str(sender)), task_id=task_id or "", error=repr(exception))
