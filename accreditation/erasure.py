"""Replacing a person's identity with a label, for the retention schedule (accounts deactivated a
year ago) and for erasure on request.

What stays: the account row (so the records a person touched keep pointing at something) and
every record of what they did. What goes: their name, email, job title, phone, password, second
factor devices, sessions, invitations, failed sign-in records, and the copies of emails the portal
sent to them. In the audit trail their email and name are replaced by the label wherever they
appear. Other apps hold personal details too (registrations, reviews): the caller (the insight
app, which reads every app) asks those apps to do their part in the same transaction.
"""

from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Replace
from django.utils import timezone

from . import audit
from .models import AuditEvent, Invitation, OutboxMessage, User
from .services import sessions_end

ANONYMISED_DOMAIN = "anonymised.invalid"
FORMER_STAFF = "Former staff member"


def anonymised_email(user_pk: int) -> str:
    return f"person-{user_pk}@{ANONYMISED_DOMAIN}"


def _replace_text(queryset, field: str, old: str, new: str) -> None:
    if old:
        queryset.filter(**{f"{field}__contains": old}).update(**{field: Replace(field, Value(old), Value(new))})


@transaction.atomic
def user_anonymise(*, user: User, label: str = FORMER_STAFF, by: User | None = None, reason: str) -> User:
    """Replace `user`'s name and email by `label` everywhere the core app holds them, end their
    sessions and take away every way to sign in. Idempotent: an anonymised account is returned as
    it is. Records an `account.anonymised` audit event whose summary is `reason` (no personal data).
    Sends nothing: there is no one left to send to."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.anonymised_at:
        return user
    old_email, old_name = user.email, user.get_full_name()
    now = timezone.now()

    sessions_end(user=user)
    Invitation.objects.filter(user=user).delete()
    from django_otp import devices_for_user

    for device in devices_for_user(user, confirmed=None):
        device.delete()
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=old_email).delete()

    # Emails sent to them: a copy only for them goes; a shared one loses their address.
    for message in OutboxMessage.objects.filter(to__icontains=old_email):
        remaining = [address for address in message.to if address.lower() != old_email.lower()]
        if len(remaining) == len(message.to):
            continue
        if remaining:
            message.to = remaining
            message.save(update_fields=["to"])
        else:
            message.delete()

    events = AuditEvent.objects.all()
    events.filter(actor=user).update(actor_label=label)
    for field in ("summary", "target_label", "actor_label"):
        _replace_text(events, field, old_email, label)
        if len(old_name) >= 3:
            _replace_text(events, field, old_name, label)
    events.filter(target_type=User._meta.label_lower, target_id=str(user.pk)).update(target_label=label)

    user.first_name, user.last_name = label, ""
    user.email = anonymised_email(user.pk)
    user.job_title = user.phone = ""
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = user.is_superuser = user.is_hw_admin = False
    user.deactivated_at = user.deactivated_at or now
    user.anonymised_at = now
    user.save()
    audit.record(actor=by, action="account.anonymised", target=user, summary=reason)
    return user


def users_mark_deactivated(*, now=None) -> int:
    """Stamp `deactivated_at` on accounts found inactive without one, and clear it on accounts
    active again, so the retention clock starts the first time the sweep sees an account off,
    however it was switched off (a school's team page, support staff). Set-based and idempotent."""
    now = now or timezone.now()
    User.objects.filter(is_active=True, anonymised_at__isnull=True).exclude(deactivated_at=None).update(
        deactivated_at=None
    )
    return User.objects.filter(is_active=False, deactivated_at=None).update(deactivated_at=now)


def users_due_for_anonymising(*, deactivated_before):
    """Accounts deactivated on or before the cut-off and not yet anonymised. Support staff
    (superusers) are left to their own process."""
    return User.objects.filter(
        Q(is_active=False) & Q(anonymised_at=None) & Q(deactivated_at__lte=deactivated_before) & Q(is_superuser=False)
    )
