"""The version of a meeting's page (issue 20), for `schools.versions.cached_render`.

A meeting page shows the applications on its agenda (30 schools), their reviews, decisions and
recusals, who attended, and how many submitted applications wait for a meeting. Its version is
read in one statement before any of that: which items are on the agenda (their number and ids, so
an item moved away changes it), the newest change to any of those schools' records, the newest
change to every school's (a meeting, attendance, a group member: models with no school), then the
number waiting (the selector's own count, so the rule stays in one place)."""

from django.db import connection

from portfolios.models import Application
from schools.models import SchoolChange

from .models import AgendaItem
from .selectors import applications_waiting_for_meeting


def of_meeting(request, pk) -> str:
    quote = connection.ops.quote_name
    items, applications, log = (quote(m._meta.db_table) for m in (AgendaItem, Application, SchoolChange))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), COALESCE(SUM(i.id), 0), "  # noqa: S608 - table names from _meta
            f"COALESCE((SELECT MAX(c.id) FROM {log} c WHERE c.school_id IN ("
            f"SELECT a.school_id FROM {applications} a JOIN {items} j ON j.application_id = a.id "
            f"WHERE j.meeting_id = %s)), 0), "
            f"COALESCE((SELECT MAX(id) FROM {log} WHERE school_id IS NULL), 0) "
            f"FROM {items} i WHERE i.meeting_id = %s",
            [pk, pk],
        )
        count, ids, schools, everyone = cursor.fetchone()
    waiting = applications_waiting_for_meeting().count()
    return f"{pk}.{count}.{ids}.{schools}.{everyone}.{waiting}"
