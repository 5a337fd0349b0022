"""Email delivery through a real Celery worker process on Redis, including the faults."""

import socket
import threading
import time

import pytest
from django.db import transaction

from accreditation import services, tasks
from accreditation.models import OutboxMessage, User

pytestmark = [pytest.mark.worker, pytest.mark.services, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout=30, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def invite_someone():
    with transaction.atomic():
        user = User.objects.create_user("new.lead@school.example.org")
        services.invitation_send(user=user, created_by=None, purpose="Welcome.")
    return OutboxMessage.objects.get(template="invitation")


def test_email_is_queued_after_commit_and_delivered_by_the_worker(celery_worker_process):
    celery_worker_process.start()
    message = invite_someone()
    wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == "sent", what="delivery")
    files = celery_worker_process.sent_messages()
    assert len(files) == 1
    assert "/accounts/invitation/" in files[0].read_text() and "new.lead@school.example.org" in files[0].read_text()


def test_the_same_task_delivered_twice_sends_one_email(celery_worker_process):
    message = OutboxMessage.objects.create(template="t", to=["a@example.org"], subject="Once", body_text="only once")
    tasks.deliver_email.delay(message_id=message.pk)
    tasks.deliver_email.delay(message_id=message.pk)
    celery_worker_process.start()
    wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == "sent", what="delivery")
    time.sleep(1.5)  # let the second copy run too
    assert len(celery_worker_process.sent_messages()) == 1


def test_broker_down_during_the_change_then_the_sweep_delivers(celery_worker_process, use_broker, redis_url):
    use_broker("redis://127.0.0.1:1/0")  # nothing listens there
    message = invite_someone()  # the change itself succeeds
    assert OutboxMessage.objects.get(pk=message.pk).status == "pending"
    use_broker(redis_url)  # the broker is back
    celery_worker_process.start()
    tasks.sweep_outbox.delay()
    wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == "sent", what="delivery by the sweep")
    assert len(celery_worker_process.sent_messages()) == 1


@pytest.fixture
def stalling_smtp_server():
    """Accepts connections and never answers, so a worker sending email hangs mid-task."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    accepted = threading.Event()
    connections = []

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            connections.append(conn)
            accepted.set()

    threading.Thread(target=serve, daemon=True).start()
    yield server.getsockname()[1], accepted
    for conn in connections:
        conn.close()
    server.close()


def test_a_worker_killed_mid_send_leaves_the_email_to_be_sent_once(celery_worker_process, stalling_smtp_server):
    port, smtp_connected = stalling_smtp_server
    short = {"CELERY_VISIBILITY_TIMEOUT": 3, "CELERY_UNACKED_RESTORE_SECONDS": 1, "OUTBOX_STALE_CLAIM_SECONDS": 2}
    doomed = celery_worker_process.start(EMAIL_URL=f"smtp://127.0.0.1:{port}", EMAIL_TIMEOUT=60, **short)
    message = invite_someone()
    assert smtp_connected.wait(30), "the worker never reached the SMTP server"
    assert OutboxMessage.objects.get(pk=message.pk).status == "sending"
    celery_worker_process.kill(doomed)

    celery_worker_process.start(**short)
    # The unacknowledged task comes back after the visibility timeout, and the stale claim is taken over.
    wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == "sent", timeout=60, what="redelivery")
    assert len(celery_worker_process.sent_messages()) == 1
