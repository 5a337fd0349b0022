"""The Celery application. With no CELERY_BROKER_URL, tasks run eagerly in the web process."""

import logging
import os

from celery import Celery, bootsteps
from celery.signals import before_task_publish, task_failure, task_postrun, task_prerun, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accreditation.settings")

logger = logging.getLogger(__name__)

app = Celery("accreditation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_failure.connect
def report_task_failure(sender=None, task_id=None, exception=None, **kwargs):
    """A task that has failed for good (no retries left) is reported to the admins by email."""
    from accreditation.services import task_failure_report

    task_failure_report(task_name=getattr(sender, "name", str(sender)), task_id=task_id or "", error=repr(exception))


# ----------------------------------------------------------------------------- issue 24: operations


@before_task_publish.connect
def _carry_request_id(headers=None, **kwargs):
    from accreditation.observability import add_request_id_header

    add_request_id_header(headers=headers)


@task_prerun.connect
def _start_request_id(task_id=None, task=None, **kwargs):
    from accreditation.observability import start_task_request_id

    start_task_request_id(task_id=task_id, task=task)


@task_postrun.connect
def _end_request_id(task_id=None, **kwargs):
    from accreditation.observability import end_task_request_id

    end_task_request_id(task_id=task_id)


@worker_ready.connect
def deliver_pending_mail_on_connect(sender=None, **kwargs):
    """A worker that has just (re)connected delivers the mail held while the broker was down at
    once, instead of waiting up to one sweep interval: it queues the outbox sweep (which is
    idempotent, so several workers starting together send nothing twice)."""
    from accreditation.tasks import sweep_outbox

    try:
        sweep_outbox.delay()
    except Exception:
        logger.exception("Could not queue the outbox sweep on worker start; the periodic sweep will run it")


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Each worker writes "worker:<hostname>" about once a minute for /healthz/ready."""

    requires = {"celery.worker.components:Timer"}
    interval = 60

    def __init__(self, worker, **kwargs):
        self.tref = None

    def start(self, worker):
        self.hostname = worker.hostname
        self.beat()
        self.tref = worker.timer.call_repeatedly(self.interval, self.beat, priority=10)

    def stop(self, worker):
        if self.tref is not None:
            self.tref.cancel()

    def beat(self):
        from django.db import close_old_connections

        from accreditation import health

        try:
            close_old_connections()
            health.record_heartbeat(f"{health.HEARTBEAT_WORKER_PREFIX}{self.hostname}")
        except Exception:
            logger.exception("Could not record the worker's heartbeat")


app.steps["worker"].add(WorkerHeartbeat)
