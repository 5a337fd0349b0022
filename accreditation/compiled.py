"""Queries on every signed-in request, compiled to SQL once (issue 20).

Building a queryset's SQL costs Django more than PostgreSQL takes to answer a lookup by key: on
the cached school pages the session, the person's memberships and the person themselves were about
1.9 ms of Python per request before the first byte of the page (`benchmarks/profile_pages.py`),
three quarters of it in the ORM's compiler. `CompiledQuery` compiles a `values_list` queryset once
per database connection's vendor with a stand-in for its one changing value, then runs the same SQL
with the real value, converting each column as the ORM would. Only for reads by one key whose shape
never changes; everything else goes through the ORM as usual.

On PostgreSQL these statements are also prepared (`read_rows`): the same few statements run on
every signed-in request, and planning them took PostgreSQL longer than running them (0.1-0.2 ms
each, EXPLAIN ANALYZE on the bench data). Django's cursors bind parameters client-side and never
prepare; `read_rows` runs them through a Django cursor over a psycopg cursor that binds server-side
and prepares, so each connection (kept CONN_MAX_AGE seconds) plans each statement once.
`PREPARED_READS = False` turns it off for a transaction-pooling connection pooler that cannot
keep prepared statements.

The first of these reads in a request is also the connection's health check. With
CONN_HEALTH_CHECKS, Django sends `SELECT 1` before a request's first query on a connection kept
from an earlier request, so that a connection the database dropped (a restart, a failover) is
replaced instead of failing the request: a round trip on every request. Here the request's first
read is sent as it is; if it fails and the connection no longer answers, the connection is
replaced and the read sent once more on the new one, which is what the health check would have
done; an error on a connection that still answers is raised as it is.
"""

from collections.abc import Callable

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.db.models import QuerySet
from psycopg import postgres, pq

# Stands for the changing value while a statement is compiled; never a real id (ids are positive)
# nor a session key (those are 32 letters and digits). Within a 32-bit integer column's range: Django
# compiles a lookup past a column's range to "nothing found" instead of SQL.
PLACEHOLDER = -2_046_183_739


class CompiledQuery:
    """`build(value)` returns a `values_list` queryset filtered on `value`; `rows(value)` runs its
    SQL, compiled on first use per database, with `value` in the stand-in's place. With
    `keyed=False`, `build()` takes nothing and `rows()` runs the same statement every time."""

    def __init__(self, build: Callable[..., QuerySet], *, keyed: bool = True, using: str = "default"):
        self._build = build
        self._keyed = keyed
        self._using = using
        self._statements: dict = {}  # {vendor: (sql, params, index of the value, converters)}

    def _statement(self, connection):
        statement = self._statements.get(connection.vendor)
        if statement is None:
            queryset = self._build(PLACEHOLDER) if self._keyed else self._build()
            compiler = queryset.query.get_compiler(using=self._using)
            sql, params = compiler.as_sql()
            # A text column receives the stand-in as text.
            found = [i for i, param in enumerate(params) if param in (PLACEHOLDER, str(PLACEHOLDER))]
            if len(found) != int(self._keyed):
                raise ValueError("CompiledQuery: the queryset must use its value exactly once (none unkeyed)")
            converters = compiler.get_converters([column[0] for column in compiler.select])
            statement = (sql, tuple(params), found[0] if found else None, converters)
            self._statements[connection.vendor] = statement
        return statement

    def rows(self, value=None) -> list[tuple]:
        connection = connections[self._using]
        sql, params, at, converters = self._statement(connection)
        params = list(params)
        if at is not None:
            params[at] = value
        rows = read_rows(connection, sql, params)
        if not converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for index, (functions, expression) in converters.items():
                for function in functions:
                    row[index] = function(row[index], expression, connection)
            converted.append(tuple(row))
        return converted


def attnames(model) -> list[str]:
    """A model's concrete columns in the order `Model.from_db` takes them."""
    return [field.attname for field in model._meta.concrete_fields]


def read_rows(connection, sql: str, params=()) -> list[tuple]:
    """The rows of one read made on every request. On PostgreSQL (unless PREPARED_READS is off) the
    statement is prepared (`PreparingCursor`) and, as a request's first query on a kept connection,
    is its health check (see the module's docstring); elsewhere it runs on `connection.cursor()`."""
    if connection.vendor != "postgresql" or not getattr(settings, "PREPARED_READS", False):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    if not _health_unknown(connection):
        connection.close_if_health_check_failed()  # nothing to check, or in a transaction: Django's check
        return _prepared_rows(connection, sql, params)
    try:
        rows = _prepared_rows(connection, sql, params)
    except (OperationalError, InterfaceError):
        if connection.is_usable():
            raise  # the statement failed, not the connection
        connection.close()  # the database dropped it since the last request
        rows = _prepared_rows(connection, sql, params)  # on a new connection
    connection.health_check_done = True
    return rows


def _health_unknown(connection) -> bool:
    """A connection kept from an earlier request that Django would check before this request's
    first query (CONN_HEALTH_CHECKS), outside any transaction (a read inside one is not retried)."""
    return (
        connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block
    )


def _prepared_rows(connection, sql, params) -> list[tuple]:
    """Django's cursor wrapper (query log, execute wrappers, error translation), opened as
    `connection.cursor()` opens one, over a `PreparingCursor` instead of Django's client-side one."""
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = PreparingCursor(connection.connection)
        _match_timezone(connection, cursor)
    with connection._prepare_cursor(cursor) as wrapped:
        wrapped.execute(sql, params)
        return wrapped.fetchall()


class PreparingCursor(psycopg.Cursor):
    """Binds server-side and prepares every statement it runs (psycopg keeps the prepared
    statements per connection, the most recent `prepared_max` of them)."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        super().execute(query, params, prepare=True, binary=binary)
        # psycopg leaves `_query` empty when it runs a prepared statement by name, and Django's
        # query log (DEBUG, CaptureQueriesContext) reads the statement from it: give it the
        # statement, with its placeholders ($1), as an unprepared run would.
        self._query = self._converted
        return self

    def _convert_query(self, query, params=None):
        self._converted = super()._convert_query(query, params)
        return self._converted


def _match_timezone(connection, cursor):
    """What Django's `create_cursor` does for psycopg 3: a cursor reads timestamps in the
    connection's time zone when the adapters it was given disagree."""
    loader = connection.connection.adapters.get_loader(postgres.types.get("timestamptz").oid, pq.Format.TEXT)
    if connection.timezone != loader.timezone:
        register_tzloader(connection.timezone, cursor)
