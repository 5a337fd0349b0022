"""Queries on every signed-in request, compiled to SQL once (issue 20).

Building a queryset's SQL costs Django more than PostgreSQL takes to answer a lookup by key: on
the cached school pages the session, the person's memberships and the person themselves were about
1.9 ms of Python per request before the first byte of the page (`benchmarks/profile_pages.py`),
three quarters of it in the ORM's compiler. `CompiledQuery` compiles a `values_list` queryset once
per database connection's vendor with a stand-in for its one changing value, then runs the same SQL
with the real value, converting each column as the ORM would. Only for reads by one key whose shape
never changes; everything else goes through the ORM as usual.
"""

from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet

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
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
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
