"""What a school's pages show has a version: the id of the newest change recorded for the school
(or for every school). Pages that are expensive to draw are cached under it (issue 20).

How a change is recorded
------------------------
`SchoolChange` is an append-only log. Each app hands its models to `track_app()` in its
AppConfig.ready(); from then on every save, delete and many-to-many change of those models adds a
row for the school the object belongs to, found by following foreign keys to `School` (an
evidence item's school, a review's agenda item's application's school). Objects that belong to no
school (a meeting, a criterion, a team) add a row for every school (`school_id` empty). The row is
written in the same transaction as the change, so a page can never see the new version with the
old data; rows are only ever inserted, so writers never wait for each other's locks (a counter
row per school would have been updated by every writer, and a writer holding it while locking an
application, as submission does, could deadlock with one doing the reverse).

Set-based statements (`QuerySet.update()`, `bulk_create()`, raw SQL) send no signals: each calls
`changed()` or `changed_everywhere()` just after it, or runs inside `with changing(queryset):`, and
`tests/architecture/test_school_versions.py` refuses a new one
that does not (or that is not listed there with the reason it changes nothing a page shows).

How a page reads it
-------------------
A change is recorded twice: in the transaction, and again just after it commits (ids come from a
sequence in insert order, not commit order; see `log._insert`). A person's name or email changing
changes every school's pages (`track_people`).

`version_for(school_id)` (one indexed query) is read before anything the page shows; a render
stored under a version is therefore never older than the version says. `cached_render()` keys a
render on the page, the version, the day, the person and their session's CSRF secret (so forms in
the cached part keep working), and anything else the caller names. Renders expire after
`SCHOOL_PAGE_CACHE_SECONDS` whatever happens: the bound on anything a version does not cover
(a person's changed name shown beside their change, for instance).

`prune_school_changes` (weekly) deletes all but each school's newest row and the newest global row.
"""

from .log import changed, changed_everywhere, changing, track_app, track_people, version_for
from .pages import cached_render, store_page, stored_page

__all__ = [
    "cached_render",
    "changed",
    "changed_everywhere",
    "changing",
    "store_page",
    "stored_page",
    "track_app",
    "track_people",
    "version_for",
]
