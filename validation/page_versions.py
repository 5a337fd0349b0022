"""The version of a meeting's page (issue 20), for `schools.versions.cached_render`.

A meeting page shows the applications on its agenda (30 schools), their reviews, decisions and
recusals, who attended, and how many submitted applications wait for a meeting. Its version is
read in one statement before any of that: which items are on the agenda (their number, the sum of
their ids and of their squares, so an item moved away, or two swapped for two, changes it, even by
a statement that recorded no change) and the newest change recorded for any school or for every
school (`schools.versions`). Every model the page shows is tracked there, applications waiting
included, so any change anywhere in the county draws the page afresh, as it does the dashboard.

Until 3 December the version named only the changes to the agenda's own schools, found item by
item (60 index lookups, 0.35-0.45 ms of the database's time on every view) and counted the
applications waiting. A meeting page is read by a dozen validators around a meeting; a change to a
school elsewhere now costs them one fresh drawing of the page (about 20 ms), and every view served
from the cache costs one index lookup for the newest change."""

from django.db import connection

from accreditation.compiled import read_rows
from schools.models import SchoolChange
from schools.versions.log import is_possible_id

from .models import AgendaItem

_statements: dict = {}  # {database vendor: sql}


def _statement() -> str:
    vendor = connection.vendor
    if vendor not in _statements:
        quote = connection.ops.quote_name
        items, log = (quote(m._meta.db_table) for m in (AgendaItem, SchoolChange))
        _statements[vendor] = (
            f"SELECT COUNT(*), COALESCE(SUM(i.id), 0), COALESCE(SUM(i.id * i.id), 0), "  # noqa: S608 - from _meta
            f"COALESCE((SELECT MAX(id) FROM {log}), 0) FROM {items} i WHERE i.meeting_id = %s"
        )
    return _statements[vendor]


def of_meeting(request, pk) -> str | None:
    if not is_possible_id(pk):
        return None  # no such meeting: the view answers 404
    [(count, ids, squares, newest)] = read_rows(connection, _statement(), [pk])  # prepared once per connection
    return f"{pk}.{count}.{ids}.{squares}.{newest}"
