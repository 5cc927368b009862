"""Insert many rows given as plain tuples: what `bulk_create` writes, without a model instance per row.

`bulk_create` builds and compiles every value of every row through the ORM; for the demo's hundreds of thousands of
exam rows that cost more than the database spent storing them. `insert_rows` converts each column's values the way
the field would for this database (date-times to the stored form, JSON through the field's encoder) with a
converter chosen once per column, then sends one prepared statement per batch. No signals, no `save()`, no primary
keys returned: for rows whose keys nobody needs back (a paper's questions, its answers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import Any

from django.db import connections, models


def _converter(field: models.Field, connection) -> Callable[[Any], Any] | None:
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.JSONField):
        # What the field's get_db_prep_save ends in for a plain value, without the layers on the way.
        return lambda value: connection.ops.adapt_json_value(value, field.encoder)
    # Integers, text, booleans and decimals go to the driver as they are (Django registers Decimal for SQLite).
    return None


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]], *,
                batch_size: int = 1000, using: str = "default") -> int:
    """INSERT `rows` (tuples in the order of `fields`, foreign keys as ids) into `model`'s table; return how many.

    `fields` are the model's field names (`attempt` or `attempt_id` alike); every column without a database default
    must be given, as with SQL. A None goes in as SQL NULL, for JSON fields too.
    """
    connection = connections[using]
    columns = [model._meta.get_field(name) for name in fields]
    converters = [(index, convert) for index, field in enumerate(columns)
                  if (convert := _converter(field, connection)) is not None]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table), ", ".join(quote(field.column) for field in columns),
        ", ".join(["%s"] * len(columns)),
    )
    written = 0
    source = iter(rows)
    with connection.cursor() as cursor:
        while batch := list(islice(source, batch_size)):
            if converters:
                batch = [_converted(row, converters) for row in batch]
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


def _converted(row: Sequence[Any], converters: list[tuple[int, Callable[[Any], Any]]]) -> list[Any]:
    values = list(row)
    for index, convert in converters:
        if values[index] is not None:
            values[index] = convert(values[index])
    return values
