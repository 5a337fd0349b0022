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
