"""Every email the portal sends is queued here; `outbox` delivers it.

send() renders templates/emails/<template>.{subject.txt,txt,html} and writes an OutboxMessage in
the caller's transaction. After commit a task delivers it; if the broker cannot be reached the row
stays pending and the periodic outbox sweep delivers it later. Nothing is lost with a rollback,
because nothing is queued before commit.
"""

import logging
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template import engines
from django.template.loader import render_to_string

from . import outbox
from .models import OutboxMessage, SentNotice
from .tasks import deliver_email

logger = logging.getLogger(__name__)


def send(*, to, template: str, context: dict | None = None, attachments: list | None = None) -> OutboxMessage:
    """Queue one email to `to` (an address or a list of them) built from `template`."""
    recipients = [to] if isinstance(to, str) else sorted(set(to))
    ctx = {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "HW_TEAM_EMAIL": settings.HW_TEAM_EMAIL,
        "SITE_URL": settings.SITE_URL,
        **(context or {}),
    }
    subject, body_text, body_html = render(template, ctx)
    message = OutboxMessage.objects.create(
        template=template,
        to=recipients,
        subject=subject[:300],
        body_text=body_text,
        body_html=body_html,
        attachments=attachments or [],
    )
    transaction.on_commit(lambda: enqueue_delivery(message.pk))
    return message


def render(template: str, context: dict) -> tuple[str, str, str]:
    """The subject, text body and HTML body of `template`, all in the one layout (base_email).

    Subject and text body are plain text: rendered by the "email_text" engine, which never
    HTML-escapes. The HTML body is rendered with autoescaping, so every value in it is escaped.
    """
    text = engines["email_text"]
    subject = " ".join(text.get_template(f"emails/{template}.subject.txt").render(context).split())
    body_text = text.get_template(f"emails/{template}.txt").render(context)
    body_text = re.sub(r"\n{3,}", "\n\n", body_text).strip() + "\n"
    body_html = render_to_string(f"emails/{template}.html", context)
    return subject, body_text, body_html


def send_once(*, kind: str, key: str, to, template: str, context: dict | None = None) -> OutboxMessage | None:
    """Queue the email unless one of this kind and key was queued before; None when it was.

    The SentNotice row is written first, in the same transaction as the outbox row, so two runs at
    once, a retry or a re-run after a crash find the record and send nothing.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                notice = SentNotice.objects.create(kind=kind, key=key)
        except IntegrityError:
            return None
        message = send(to=to, template=template, context=context)
        notice.message = message
        notice.save(update_fields=["message"])
    return message


def resend(*, message_id: int, actor) -> OutboxMessage:
    """Send a failed or cancelled email again (an H&W admin on the mail page): see
    outbox.outbox_requeue for what changes; the delivery is queued after commit."""
    with transaction.atomic():
        message = outbox.outbox_requeue(message_id=message_id, actor=actor)
        transaction.on_commit(lambda: enqueue_delivery(message.pk))
    return message


def enqueue_delivery(message_id: int) -> None:
    """Queue the delivery task; with the broker down the row stays pending for the sweep."""
    try:
        deliver_email.delay(message_id=message_id)
    except Exception:
        logger.exception("Could not queue email %s; it stays pending for the outbox sweep", message_id)
