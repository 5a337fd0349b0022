"""The email outbox owns delivery. `notifications` writes a row and queues its delivery; this
module sends it, retries it with exponential back-off, and gives up cleanly.

A failed attempt is recorded on the row (`attempts`, `last_error`) with the time of the next one
(`next_attempt_at`: OUTBOX_RETRY_BASE_SECONDS, then twice that, four times...). After
OUTBOX_MAX_ATTEMPTS attempts, or at once when the SMTP server refuses the message for good (a 5xx
reply to the recipients or the data), the row is marked failed with the server's reply, logged at
ERROR (so it reaches Sentry) and shown to the H&W admins on the mail page, who may resend or
cancel it. The periodic sweep and a worker that has just connected pick up whatever is due.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.utils import timezone

from . import audit
from .errors import Refusal
from .models import OutboxMessage

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: base, 2 x base, 4 x base..."""
    return timedelta(seconds=settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def describe_error(exc: Exception) -> str:
    """The SMTP server's reply as a person reads it ("550 5.1.1 No such user"), else the error."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{address}: {_reply(code, text)}" for address, (code, text) in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply(exc.smtp_code, exc.smtp_error)
    return f"{type(exc).__name__}: {exc}"


def is_permanent(exc: Exception) -> bool:
    """The server refused this message for good (5xx to every recipient or to the data): trying
    again cannot help. Authentication and connection errors are the server's or our settings'
    fault and are retried."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def _reply(code, text) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {text}".strip()


def _due(now):
    """Rows whose turn has come: pending and past their back-off, or claimed by a worker that died."""
    died_before = now - timedelta(seconds=settings.OUTBOX_STALE_CLAIM_SECONDS)
    return Q(status=Status.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)) | Q(
        status=Status.SENDING, claimed_at__lt=died_before
    )


def outbox_deliver(*, message_id: int) -> bool:
    """Send one due outbox message. Returns True when this call sent it.

    The row is claimed with a conditional UPDATE first, so two workers never both send it, and a
    message still in its back-off is left alone. A claim older than OUTBOX_STALE_CLAIM_SECONDS is
    taken to have died with its worker and may be claimed again. The one case of a duplicate: the
    SMTP server accepts the message and the process dies before the row is marked sent; the
    message is then sent again once the claim is stale. A failure is recorded on the row (see the
    module docstring); it does not raise.
    """
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(_due(now), pk=message_id).update(status=Status.SENDING, claimed_at=now)
    if not claimed:
        return False
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        _send(message)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row and retried or failed.
        _record_failure(message, exc)
        return False
    OutboxMessage.objects.filter(pk=message_id).update(
        status=Status.SENT, sent_at=timezone.now(), attempts=message.attempts + 1, last_error="", next_attempt_at=None
    )
    return True


def _send(message: OutboxMessage) -> None:
    email = EmailMultiAlternatives(
        subject=message.subject, body=message.body_text, from_email=settings.DEFAULT_FROM_EMAIL, to=message.to
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        with default_storage.open(attachment["path"], "rb") as fh:
            email.attach(attachment["name"], fh.read(), attachment.get("content_type"))
    email.send()


def _record_failure(message: OutboxMessage, exc: Exception) -> None:
    attempts = message.attempts + 1
    error = describe_error(exc)[:2000]
    rows = OutboxMessage.objects.filter(pk=message.pk, status=Status.SENDING)
    if attempts >= settings.OUTBOX_MAX_ATTEMPTS or is_permanent(exc):
        rows.update(status=Status.FAILED, attempts=attempts, last_error=error, next_attempt_at=None)
        # ERROR reaches Sentry (logging integration); the admins see it on the mail page.
        logger.error(
            "Email %s (%s) failed for good after %s attempt(s): %s",
            message.pk,
            message.template,
            attempts,
            error,
            extra={"outbox_message_id": message.pk, "template": message.template},
        )
        return
    next_attempt_at = timezone.now() + retry_delay(attempts)
    rows.update(status=Status.PENDING, attempts=attempts, last_error=error, next_attempt_at=next_attempt_at)
    logger.warning(
        "Email %s not delivered (attempt %s of %s), next attempt at %s: %s",
        message.pk,
        attempts,
        settings.OUTBOX_MAX_ATTEMPTS,
        next_attempt_at.isoformat(),
        error,
    )


def outbox_sweep(*, limit: int = 500) -> int:
    """Deliver what is due (the broker was down, a worker died mid-send, a back-off has passed).
    Idempotent; returns how many were sent."""
    due = OutboxMessage.objects.filter(_due(timezone.now()))
    sent = 0
    for message_id in due.order_by("id").values_list("id", flat=True)[:limit]:
        sent += outbox_deliver(message_id=message_id)
    return sent


def outbox_requeue(*, message_id: int, actor) -> OutboxMessage:
    """An admin sends a failed or cancelled message again: it becomes pending, due now, with its
    attempts reset. Audited. Refused for any other state. `notifications.resend` calls this and
    queues the delivery after commit."""
    changed = OutboxMessage.objects.filter(pk=message_id, status__in=[Status.FAILED, Status.CANCELLED]).update(
        status=Status.PENDING, attempts=0, next_attempt_at=None, claimed_at=None
    )
    message = OutboxMessage.objects.get(pk=message_id)
    if not changed:
        raise Refusal(
            f"This email is {message.get_status_display().lower()}: only a failed or cancelled email can be sent again."
        )
    audit.record(
        actor=actor, action="email.resent", target=message, summary=f"Sent again after: {message.last_error}"[:500]
    )
    return message


def outbox_cancel(*, message_id: int, actor) -> OutboxMessage:
    """An admin stops a waiting or failed message from being sent. Audited. A message already
    being sent or sent cannot be cancelled."""
    changed = OutboxMessage.objects.filter(pk=message_id, status__in=[Status.PENDING, Status.FAILED]).update(
        status=Status.CANCELLED, next_attempt_at=None
    )
    message = OutboxMessage.objects.get(pk=message_id)
    if not changed:
        raise Refusal(f"This email is {message.get_status_display().lower()}: it can no longer be cancelled.")
    audit.record(actor=actor, action="email.cancelled", target=message, summary=message.subject)
    return message
