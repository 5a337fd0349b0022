"""Traces of refusals: what a person asked for and was refused leaves an audit entry, and a person
who keeps asking for what is not theirs alerts the H&W team, once a window.

A refusal is not a change, so these entries carry actions starting with "security." (the audit
trail shows them; counts of changes leave them out). Each is written in its own transaction, so
the refusal rolling back the work does not take its trace with it.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import audit, notifications
from .models import AuditEvent, User

PROBE_ACTION = "security.not_found"


def record_refusal(*, actor, action: str, summary: str, data: dict | None = None) -> None:
    """Write the trace of one refusal (outside any transaction that is rolling back)."""
    with transaction.atomic():
        audit.record(actor=actor, action=f"security.{action}", summary=summary[:500], data=data or {})


def record_not_found(*, user, path: str) -> None:
    """A signed-in person asked for a page of the portal that is not theirs (or not there): trace
    it, and when they have done so PROBE_ALERT_THRESHOLD times within PROBE_ALERT_WINDOW, email the
    H&W team once for that window."""
    record_refusal(actor=user, action="not_found", summary=path, data={"path": path[:500]})
    window = settings.PROBE_ALERT_WINDOW
    since = timezone.now() - window
    count = AuditEvent.objects.filter(actor=user, action=PROBE_ACTION, created_at__gte=since).count()
    if count < settings.PROBE_ALERT_THRESHOLD:
        return
    admins = sorted(User.objects.filter(is_hw_admin=True, is_active=True).values_list("email", flat=True))
    if not admins:
        return
    slot = int(timezone.now().timestamp() // window.total_seconds())
    paths = list(
        AuditEvent.objects.filter(actor=user, action=PROBE_ACTION, created_at__gte=since)
        .order_by("-created_at")
        .values_list("summary", flat=True)[:10]
    )
    notifications.send_once(
        kind="security.probe_alert",
        key=f"{user.pk}:{slot}",
        to=admins,
        template="security_probe_alert",
        context={"person": user, "count": count, "minutes": int(window / timedelta(minutes=1)), "paths": paths},
    )
