from datetime import datetime, time

from django.db.models import Q
from django.utils import timezone

from .models import AuditEvent


def audit_events(*, text="", action="", date_from=None, date_to=None):
    """Audit events matching an admin's search, newest first."""
    events = AuditEvent.objects.select_related("actor")
    if text:
        events = events.filter(
            Q(actor_label__icontains=text)
            | Q(target_label__icontains=text)
            | Q(summary__icontains=text)
            | Q(ip_address__startswith=text)
        )
    if action:
        events = events.filter(action__startswith=action)
    if date_from:
        events = events.filter(created_at__gte=timezone.make_aware(datetime.combine(date_from, time.min)))
    if date_to:
        events = events.filter(created_at__lte=timezone.make_aware(datetime.combine(date_to, time.max)))
    return events.order_by("-created_at", "-id")


def audit_action_prefixes():
    """The kinds of event recorded so far ("application", "user", ...), for the filter."""
    actions = AuditEvent.objects.values_list("action", flat=True).distinct().order_by("action")
    return sorted({action.split(".")[0] for action in actions})


# ----------------------------------------------------------------------------- mail queue (issue 24)

MAIL_QUEUE_VIEWS = {
    "failed": ("Failed", ["failed"]),
    "waiting": ("Waiting to be sent", ["pending", "sending"]),
    "cancelled": ("Cancelled", ["cancelled"]),
    "sent": ("Sent", ["sent"]),
}


def mail_queue(*, show: str):
    """Outbox messages in one of MAIL_QUEUE_VIEWS, newest first (bodies are not loaded: they may
    hold sign-in links)."""
    from .models import OutboxMessage

    statuses = MAIL_QUEUE_VIEWS.get(show, MAIL_QUEUE_VIEWS["failed"])[1]
    return (
        OutboxMessage.objects.filter(status__in=statuses)
        .only(
            "id",
            "created_at",
            "template",
            "to",
            "subject",
            "status",
            "attempts",
            "sent_at",
            "last_error",
            "next_attempt_at",
        )
        .order_by("-created_at", "-id")
    )


def mail_queue_counts() -> dict:
    from django.db.models import Count

    from .models import OutboxMessage

    by_status = dict(OutboxMessage.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {
        key: sum(by_status.get(status, 0) for status in statuses) for key, (_, statuses) in MAIL_QUEUE_VIEWS.items()
    }
