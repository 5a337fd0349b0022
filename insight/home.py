"""Insight's links in the header's navigation (registered in InsightConfig.ready)."""

from django.urls import reverse

from accreditation.home import NavItem
from accreditation.permissions import can_view_audit_trail, is_hw_admin


def nav(user) -> list[NavItem]:
    if is_hw_admin(user):
        # The H&W team reaches the audit trail from the dashboard and the "Scheme admin" page.
        return [NavItem("Dashboard", reverse("insight:dashboard"), order=59)]
    if can_view_audit_trail(user):
        return [NavItem("Audit trail", reverse("insight:audit_trail"), order=91)]
    return []
