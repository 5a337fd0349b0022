from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accreditation import selectors
from accreditation.csv_export import csv_response
from accreditation.forms import AuditSearchForm
from accreditation.permissions import can_view_audit_trail


@require_GET
@login_required
def audit_trail(request):
    if not can_view_audit_trail(request.user):
        raise PermissionDenied
    form = AuditSearchForm(request.GET or None, action_choices=selectors.audit_action_prefixes())
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_events(**{k: v for k, v in filters.items() if v})
    if request.GET.get("format") == "csv" and (form.is_valid() or not request.GET):
        rows = (
            (
                e.created_at.isoformat(),
                e.actor_label or "system",
                e.action,
                e.target_type,
                e.target_label,
                e.summary,
                e.ip_address or "",
            )
            for e in events.iterator(chunk_size=2000)
        )
        header = ["when", "who", "action", "object type", "object", "summary", "address"]
        return csv_response("audit-trail.csv", header, rows)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "insight/audit_trail.html", {"form": form, "page": page, "query": query.urlencode()})
