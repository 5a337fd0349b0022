"""The change log behind school page versions: recording (signals and explicit calls) and reading.
See the package's docstring for the rules."""

from collections import deque
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Exists, ForeignKey, OneToOneField, OuterRef
from django.db.models.signals import m2m_changed, post_delete, post_save

from accreditation.compiled import read_rows

# {model: path of foreign-key field names from the model to School ([] for School itself), or
# None when the model belongs to no school}
_paths: dict = {}
_MAX_DEPTH = 4


def _school_model():
    from schools.models import School

    return School


def _log_model():
    from schools.models import SchoolChange

    return SchoolChange


def school_path(model) -> list[str] | None:
    """The shortest chain of foreign keys from `model` to School, by field name; None if none.
    Keys to people (the user model) are not followed: a person is in many schools."""
    if model in _paths:
        return _paths[model]
    school = _school_model()
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    found = None
    queue = deque([(model, [])])
    seen = {model}
    while queue:
        current, path = queue.popleft()
        if current is school:
            found = path
            break
        if len(path) >= _MAX_DEPTH:
            continue
        for field in current._meta.concrete_fields:
            if not isinstance(field, ForeignKey | OneToOneField):
                continue
            target = field.related_model
            if target is user_model or target in seen:
                continue
            seen.add(target)
            queue.append((target, [*path, field.name]))
    _paths[model] = found
    return found


def schools_of(instance) -> set[int] | None:
    """The ids of the schools `instance` belongs to, or None when it belongs to no one school (its
    model has no path to a school, as a meeting, or its own path is empty, as a registration not
    yet approved): a change to it is a change to every school's pages."""
    path = school_path(type(instance))
    if path is None:
        return None
    if not path:
        return {instance.pk}
    obj = instance
    for index, name in enumerate(path):
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        if value is None:
            return None  # not (yet) any one school's, as a registration before approval: everyone's
        if index == len(path) - 1:
            return {value}
        if field.is_cached(obj):
            obj = getattr(obj, name)
            continue
        rest = "__".join(path[index + 1 :])
        found = field.related_model._default_manager.filter(pk=value).values_list(rest, flat=True).first()
        return {found} if found is not None else None
    return None


def _insert(school_ids: Iterable[int | None], *, everyone: bool = False) -> None:
    """Add the rows now, in the caller's transaction, and again once it commits.

    The first row moves the version in the same transaction as the data. The second closes a gap
    the first leaves on PostgreSQL: ids come from a sequence when a row is inserted, not when it
    commits, so a long transaction's row can be older than a row another transaction committed
    meanwhile, and a page drawn in between (without the long transaction's data) would be stored
    under a version its commit does not move. An id taken after the commit is newer than any a
    reader of the old data can have seen. (Outside a transaction both run at once.)"""
    ids = sorted({school_id for school_id in school_ids if school_id is not None})
    if not ids and not everyone:
        return
    rows = [*ids, None] if everyone else ids
    _write(rows)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: _write(rows))


def _write(rows) -> None:
    model = _log_model()
    model.objects.bulk_create([model(school_id=school_id) for school_id in rows])


def changed(school_ids: Iterable[int]) -> None:
    """Record a change to these schools' pages, just after a set-based statement made it (in its
    transaction when there is one)."""
    _insert(school_ids)


@contextmanager
def changing(queryset):
    """`with changing(queryset): queryset.update(...)`: records a change to the schools of the rows
    `queryset` selects, read before the block (afterwards they may no longer match) and recorded
    after it, so that outside a transaction too the version moves only once the data has."""
    path = school_path(queryset.model)
    if path is None:
        ids, everyone = [], True
    else:
        lookup = "__".join(path) if path else "pk"
        ids, everyone = list(queryset.order_by().values_list(lookup, flat=True).distinct()), False
    yield
    _insert(ids, everyone=everyone)


def changed_everywhere() -> None:
    """Record a change to every school's pages (reference data: meetings, criteria, guidance)."""
    _insert([], everyone=True)


def changed_for(instance) -> None:
    schools = schools_of(instance)
    if schools is None:
        changed_everywhere()
    else:
        _insert(schools)


def _on_save_or_delete(sender, instance, raw=False, **kwargs):
    if raw:  # fixtures being loaded
        return
    changed_for(instance)


def _on_m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A link added or removed changes the pages of the schools on both sides. A side that belongs
    to no school (a criterion) changes every school's pages only when the other side does too."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    mine = schools_of(instance)
    theirs_path = school_path(model)
    ids = set(mine or ())
    if pk_set and theirs_path is not None:
        if not theirs_path:
            ids |= set(pk_set)
        else:
            lookup = "__".join(theirs_path)
            ids |= set(model._default_manager.filter(pk__in=pk_set).values_list(lookup, flat=True).distinct())
    if mine is None and (theirs_path is None or action == "post_clear"):
        changed_everywhere()  # both sides everyone's, or which objects were unlinked is no longer known
    _insert(ids)


_tracked: set = set()


def track_app(app_config) -> None:
    """Record changes to every model of this app (its AppConfig.ready() calls this)."""
    log_model = _log_model()
    for model in app_config.get_models():
        if model is log_model or model in _tracked:
            continue
        _tracked.add(model)
        uid = f"school-versions:{model._meta.label_lower}"
        post_save.connect(_on_save_or_delete, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_on_save_or_delete, sender=model, dispatch_uid=uid + ":delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(_on_m2m, sender=field.remote_field.through, dispatch_uid=f"{uid}:{field.name}")


# What a page shows of a person: a change to any of these changes every school's pages (a name is
# shown beside a school's history, a reviewer's beside every agenda).
PERSON_FIELDS = {"first_name", "last_name", "email"}


def _on_person(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and not set(update_fields) & PERSON_FIELDS):
        return  # signing in saves last_login only
    changed_everywhere()


def track_people() -> None:
    """Record a change to every school's pages when a person's name or email changes, or they are
    erased or deleted (the schools app's ready() calls this)."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    post_save.connect(_on_person, sender=model, dispatch_uid="school-versions:person:save")
    post_delete.connect(_on_person, sender=model, dispatch_uid="school-versions:person:delete")


# Ids a database column can hold; a number past them in a URL names nothing (and must not reach
# the raw SQL below, which would fail instead of finding nothing).
_MAX_ID = 2**63 - 1


def is_possible_id(value) -> bool:
    return 0 < int(value) <= _MAX_ID


def version_for(school_id: int) -> str | None:
    """The version of the school's pages: its newest change and the newest change to every
    school's, in one indexed query (read it before anything the page shows). None for an id no
    row can have."""
    if not is_possible_id(school_id):
        return None
    table = connection.ops.quote_name(_log_model()._meta.db_table)
    [(own, everyone)] = read_rows(  # prepared once per connection
        connection,
        f"SELECT COALESCE((SELECT MAX(id) FROM {table} WHERE school_id = %s), 0), "  # noqa: S608 - table name from _meta
        f"COALESCE((SELECT MAX(id) FROM {table} WHERE school_id IS NULL), 0)",
        [school_id],
    )
    return f"{school_id}.{own}.{everyone}"


def school_id_of(version: str) -> int:
    """The school a `version_for` or `version_for_school_of` version belongs to."""
    return int(version.split(".", 1)[0])


def version_for_school_of(model, pk) -> str | None:
    """`version_for` the school of one row of `model` (whose `school_id` never changes), found in
    the same query; None when there is no such row."""
    if not is_possible_id(pk):
        return None
    quote = connection.ops.quote_name
    log_table = quote(_log_model()._meta.db_table)
    table, key, school = (
        quote(model._meta.db_table),
        quote(model._meta.pk.column),
        quote(model._meta.get_field("school").column),
    )
    found = read_rows(  # prepared once per connection
        connection,
        f"SELECT o.{school}, COALESCE((SELECT MAX(c.id) FROM {log_table} c WHERE c.school_id = o.{school}), 0), "  # noqa: S608
        f"COALESCE((SELECT MAX(id) FROM {log_table} WHERE school_id IS NULL), 0) FROM {table} o WHERE o.{key} = %s",
        [pk],
    )
    if not found:
        return None
    school_id, own, everyone = found[0]
    return f"{school_id}.{own}.{everyone}"


def prune() -> int:
    """Delete every row with a newer one for the same school (or for every school): a version is
    the newest id, so older rows answer nothing. Idempotent, two set-based DELETEs; returns how
    many went. A change recorded meanwhile is newer than anything deleted."""
    model = _log_model()
    newer_same_school = model.objects.filter(school_id=OuterRef("school_id"), id__gt=OuterRef("id"))
    newer_everyone = model.objects.filter(school_id__isnull=True, id__gt=OuterRef("id"))
    schools, _ = model.objects.filter(school_id__isnull=False).filter(Exists(newer_same_school)).delete()
    everyone, _ = model.objects.filter(school_id__isnull=True).filter(Exists(newer_everyone)).delete()
    return schools + everyone
