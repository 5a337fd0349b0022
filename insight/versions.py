"""Versions of insight's pages, which read every app: a page cached under one is drawn afresh after
any audited change or any change to a school's pages (schools.versions), and each day."""

from datetime import date

from django.utils import timezone


def county_version(as_of: date) -> str:
    """The day, the newest audit entry and the newest change to any school's pages (unaudited
    changes too: an advice request, a public registration); two indexed queries."""
    from accreditation import audit
    from schools.versions.log import newest_change_id

    return f"{as_of.isoformat()}:{audit.newest_entry_id()}:{newest_change_id()}"


def county_page(request) -> str:
    """`county_version` today: the version of the dashboard and indicators pages."""
    return county_version(timezone.localdate())
