"""Writes with rules for the core app: invitations, passwords set from links, the email outbox."""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import audit, notifications
from .models import Invitation, OutboxMessage, User

logger = logging.getLogger(__name__)


class InvitationError(Exception):
    """An invitation link that cannot be used; the message says why, for the person holding it."""


def invitation_send(*, user: User, created_by: User | None, purpose: str = "") -> Invitation:
    """Create a set-password link for `user`, revoke their earlier open links, and email it."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    Invitation.objects.filter(user=user, accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    invitation = Invitation.objects.create(
        user=user,
        token_hash=Invitation.hash_token(token),
        purpose=purpose,
        created_by=created_by,
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    notifications.send(
        to=user.email,
        template="invitation",
        context={
            "user": user,
            "purpose": purpose,
            "link": settings.SITE_URL + reverse("accounts:invitation", kwargs={"token": token}),
            "expires_at": invitation.expires_at,
        },
    )
    audit.record(actor=created_by, action="invitation.sent", target=user, summary=purpose)
    return invitation


def invitation_check(*, token: str) -> Invitation:
    """Return the open invitation for `token`, or raise InvitationError saying what is wrong."""
    invitation = Invitation.objects.select_related("user").filter(token_hash=Invitation.hash_token(token)).first()
    contact = f"Contact the Health & Wellbeing team at {settings.HW_TEAM_EMAIL} for a new one."
    if invitation is None:
        raise InvitationError(f"This link is not valid. Check you copied the whole link from the email. {contact}")
    if invitation.state == "accepted":
        raise InvitationError("This link has already been used. Sign in with your email address and password.")
    if invitation.state == "revoked":
        raise InvitationError(
            f"This link has been replaced by a newer one. Use the link in the latest email. {contact}"
        )
    if invitation.state == "expired":
        raise InvitationError(f"This link has expired. {contact}")
    if not invitation.user.is_active:
        raise InvitationError(f"This account has been deactivated. {contact}")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Set the invited user's password and close the invitation. Checks again under a row lock,
    so the same link used twice at once sets one password."""
    invitation = invitation_check(token=token)
    invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
    if invitation.state != "open":
        raise InvitationError("This link has already been used. Sign in with your email address and password.")
    user = invitation.user
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit.record(actor=user, action="invitation.accepted", target=user)
    return user


def password_reset_send(*, email: str) -> None:
    """Email a reset link if an active account with a usable password has this address.

    Says nothing either way: the caller shows the same answer for known and unknown addresses.
    """
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return
    if not user.has_usable_password():
        # Never finished setting up: a fresh invitation is what they need.
        invitation_send(user=user, created_by=None, purpose="You asked to reset your password.")
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    notifications.send(
        to=user.email,
        template="password_reset",
        context={
            "user": user,
            "link": settings.SITE_URL
            + reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token}),
            "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
    )
    audit.record(actor=None, action="password.reset_requested", target=user)


def outbox_deliver(*, message_id: int) -> bool:
    """Send one pending outbox message. Returns True when this call sent it.

    The row is claimed with a conditional UPDATE first, so two workers never both send it. A claim
    older than OUTBOX_STALE_CLAIM_SECONDS is taken to have died with its worker and may be claimed
    again. The one case of a duplicate: the SMTP server accepts the message and the process dies
    before the row is marked sent; the message is then sent again once the claim is stale.
    """
    now = timezone.now()
    died_before = now - timedelta(seconds=settings.OUTBOX_STALE_CLAIM_SECONDS)
    claimed = (
        OutboxMessage.objects.filter(pk=message_id)
        .filter(
            Q(status=OutboxMessage.Status.PENDING) | Q(status=OutboxMessage.Status.SENDING, claimed_at__lt=died_before)
        )
        .update(status=OutboxMessage.Status.SENDING, claimed_at=now)
    )
    if not claimed:
        return False
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=message.to,
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        for attachment in message.attachments:
            with default_storage.open(attachment["path"], "rb") as fh:
                email.attach(attachment["name"], fh.read(), attachment.get("content_type"))
        email.send()
    except Exception as exc:
        OutboxMessage.objects.filter(pk=message_id).update(
            status=OutboxMessage.Status.PENDING, attempts=message.attempts + 1, last_error=str(exc)[:2000]
        )
        raise
    OutboxMessage.objects.filter(pk=message_id).update(
        status=OutboxMessage.Status.SENT, sent_at=timezone.now(), attempts=message.attempts + 1, last_error=""
    )
    return True


def outbox_sweep(*, limit: int = 500) -> int:
    """Deliver what is still pending (the broker was down, or a worker died mid-send). Idempotent."""
    died_before = timezone.now() - timedelta(seconds=settings.OUTBOX_STALE_CLAIM_SECONDS)
    waiting = OutboxMessage.objects.filter(
        Q(status=OutboxMessage.Status.PENDING) | Q(status=OutboxMessage.Status.SENDING, claimed_at__lt=died_before)
    )
    sent = 0
    for message_id in waiting.order_by("id").values_list("id", flat=True)[:limit]:
        try:
            sent += outbox_deliver(message_id=message_id)
        except Exception:
            logger.exception("Outbox message %s failed; it stays pending", message_id)
    return sent


def task_failure_report(*, task_name: str, task_id: str, error: str) -> None:
    """Email the H&W admins and settings.ADMINS that a background task failed for good."""
    recipients = {email for _, email in settings.ADMINS}
    recipients |= set(User.objects.filter(is_hw_admin=True, is_active=True).values_list("email", flat=True))
    logger.error("Task %s (%s) failed: %s", task_name, task_id, error)
    if not recipients:
        return
    with transaction.atomic():
        notifications.send(
            to=sorted(recipients),
            template="task_failed",
            context={"task_name": task_name, "task_id": task_id, "error": error[:2000], "when": timezone.now()},
        )
