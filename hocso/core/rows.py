"""Model instances from plain rows: what `Model.objects.raw(...)` does, with its per-query work done once per model.

The reads every signed-in page makes (its session, its account, a learner's profile and quiz) are one statement
each, but reading them through `.raw()` or `.get()` cost several times the statement: the raw query set works out
the columns, their order and each field's database converters again for every query. Here that is worked out once
per model and database kind: a query selects `columns(...)` and `instance(...)` turns the row into the model
instance the ORM would have built (same converters, `from_db`, so the instance is "from the database").
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init


@dataclass(frozen=True)
class ModelRow:
    """How the concrete fields of `model` are selected and read back, on one database."""

    model: type[Model]
    alias: str
    names: tuple[str, ...]  # attnames, in the order the columns are selected
    converters: tuple[tuple[int, tuple, Any], ...]  # (index, converters, column expression) of the fields with any
    plain: bool = False  # the model keeps Django's from_db, so an instance may be built directly (`instance`)
    _columns: dict[str, str] = field(default_factory=dict, compare=False, repr=False)  # by table alias

    @property
    def width(self) -> int:
        return len(self.names)

    def columns(self, table_alias: str = "") -> str:
        """The SELECT list: each concrete field's column, quoted, optionally qualified by `table_alias` (worked out
        once per table alias: quoting twenty names cost as much as the rest of reading the row)."""
        found = self._columns.get(table_alias)
        if found is None:
            quote = connections[self.alias].ops.quote_name
            prefix = f"{table_alias}." if table_alias else ""
            found = self._columns[table_alias] = ", ".join(
                f"{prefix}{quote(field.column)}" for field in self.model._meta.concrete_fields)
        return found

    def instance(self, row: Sequence, start: int = 0) -> Model:
        """The instance for `row[start:start + width]`, converted as the ORM converts."""
        values = list(row[start:start + len(self.names)])
        if self.converters:
            connection = connections[self.alias]
            for index, converters, expression in self.converters:
                value = values[index]
                for converter in converters:
                    value = converter(value, expression, connection)
                values[index] = value
        if not self.plain or pre_init.receivers or post_init.receivers:
            return self.model.from_db(self.alias, self.names, values)
        # What Model.__init__ and from_db leave, without their per-field loop and the two signals nobody listens
        # to (checked above at every call): the field values in the instance's dict and a "from the database"
        # state. A quarter of reading a row's cost on every signed-in request.
        instance = self.model.__new__(self.model)
        instance.__dict__.update(zip(self.names, values, strict=True))
        state = instance._state = ModelState()
        state.adding, state.db = False, self.alias
        return instance


_ROWS: dict[tuple[type[Model], str, str], ModelRow] = {}
# The descriptors Django puts on a concrete field's attname that read the value from the instance's dict as set.
_PLAIN_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute)


def _plain(model: type[Model]) -> bool:
    """Whether an instance may be built by filling its dict: Django's own __init__ and from_db, and on every field's
    attname one of Django's plain descriptors (a field whose descriptor converts on assignment is built the usual
    way)."""
    if model.from_db.__func__ is not Model.from_db.__func__ or model.__init__ is not Model.__init__:
        return False
    return all(type(inspect.getattr_static(model, field.attname, None)) in _PLAIN_DESCRIPTORS
               for field in model._meta.concrete_fields)


def model_row(model: type[Model], alias: str = "default") -> ModelRow:
    """The ModelRow of `model` on the database `alias` (worked out at the first call, then kept)."""
    connection = connections[alias]
    key = (model, alias, connection.vendor)
    found = _ROWS.get(key)
    if found is None:
        converters = []
        for index, field in enumerate(model._meta.concrete_fields):
            expression = field.get_col(model._meta.db_table)
            found_converters = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
            if found_converters:
                converters.append((index, tuple(found_converters), expression))
        found = _ROWS[key] = ModelRow(model=model, alias=alias,
                                      names=tuple(f.attname for f in model._meta.concrete_fields),
                                      converters=tuple(converters),
                                      plain=_plain(model))
    return found
