"""The audit trail. Services call `audit()` inside their transaction, so an entry exists iff the write did."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models

from .models import AuditEntry
from .request_context import client_ip

# Fields whose values never go into the log in clear.
MASKED_FIELDS = {"cccd", "date_of_birth", "password", "key_hash"}


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields`, as JSON-friendly data (foreign keys as ids)."""
    data = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        data[name] = _plain(getattr(instance, attname))
    return data


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that changed; masked fields show only that they changed."""
    changes = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            changes[key] = ["***", "***"] if key in MASKED_FIELDS else [old, new]
    return changes


def audit(
    actor,
    action: str,
    obj: models.Model | None = None,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> AuditEntry:
    changes: dict[str, Any] = {}
    if before is not None or after is not None:
        changes = diff(before or {}, after or {})
    if extra:
        changes.update({k: _plain(v) for k, v in extra.items()})
    user = actor if isinstance(actor, get_user_model()) and actor.is_authenticated else None
    label = str(actor) if actor is not None else "system"
    return AuditEntry.objects.create(
        actor=user,
        actor_label=label[:200],
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        changes=changes,
        ip_address=client_ip.get(),
    )


def scrub_entries(*, object_type: str, object_id: int | str, label: str, personal_keys: Iterable[str]) -> int:
    """Anonymisation: the entries about one object keep who did what and when, but name it `label` and blank the
    values of `personal_keys`. Returns how many entries were rewritten."""
    personal = set(personal_keys)
    count = 0
    for entry in AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id)).iterator():
        changes = {key: ("***" if key in personal else value) for key, value in (entry.changes or {}).items()}
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr=label, changes=changes)
        count += 1
    return count


def relabel_actor(*, user_id: int, label: str) -> int:
    """Anonymisation: what an account did stays in the log, under `label` instead of its name."""
    return AuditEntry.objects.filter(actor_id=user_id).update(actor_label=label)
