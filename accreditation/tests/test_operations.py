"""Issue 24: the mail queue that gives up cleanly, the mail page, health probes, request IDs,
security.txt and robots.txt, safe-by-default settings."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accreditation import health, outbox
from accreditation.models import AuditEvent, Heartbeat, OutboxMessage
from accreditation.tests.factories import AdminFactory, UserFactory
from accreditation.tests.helpers import login
from accreditation.tests.smtp_server import ScriptedSMTPServer

BASE_DIR = Path(__file__).resolve().parents[2]
NOON = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    """Point Django's real SMTP backend at a scripted local server."""

    def start(rcpt_reply=b"250 2.1.5 OK"):
        server = ScriptedSMTPServer(rcpt_reply)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        servers.append(server)
        return server

    servers = []
    yield start
    for server in servers:
        server.close()


@pytest.fixture
def no_mail_server(settings):
    """Nothing listens: every attempt fails with a connection error (a temporary failure)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False


def queued(to="head@school.example.org", subject="Your portfolio"):
    return OutboxMessage.objects.create(template="t", to=[to], subject=subject, body_text="A secret link: /x/")


class TestTheMailQueueGivesUpCleanly:
    def test_a_rejected_address_fails_at_once_with_the_servers_reply(self, smtp, caplog):
        smtp(b"550 5.1.1 <head@school.example.org>: no such user")
        message = queued()
        assert outbox.outbox_deliver(message_id=message.pk) is False
        message.refresh_from_db()
        assert message.status == "failed" and message.attempts == 1
        assert "550 5.1.1" in message.last_error and "no such user" in message.last_error
        assert any(r.levelname == "ERROR" and "failed for good" in r.getMessage() for r in caplog.records)
        assert outbox.outbox_sweep() == 0  # never retried every 5 minutes again

    def test_a_temporary_failure_backs_off_exponentially_then_fails_after_the_cap(
        self, no_mail_server, settings, time_machine
    ):
        settings.OUTBOX_MAX_ATTEMPTS, settings.OUTBOX_RETRY_BASE_SECONDS = 8, 600
        time_machine.move_to(NOON, tick=False)
        message = queued()
        assert outbox.outbox_deliver(message_id=message.pk) is False
        waits = []
        for attempt in range(2, 9):
            message.refresh_from_db()
            assert message.status == "pending" and message.attempts == attempt - 1
            wait = message.next_attempt_at - timezone.now()
            waits.append(wait)
            time_machine.shift(wait - timedelta(seconds=1))
            assert outbox.outbox_sweep() == 0
            message.refresh_from_db()
            assert message.attempts == attempt - 1, "tried again before its back-off ended"
            time_machine.shift(timedelta(seconds=1))
            outbox.outbox_sweep()
        assert waits == [timedelta(minutes=10 * 2**n) for n in range(7)]
        assert timedelta(hours=20) < sum(waits, timedelta()) < timedelta(hours=26)  # about a day
        message.refresh_from_db()
        assert message.status == "failed" and message.attempts == 8
        assert "ConnectionRefusedError" in message.last_error
        time_machine.shift(timedelta(days=2))
        assert outbox.outbox_sweep() == 0 and OutboxMessage.objects.get().attempts == 8

    def test_a_delivery_after_failures_clears_the_error(self, smtp, no_mail_server, time_machine):
        time_machine.move_to(NOON, tick=False)
        message = queued()
        outbox.outbox_deliver(message_id=message.pk)
        server = smtp()
        time_machine.shift(timedelta(minutes=10))
        assert outbox.outbox_sweep() == 1
        message.refresh_from_db()
        assert (message.status, message.attempts, message.last_error) == ("sent", 2, "")
        assert len(server.accepted) == 1


class TestMailPage:
    def failed(self):
        return OutboxMessage.objects.create(
            template="invitation",
            to=["typo@schol.example.org"],
            subject="Set up your account",
            body_text="Your link: http://testserver/accounts/invitation/SECRET-TOKEN/",
            status="failed",
            attempts=8,
            last_error="typo@schol.example.org: 550 5.1.1 no such user",
        )

    def test_admin_sees_failed_email_with_the_error_but_never_the_body(self, client):
        message = self.failed()
        login(client, AdminFactory())
        page = client.get(reverse("mail_queue")).content.decode()
        assert message.subject in page and "typo@schol.example.org" in page and "550 5.1.1 no such user" in page
        assert "SECRET-TOKEN" not in page
        assert "Failed (1)" in page

    def test_resend_delivers_it_and_is_audited(self, client, django_capture_on_commit_callbacks):
        message = self.failed()
        admin = AdminFactory()
        login(client, admin)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("mail_resend", args=[message.pk]), {"show": "failed"})
        assert response.status_code == 302 and response["Location"].endswith("?show=failed")
        message.refresh_from_db()
        assert message.status == "sent" and message.attempts == 1
        assert [m.subject for m in mail.outbox] == ["Set up your account"]
        event = AuditEvent.objects.get(action="email.resent")
        assert event.actor == admin and "550 5.1.1" in event.summary

    def test_cancel_stops_it_and_is_audited(self, client):
        message = queued()
        login(client, AdminFactory())
        client.post(reverse("mail_cancel", args=[message.pk]))
        message.refresh_from_db()
        assert message.status == "cancelled"
        assert outbox.outbox_sweep() == 0 and mail.outbox == []
        assert AuditEvent.objects.filter(action="email.cancelled", target_id=str(message.pk)).exists()

    def test_a_sent_email_cannot_be_resent_or_cancelled(self, client):
        message = queued()
        outbox.outbox_deliver(message_id=message.pk)
        login(client, AdminFactory())
        response = client.post(reverse("mail_resend", args=[message.pk]), follow=True)
        assert "only a failed or cancelled email can be sent again" in response.content.decode()
        response = client.post(reverse("mail_cancel", args=[message.pk]), follow=True)
        assert "can no longer be cancelled" in response.content.decode()
        message.refresh_from_db()
        assert message.status == "sent" and len(mail.outbox) == 1
        assert not AuditEvent.objects.filter(action__startswith="email.").exists()

    def test_school_users_cannot_see_it(self, client):
        login(client, UserFactory())
        assert client.get(reverse("mail_queue")).status_code == 403


class TestHealthProbes:
    def test_live_answers_even_when_the_broker_is_down(self, client, settings):
        settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
        response = client.get("/healthz/live")
        assert response.status_code == 200 and response.json() == {"ok": True}
        assert client.get("/healthz/ready").status_code == 503

    def test_ready_in_embedded_mode(self, client):
        response = client.get("/healthz/ready")
        assert response.status_code == 200
        body = response.json()
        assert (
            body["database"] == "ok" and body["beat"] == {"status": "eager"} and body["worker"] == {"status": "eager"}
        )

    def test_probe_by_ip_over_http_in_production_gets_200_or_503_not_301_or_400(self, client, settings):
        settings.SECURE_SSL_REDIRECT = True
        settings.ALLOWED_HOSTS = ["accreditation.example.gov.uk"]
        assert client.get("/healthz/live", HTTP_HOST="10.0.3.7").status_code == 200
        assert client.get("/healthz/ready", HTTP_HOST="10.0.3.7").status_code == 200
        settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
        assert client.get("/healthz/ready", HTTP_HOST="10.0.3.7").status_code == 503
        # Everything else still gets the redirect and the host check.
        assert client.get("/accounts/sign-in/", HTTP_HOST="accreditation.example.gov.uk").status_code == 301
        assert client.get("/healthz", HTTP_HOST="10.0.3.7", secure=True).status_code == 400

    def test_heartbeats_say_how_long_ago_beat_and_the_workers_ran(self, settings, time_machine):
        settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
        time_machine.move_to(NOON, tick=False)
        assert health.check_heartbeat(name="beat") == {"status": "never", "minutes_ago": None}
        health.record_heartbeat("beat")
        health.record_heartbeat("worker:celery@a")
        time_machine.shift(timedelta(minutes=3))
        health.record_heartbeat("worker:celery@b")
        assert health.check_heartbeat(name="beat") == {"status": "ok", "minutes_ago": 3}
        assert health.check_heartbeat(prefix="worker:") == {"status": "ok", "minutes_ago": 0}
        time_machine.shift(timedelta(minutes=11))
        assert health.check_heartbeat(name="beat") == {"status": "stale", "minutes_ago": 14}
        report = health.check_ready()
        assert report["ok"] is False and report["beat"]["minutes_ago"] == 14
        assert Heartbeat.objects.count() == 3


class TestRequestIds:
    def test_a_sane_proxy_id_is_kept_returned_and_stored_on_audit_events(self, client):
        user = UserFactory()
        client.post(
            reverse("accounts:login"),
            {"username": user.email, "password": "correct-horse-battery-staple"},
            HTTP_X_REQUEST_ID="0a1b2c3d4e5f60718293a4b5c6d7e8f9",
        )
        event = AuditEvent.objects.get(action="user.signed_in")
        assert event.request_id == "0a1b2c3d4e5f60718293a4b5c6d7e8f9"

    def test_a_made_up_header_is_replaced(self, client):
        response = client.get("/healthz", HTTP_X_REQUEST_ID='"><script>alert(1)</script>')
        assert len(response["X-Request-ID"]) == 32 and "<" not in response["X-Request-ID"]
        other = client.get("/healthz")
        assert other["X-Request-ID"] != response["X-Request-ID"]

    def test_json_logs_carry_the_request_id(self):
        script = (
            "import logging; from accreditation.observability import current_request_id;"
            "current_request_id.set('req-0123456789');"
            "logging.getLogger('accreditation.test').warning('hello %s', 'world')"
        )
        result = run_manage("shell", "-c", script, env={"DEBUG": "true", "LOG_FORMAT": "json"})
        assert result.returncode == 0, result.stderr
        line = json.loads(next(line for line in result.stderr.splitlines() if "hello" in line))
        assert line["message"] == "hello world" and line["request_id"] == "req-0123456789"
        assert line["level"] == "WARNING" and line["logger"] == "accreditation.test"


class TestRobotsAndSecurityTxt:
    def test_security_txt_names_a_contact_and_a_future_expiry(self, client, settings):
        settings.SECURITY_CONTACT = "mailto:security@council.example.gov.uk"
        text = client.get("/.well-known/security.txt").content.decode()
        fields = dict(line.split(": ", 1) for line in text.strip().splitlines())
        assert fields["Contact"] == "mailto:security@council.example.gov.uk"
        expires = datetime.fromisoformat(fields["Expires"].replace("Z", "+00:00"))
        assert timedelta(days=150) < expires - timezone.now() < timedelta(days=365)

    def test_robots_allow_only_the_public_register(self, client):
        text = client.get("/robots.txt").content.decode()
        assert text.splitlines() == ["User-agent: *", "Allow: /accredited-schools/", "Disallow: /"]

    def test_pages_show_the_beta_banner_and_the_footer_links(self, client):
        page = client.get(reverse("accounts:login")).content.decode()
        assert "govuk-phase-banner" in page and ">Beta<" in page
        for name in ("contact", "insight:privacy", "insight:accessibility"):
            assert f'href="{reverse(name)}"' in page
            assert client.get(reverse(name)).status_code == 200


def run_manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG", "SECRET_KEY", "ALLOWED"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env={**clean, **env}, capture_output=True, text=True
    )


class TestSafeByDefault:
    def test_debug_is_off_unless_asked_for(self):
        result = run_manage("check", env={})
        assert result.returncode != 0 and "SECRET_KEY must be set when DEBUG is off" in result.stderr

    def test_production_refuses_the_development_key(self):
        from accreditation.settings import DEVELOPMENT_SECRET_KEY

        for key in (DEVELOPMENT_SECRET_KEY, "django-insecure-abcdefghijklmnopqrstuvwxyz0123456789abcdefghijk"):
            result = run_manage("check", env={"SECRET_KEY": key, "ALLOWED_HOSTS": "portal.example.gov.uk"})
            assert result.returncode != 0 and "development or example key" in result.stderr

    def test_production_refuses_empty_allowed_hosts(self):
        result = run_manage("check", env={"SECRET_KEY": "k" * 30 + "a-real-production-secret-0123456789"})
        assert result.returncode != 0 and "ALLOWED_HOSTS must be set when DEBUG is off" in result.stderr
