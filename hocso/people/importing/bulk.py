"""Insert and update many rows without the ORM's per-value overhead.

`bulk_create` spends most of its time preparing values and `bulk_update` resolving one CASE expression per row and
field. For the 25,000 people (and as many memberships and audit entries) of a province's list this module writes
instead with a prepared statement run by `executemany` on SQLite, and with COPY on PostgreSQL (for updates: COPY
into a temporary table, then one UPDATE … FROM). Primary keys are reserved first, so memberships and audit entries
can point at new people. Values go through the database's own adapters for dates, datetimes and JSON, as the ORM's
would. Other databases fall back to the ORM's bulk methods.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import connection, models

CHUNK = 2000


def _converter(field: models.Field) -> Callable[[Any], Any]:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        return lambda value: ops.adapt_json_value(value, field.encoder)
    return _same


def _same(value: Any) -> Any:
    return value


def supported() -> bool:
    return connection.vendor in ("sqlite", "postgresql")


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys. Call inside the writing transaction (SQLite: it holds the write lock)."""
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [table, count])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(highest, row[0] if row else 0) + 1
        return list(range(start, start + count))


def _rows(objects: Sequence, converters: list[tuple[str, Callable]]) -> Iterator[tuple]:
    for obj in objects:
        if isinstance(obj, dict):
            yield tuple(convert(obj[attname]) for attname, convert in converters)
        else:
            yield tuple(convert(getattr(obj, attname)) for attname, convert in converters)


def _copy(cursor, table: str, columns: str, rows: Iterator[tuple]) -> None:
    # The psycopg cursor under Django's wrapper: COPY streams the rows, without a statement per row.
    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def insert(model: type[models.Model], objects: Sequence[models.Model | dict[str, Any]]) -> None:
    """INSERT every object as it is (primary keys included, auto_now fields already set by the caller).

    An object is a model instance or a dict of every concrete field's attname (cheaper: no model __init__).
    """
    if not objects:
        return
    if not supported():
        instances = [obj if isinstance(obj, models.Model) else model(**obj) for obj in objects]
        model.objects.bulk_create(instances, batch_size=500)
        return
    fields = list(model._meta.concrete_fields)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    converters = [(f.attname, _converter(f)) for f in fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor, table, columns, _rows(objects, converters))
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        for start in range(0, len(objects), CHUNK):
            cursor.executemany(sql, list(_rows(objects[start:start + CHUNK], converters)))


def update(model: type[models.Model], objects: Sequence[models.Model], fields: Sequence[str]) -> None:
    """UPDATE `fields` of every object, by primary key."""
    if not objects:
        return
    if not supported():
        model.objects.bulk_update(objects, list(fields), batch_size=500)
        return
    meta = model._meta
    targets = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    converters = [(f.attname, _converter(f)) for f in targets] + [(meta.pk.attname, _same)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            temporary = quote(f"bulk_{meta.db_table}")
            columns = ", ".join(quote(f.column) for f in targets)
            # Inside the caller's transaction: if anything fails, the temporary table goes with the rollback.
            cursor.execute(f"CREATE TEMPORARY TABLE {temporary} AS SELECT {columns}, {pk} FROM {table} WITH NO DATA")
            _copy(cursor, temporary, f"{columns}, {pk}", _rows(objects, converters))
            assignments = ", ".join(f"{quote(f.column)} = s.{quote(f.column)}" for f in targets)
            cursor.execute(f"UPDATE {table} AS t SET {assignments} FROM {temporary} AS s WHERE t.{pk} = s.{pk}")
            cursor.execute(f"DROP TABLE {temporary}")
            return
        assignments = ", ".join(f"{quote(f.column)} = %s" for f in targets)
        sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"
        for start in range(0, len(objects), CHUNK):
            cursor.executemany(sql, list(_rows(objects[start:start + CHUNK], converters)))
