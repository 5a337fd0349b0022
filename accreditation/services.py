"""Writes with rules for the core app: invitations, passwords set from links, the email outbox."""

import logging
import secrets
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.backends import db as db_sessions
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import audit, notifications
from .errors import Refusal
from .models import Invitation, User, UserSession

logger = logging.getLogger(__name__)


class InvitationError(Refusal):
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


# ----------------------------------------------------------------------------- account security


class SecondFactorError(Refusal):
    """A one-time code that was not accepted; the message is for the person who typed it."""


def session_started(*, user: User, session_key: str, ip_address: str | None, user_agent: str) -> None:
    """Remember where `user` has just signed in, so they can see and end the session later."""
    UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={"user": user, "ip_address": ip_address, "user_agent": user_agent[:300], "last_seen": timezone.now()},
    )


def session_ended(*, session_key: str | None) -> None:
    UserSession.objects.filter(session_key=session_key or "").delete()


def session_seen(*, session_key: str) -> None:
    UserSession.objects.filter(session_key=session_key).update(last_seen=timezone.now())


def sessions_end(*, user: User, keep_session_key: str | None = None) -> int:
    """Sign `user` out of every session but `keep_session_key`. Returns how many were ended."""
    engine = import_module(settings.SESSION_ENGINE)
    ended = 0
    for row in UserSession.objects.filter(user=user).exclude(session_key=keep_session_key or ""):
        engine.SessionStore(session_key=row.session_key).delete()
        row.delete()
        ended += 1
    return ended


@transaction.atomic
def user_deactivate(*, user: User, actor, reason: str = "") -> int:
    """Deactivate `user` and delete every session they hold, tracked or not, so re-activating the
    account later never revives an old cookie. Writes an audit entry; returns the sessions deleted."""
    user.is_active = False
    user.deactivated_at = user.deactivated_at or timezone.now()  # the retention schedule counts from it
    user.save(update_fields=["is_active", "deactivated_at"])
    ended = sessions_end(user=user)
    if issubclass(import_module(settings.SESSION_ENGINE).SessionStore, db_sessions.SessionStore):
        from django.contrib.sessions.models import Session

        # Sessions from before they were tracked (or lost their row): read each live one.
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
            if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
                session.delete()
                ended += 1
    audit.record(
        actor=actor, action="user.deactivated", target=user, summary=reason or user.email, data={"sessions": ended}
    )
    return ended


def security_alert(*, user: User, what: str, to: list[str] | None = None) -> None:
    """Tell the account holder something changed about how they sign in."""
    notifications.send(
        to=to or [user.email],
        template="security_alert",
        context={"user": user, "what": what, "when": timezone.now(), "ip_address": audit.current_ip.get()},
    )


@transaction.atomic
def password_change(*, user: User, new_password: str, keep_session_key: str | None) -> None:
    """Set a new password, sign out the person's other sessions and email an alert."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    sessions_end(user=user, keep_session_key=keep_session_key)
    audit.record(actor=user, action="password.changed", target=user)
    security_alert(user=user, what="Your password was changed.")


@transaction.atomic
def password_reset_complete(*, user: User) -> None:
    """After a password was reset from an emailed link: sign out every session, audit, alert."""
    sessions_end(user=user)
    audit.record(actor=user, action="password.reset", target=user)
    security_alert(user=user, what="Your password was reset using a link sent to this email address.")


@transaction.atomic
def email_change(*, user: User, new_email: str, keep_session_key: str | None) -> None:
    """Change the sign-in email, sign out other sessions, and alert both the old and new address."""
    old_email = user.email
    user.email = new_email.strip().lower()
    user.save(update_fields=["email"])
    sessions_end(user=user, keep_session_key=keep_session_key)
    audit.record(actor=user, action="email.changed", target=user, data={"from": old_email, "to": user.email})
    security_alert(
        user=user,
        what=f"The email address you sign in with changed from {old_email} to {user.email}.",
        to=[old_email, user.email],
    )


def second_factor_pending_device(*, user: User):
    """The authenticator being set up for `user` (created unconfirmed on first call, reused after)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def second_factor_confirm(*, user: User, device_id: int, token: str) -> tuple[object, list[str]]:
    """Confirm the pending authenticator with a code from it; replace any earlier second factor.

    Returns the device and the new recovery codes (shown once; only the codes are stored, to be
    deleted as they are used). Sends an alert.
    """
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
    if device is None:
        raise SecondFactorError("This set-up has expired. Scan the new QR code and try again.")
    if not device.verify_token(_digits(token)):
        raise SecondFactorError("The code is not right. Enter the 6-digit code your authenticator app shows now.")
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [_recovery_code() for _ in range(settings.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    audit.record(actor=user, action="second_factor.added", target=user)
    security_alert(user=user, what="An authenticator app was set up as your second factor for signing in.")
    return device, codes


def second_factor_verify(*, user: User, token: str):
    """Check a code from the authenticator, or a recovery code (each works once).

    Returns the device that accepted it, or raises SecondFactorError. A code already used, or
    used in the same 30 seconds, is refused (django-otp keeps the last time step).
    """
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    cleaned = token.strip().replace(" ", "").replace("-", "").lower()
    if not cleaned:
        raise SecondFactorError("Enter the 6-digit code from your authenticator app, or a recovery code")
    with transaction.atomic():
        if cleaned.isdigit():
            for device in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
                allowed, _ = device.verify_is_allowed()
                if not allowed:
                    raise SecondFactorError("Too many wrong codes. Wait a minute, then try again.")
                if device.verify_token(cleaned):
                    return device
        else:
            for device in StaticDevice.objects.select_for_update().filter(user=user, confirmed=True):
                if device.verify_token(cleaned):
                    audit.record(actor=user, action="second_factor.recovery_code_used", target=user)
                    return device
    raise SecondFactorError(
        "The code is not right, or it has already been used. Enter the code your authenticator app shows now."
    )


@transaction.atomic
def second_factor_reset(*, user: User, actor: User, keep_session_key: str | None = None) -> None:
    """Remove `user`'s authenticator and recovery codes (an admin's reset, or the person's own),
    and sign them out of their other sessions. Sends an alert."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    sessions_end(user=user, keep_session_key=keep_session_key)
    audit.record(actor=actor, action="second_factor.reset", target=user)
    security_alert(
        user=user, what="Your second factor for signing in was removed. You will be asked to set it up again."
    )


def _digits(token: str) -> str:
    return "".join(ch for ch in token if ch.isdigit())


def _recovery_code() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))
