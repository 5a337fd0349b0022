"""Run in a subprocess by test_sentry.py with SENTRY_DSN pointing at a local receiver: one
unhandled error in a view (through the whole middleware stack) and one failed Celery task."""

import os
import sys

import django

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accreditation.settings")
django.setup()

import threading  # noqa: E402
import urllib.error  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402
from wsgiref.simple_server import WSGIRequestHandler, make_server  # noqa: E402

import sentry_sdk  # noqa: E402
from celery import shared_task  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@csrf_exempt  # a POST from no form: the body is there to prove it is never sent
def boom(request, token):
    raise RuntimeError("boom from a view")


urlpatterns = [path("boom/<str:token>/", boom), path("", include("accreditation.urls"))]


@shared_task(name="tests.sentry_app.failing_task")
def failing_task():
    raise ValueError("boom from a task")


call_command("migrate", verbosity=0)
# A real WSGI server (as gunicorn calls the portal), so Sentry sees the request as in production.
settings.ROOT_URLCONF = __name__
server = make_server("127.0.0.1", int(os.environ["SENTRY_APP_PORT"]), get_wsgi_application(), handler_class=Quiet)
threading.Thread(target=server.serve_forever, daemon=True).start()
request = urllib.request.Request(
    f"http://127.0.0.1:{server.server_port}/boom/123/?search=private-query",
    data=urllib.parse.urlencode({"password": "hunter2-private-body", "email": "head@school.example.org"}).encode(),
    headers={
        "Host": "testserver",
        "Cookie": "sessionid=cookie-secret-abc",
        "X-Request-ID": "sentry-view-0123456789",
        "Authorization": "Bearer header-secret",
    },
)
try:
    urllib.request.urlopen(request, timeout=30)
    raise SystemExit("the view did not fail")
except urllib.error.HTTPError as error:
    status = error.code
if status != 500:
    raise SystemExit(f"expected 500, got {status}")
server.shutdown()
failing_task.apply()
sentry_sdk.flush(timeout=10)
print("done")
