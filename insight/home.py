"""Insight's links in the header's navigation and on the admins' pages (registered in
InsightConfig.ready)."""

from django.urls import reverse

from accreditation.home import NavItem, PageLink
from accreditation.permissions import can_view_audit_trail, is_hw_admin


def nav(user) -> list[NavItem]:
    if is_hw_admin(user):
        # The H&W team reaches the audit trail from the dashboard and the "Scheme admin" page.
        return [NavItem("Dashboard", reverse("insight:dashboard"), order=59)]
    if can_view_audit_trail(user):
        return [NavItem("Audit trail", reverse("insight:audit_trail"), order=91)]
    return []


def admin_home_links(user) -> list[PageLink]:
    if not is_hw_admin(user):
        return []
    return [
        PageLink("Scheme dashboard", reverse("insight:dashboard"), order=1),
        PageLink("CSV exports", reverse("insight:exports"), order=2),
        PageLink("evidence retention", reverse("insight:retention_preview"), order=3),
        PageLink("the retention schedule for every kind of record", reverse("insight:retention_records"), order=4),
        PageLink("subject access requests", reverse("insight:subject_access"), order=5),
        PageLink("indicators against their targets", reverse("insight:indicators"), order=6),
        PageLink("the board report", reverse("insight:board_reports"), order=7),
    ]


def scheme_admin_links(user) -> list[PageLink]:
    if not can_view_audit_trail(user):
        return []
    description = "Every state change, decision, override, role change and download, with who did it and when."
    return [PageLink("Audit trail", reverse("insight:audit_trail"), description, order=90)]
