"""The version of a meeting's page (issue 20), for `schools.versions.cached_render`.

A meeting page shows the applications on its agenda (30 schools), their reviews, decisions and
recusals, who attended, and how many submitted applications wait for a meeting. Its version is
read in one statement before any of that: which items are on the agenda (their number, the sum of
their ids and of their squares, so an item moved away, or two swapped for two, changes it), the
newest change to any of those schools' records, the newest change to every school's (a meeting,
attendance, a group member: models with no school), and the number waiting (the selector's own
query, compiled once per process, so the rule stays in one place and a served page builds no ORM
query)."""

from django.db import connection

from accreditation.compiled import read_cursor
from portfolios.models import Application
from schools.models import SchoolChange
from schools.versions.log import is_possible_id

from .models import AgendaItem
from .selectors import applications_waiting_for_meeting

_statements: dict = {}  # {database vendor: (sql, params before the meeting's ids)}


def _statement():
    vendor = connection.vendor
    if vendor not in _statements:
        quote = connection.ops.quote_name
        items, applications, log = (quote(m._meta.db_table) for m in (AgendaItem, Application, SchoolChange))
        waiting, waiting_params = applications_waiting_for_meeting().order_by().values("pk").query.sql_with_params()
        sql = (
            f"SELECT (SELECT COUNT(*) FROM ({waiting}) w), COUNT(*), COALESCE(SUM(i.id), 0), "  # noqa: S608 - from _meta
            f"COALESCE(SUM(i.id * i.id), 0), "
            # Per item, by index: its application's school, that school's newest change. (As a join
            # of the agenda with every application the planner hashed the whole table, and the
            # statement took 0.8 ms at 1,856 applications, growing with the county's history; now
            # 0.26 ms, EXPLAIN ANALYZE on the bench data.)
            f"COALESCE(MAX((SELECT MAX(c.id) FROM {log} c WHERE c.school_id = ("
            f"SELECT a.school_id FROM {applications} a WHERE a.id = i.application_id))), 0), "
            f"COALESCE((SELECT MAX(id) FROM {log} WHERE school_id IS NULL), 0) "
            f"FROM {items} i WHERE i.meeting_id = %s"
        )
        _statements[vendor] = (sql, tuple(waiting_params))
    return _statements[vendor]


def of_meeting(request, pk) -> str | None:
    if not is_possible_id(pk):
        return None  # no such meeting: the view answers 404
    sql, params = _statement()
    with read_cursor(connection) as cursor:  # prepared once per connection
        cursor.execute(sql, [*params, pk])
        waiting, count, ids, squares, schools, everyone = cursor.fetchone()
    return f"{pk}.{count}.{ids}.{squares}.{schools}.{everyone}.{waiting}"
