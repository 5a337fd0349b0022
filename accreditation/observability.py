"""Request IDs, structured logs and error tracking (issue 24).

Every request gets an ID: the proxy's `X-Request-ID` when it sends a sane one, otherwise a new
one. It is returned in the response's `X-Request-ID` header (gunicorn's access log and nginx's log
show it), added to every log record (`request_id`), stored on audit events, sent with every Celery
task queued during the request (a message header) and set again while the worker runs it, so one
ID joins a click, its log lines, its audit entries and the emails and jobs it caused.
"""

import logging
import re
import uuid
from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")

REQUEST_ID_HEADER = "X-Request-ID"
# What we accept from the proxy: letters, digits and - _ . : (uuid, nginx's $request_id, ...).
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def new_request_id() -> str:
    return uuid.uuid4().hex


def request_id_from(header_value: str | None) -> str:
    """The proxy's ID if it looks like one, else a new one (never trust it into a log unchecked)."""
    if header_value and _SANE_ID.match(header_value):
        return header_value
    return new_request_id()


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every log record (empty outside a request or task)."""

    def filter(self, record):
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id.get()
        return True


# ----------------------------------------------------------------------------- Celery

_task_tokens: dict[str, object] = {}


def add_request_id_header(headers=None, **kwargs):
    """before_task_publish: carry the current request's ID in the task message."""
    if headers is not None and current_request_id.get() and not headers.get("request_id"):
        headers["request_id"] = current_request_id.get()


def start_task_request_id(task_id=None, task=None, **kwargs):
    """task_prerun: the ID the task was queued with, else (beat, a sweep) one of its own."""
    sent_with = task.request.get("request_id") if task is not None else None
    request_id = sent_with or current_request_id.get() or f"task-{task_id}"
    _task_tokens[task_id] = current_request_id.set(request_id)


def end_task_request_id(task_id=None, **kwargs):
    """task_postrun: back to what it was before the task."""
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        current_request_id.reset(token)


# ----------------------------------------------------------------------------- Sentry

# Paths that carry a secret in the URL itself: sent to Sentry with the secret replaced.
_SECRET_PATHS = re.compile(r"(/accounts/(?:invitation|reset)/)[^?#]*")


def scrub_event(event, hint=None):
    """before_send: no personal data leaves for Sentry. send_default_pii is off and request bodies
    are never sent (max_request_body_size="never"); this also drops cookies, query strings, the
    Authorization header and the secret part of invitation and password-reset links, and tags the
    event with the request ID so it can be found in the logs."""
    request = event.get("request") or {}
    request.pop("cookies", None)
    request.pop("data", None)
    request.pop("query_string", None)
    headers = request.get("headers") or {}
    for name in list(headers):
        if name.lower() in {"cookie", "authorization", "x-csrftoken", "x-forwarded-for", "x-real-ip"}:
            headers.pop(name)
    if "url" in request:
        request["url"] = _SECRET_PATHS.sub(r"\1[removed]", request["url"])
    event.pop("user", None)
    request_id = current_request_id.get()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def init_sentry(*, dsn: str, environment: str, release: str, traces_sample_rate: float) -> None:
    """Error tracking for the web process, the workers and beat (called from settings)."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[
            DjangoIntegration(),
            CeleryIntegration(),
            LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
        ],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=traces_sample_rate,
        before_send=scrub_event,
    )
