"""Versions of insight's pages, which read every app: a page cached under one is drawn afresh after
any audited change or any change to a school's pages (schools.versions), and each day."""

from datetime import date

from django.db import connection
from django.utils import timezone

from accreditation.compiled import read_rows
from accreditation.models import AuditEvent
from schools.models import SchoolChange


def county_version(as_of: date) -> str:
    """The day, the newest audit entry and the newest change to any school's pages (unaudited
    changes too: an advice request, a public registration), read in one statement of two index
    lookups (one round trip on every view of the dashboard and the indicators, issue 20)."""
    quote = connection.ops.quote_name
    audit, changes = (quote(model._meta.db_table) for model in (AuditEvent, SchoolChange))
    [(newest_entry, newest_change)] = read_rows(  # prepared once per connection
        connection,
        f"SELECT COALESCE((SELECT MAX(id) FROM {audit}), 0), COALESCE((SELECT MAX(id) FROM {changes}), 0)",  # noqa: S608 - table names from _meta
    )
    return f"{as_of.isoformat()}:{newest_entry}:{newest_change}"


def county_page(request) -> str:
    """`county_version` today: the version of the dashboard and indicators pages."""
    return county_version(timezone.localdate())
