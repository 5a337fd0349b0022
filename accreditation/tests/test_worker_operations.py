"""Issue 24 and issue 23 with real Celery processes on Redis: mail held during a broker outage
goes as soon as a worker connects; the request ID travels with a task; beat and worker
heartbeats make /healthz/ready answer."""

import os
import subprocess
import sys
import time

import pytest
from django.db import transaction

from accreditation import services, tasks
from accreditation.models import Heartbeat, OutboxMessage, User
from accreditation.observability import current_request_id

pytestmark = [pytest.mark.worker, pytest.mark.services, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout=30, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_mail_held_while_the_broker_was_down_goes_when_a_worker_connects(celery_worker_process, use_broker, redis_url):
    use_broker("redis://127.0.0.1:1/0")  # the broker is down while the change is made
    with transaction.atomic():
        user = User.objects.create_user("new.lead@school.example.org")
        services.invitation_send(user=user, created_by=None, purpose="Welcome.")
    message = OutboxMessage.objects.get(template="invitation")
    assert message.status == "pending"
    use_broker(redis_url)
    celery_worker_process.start()  # no sweep is called: the worker's ready hook queues one
    wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == "sent", timeout=20, what="delivery on connect")
    assert len(celery_worker_process.sent_messages()) == 1


def test_the_request_id_travels_with_the_task_into_the_workers_logs(celery_worker_process):
    worker = celery_worker_process.start()
    token = current_request_id.set("req-travels-0123456789")
    try:
        tasks.sweep_outbox.delay()
    finally:
        current_request_id.reset(token)
    wait_for(
        lambda: any("[req-travels-0123456789]" in line and "Outbox sweep sent" in line for line in worker.log),
        what="the sweep's log line with the request ID",
    )


def test_beat_and_worker_heartbeats_make_the_service_ready(celery_worker_process, redis_url, client, settings):
    celery_worker_process.start()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))},
        "DJANGO_SETTINGS_MODULE": "accreditation.settings",
        "DEBUG": "true",
        "DATABASE_URL": celery_worker_process.database_url,
        "CELERY_BROKER_URL": redis_url,
    }
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "accreditation", "beat", "--loglevel", "INFO", "--max-interval", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: Heartbeat.objects.filter(name="beat").exists(), what="beat's heartbeat")
        assert Heartbeat.objects.filter(name__startswith="worker:test0@").exists()
        settings.CELERY_BROKER_URL = redis_url
        response = client.get("/healthz/ready")
        body = response.json()
        assert response.status_code == 200, body
        assert body["beat"] == {"status": "ok", "minutes_ago": 0} and body["worker"]["status"] == "ok"
    finally:
        beat.terminate()
        beat.wait(timeout=15)
