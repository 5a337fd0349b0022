"""Error tracking against a local receiver that speaks Sentry's ingest protocol (envelopes over
HTTP): an unhandled error and a failed task arrive, and no personal data does."""

import gzip
import json
import os
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
RECEIVER_PORT = 18490


class Receiver(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        Receiver.received.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"id": "0"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", RECEIVER_PORT), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Receiver.received
    server.shutdown()
    server.server_close()


def events(received):
    """The event payloads of every envelope: header line, then (item header, payload) pairs."""
    found = []
    for _, body in received:
        lines = body.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


def test_an_unhandled_error_and_a_failed_task_reach_sentry_without_personal_data(receiver, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "DEBUG"))}
    env.update(
        DEBUG="false",
        SECRET_KEY="sentry-test-" + "k" * 40,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="false",
        CLAMAV_SOCKET=str(tmp_path / "no-clamd.sock"),  # production needs one set; nothing is uploaded here
        DATABASE_URL=f"sqlite:///{tmp_path / 'sentry.sqlite3'}",
        SENTRY_DSN=f"http://publickey@127.0.0.1:{RECEIVER_PORT}/42",
        SENTRY_ENVIRONMENT="ci",
        SENTRY_APP_PORT=str(RECEIVER_PORT + 1),
    )
    result = subprocess.run(
        [sys.executable, str(BASE_DIR / "tests" / "deploy" / "sentry_app.py")],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0 and "done" in result.stdout, result.stderr[-3000:]
    assert all(path == "/api/42/envelope/" for path, _ in receiver)
    found = events(receiver)

    def with_exception(kind):
        return [e for e in found for v in e.get("exception", {}).get("values", []) if v["type"] == kind]

    views, tasks = with_exception("RuntimeError"), with_exception("ValueError")
    assert views and tasks, [e.get("exception") for e in found]
    view = next(e for e in views if "url" in e.get("request", {}))
    task = next(e for e in tasks if e["exception"]["values"][-1]["mechanism"]["type"] == "celery")
    assert view["environment"] == "ci" and view["tags"]["request_id"] == "sentry-view-0123456789"
    assert view["request"]["url"].endswith("/boom/123/") and "query_string" not in view["request"]
    assert "cookies" not in view["request"] and "data" not in view["request"] and "user" not in view
    assert task["tags"]["celery_task_id"] and task["environment"] == "ci"
    raw = b"".join(body for _, body in receiver)
    for secret in (
        b"hunter2-private-body",
        b"head@school.example.org",
        b"cookie-secret-abc",
        b"header-secret",
        b"private-query",
    ):
        assert secret not in raw, secret
