"""Versions of insight's pages, which read every app: a page cached under one is drawn afresh after
any audited change or any change to a school's pages (schools.versions), and each day."""

from django.utils import timezone


def dashboard_page(request) -> str:
    from .dashboard import dashboard_version

    return dashboard_version(timezone.localdate())


def county_page(request) -> str:
    from accreditation import audit
    from schools.versions.log import newest_change_id

    return f"{timezone.localdate().isoformat()}:{audit.newest_entry_id()}:{newest_change_id()}"
