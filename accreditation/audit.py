"""The audit trail: services call record(); nothing edits or deletes an entry through the portal.

The client's address comes from the request being served (RequestContextMiddleware), so services
never take a request and a scheduled job records no address.
"""

from contextvars import ContextVar

from .compiled import CompiledQuery
from .models import AuditEvent
from .observability import current_request_id

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def newest_entry_id() -> int:
    """The id of the newest audit entry (0 when there is none), in one indexed query: the version
    of anything only audited changes alter. Every service that changes an award, a decision, an
    application's state or a registration records an entry, so a cache keyed on this id is
    renewed by the first view after such a change."""
    found = _NEWEST.rows()
    return found[0][0] if found else 0


# Read on every view of the register and the county pages: compiled once (issue 20).
_NEWEST = CompiledQuery(lambda: AuditEvent.objects.order_by("-pk").values_list("pk")[:1], keyed=False)


def record(*, actor, action: str, target=None, summary: str = "", data: dict | None = None) -> AuditEvent:
    """Append one audit event. `actor` may be None for the system."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor.email if actor else "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        summary=summary,
        ip_address=current_ip.get(),
        data=data or {},
        request_id=current_request_id.get(),
    )


def record_many(*, actor, action: str, entries) -> list[AuditEvent]:
    """Append one audit event per (target, summary) pair in `entries`, with one INSERT: for jobs
    that change many rows at once (a nightly sweep). `actor` may be None for the system."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    ip_address = current_ip.get()
    request_id = current_request_id.get()
    return AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=actor,
                actor_label=actor.email if actor else "",
                action=action,
                target_type=target._meta.label_lower,
                target_id=str(target.pk),
                target_label=str(target)[:300],
                summary=summary,
                ip_address=ip_address,
                data={},
                request_id=request_id,
            )
            for target, summary in entries
        ]
    )
