"""Write a plan to the database with bulk statements, producing exactly what the services would.

Called inside one transaction (see `engine.apply_file`): new people get one open membership ("joined") like
`learner_create`; a changed unit closes the open membership on the effective date and opens one in the new unit
with reason "import", like `learner_move`; a row saying the person retired or left closes it like
`learner_leave`. `Learner.unit` follows the open membership, keys are refreshed by `prepare_learner`, and each
person gets the audit entry the service would have written, plus one entry for the import as a whole.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.audit import MASKED_FIELDS, audit, diff
from hocso.core.models import AuditEntry
from hocso.core.request_context import client_ip
from hocso.people.models import Learner, Membership, MembershipReason

from . import bulk
from .planning import CHUNK, LEFT, MOVED, NEW, UPDATED, Plan, profile_snapshot

BATCH = 500
KEY_FIELDS = ("sort_key", "search_key")
LEARNER_TYPE = Learner._meta.label_lower


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


class _AuditWriter:
    """Audit entries as `hocso.core.audit.audit` writes them, collected and inserted in bulk."""

    def __init__(self, actor, extra: dict[str, Any]) -> None:
        user_model = get_user_model()
        user = actor if isinstance(actor, user_model) and actor.is_authenticated else None
        self.actor_id = user.pk if user is not None else None
        self.label = (str(actor) if actor is not None else "system")[:200]
        self.extra = extra
        self.ip = client_ip.get()
        self.entries: list[dict[str, Any]] = []

    def add(self, action: str, learner: Learner, *, before=None, after=None, extra=None) -> None:
        if before is None and after is not None:
            changes = _creation_diff(after)
        else:
            changes = diff(before or {}, after or {}) if (before is not None or after is not None) else {}
        changes.update({key: _plain(value) for key, value in (extra or {}).items()})
        changes.update(self.extra)
        self.entries.append({
            "id": None, "created_at": None, "actor_id": self.actor_id, "actor_label": self.label, "action": action,
            "object_type": LEARNER_TYPE, "object_id": str(learner.pk), "object_repr": str(learner)[:300],
            "changes": changes, "ip_address": self.ip,
        })

    def save(self, now) -> None:
        for entry in self.entries:
            entry["created_at"] = now
        _insert(AuditEntry, self.entries)


def _creation_diff(after: dict[str, Any]) -> dict[str, Any]:
    """`diff({}, after)`, for the 25,000 people of a first import: every set value, personal data masked."""
    return {key: (["***", "***"] if key in MASKED_FIELDS else [None, after[key]])
            for key in sorted(after) if after[key] is not None}


def _insert(model, objects: list, step: Callable[[int], None] | None = None) -> None:
    """New rows, with their primary keys set on them (people are referred to by memberships and audit)."""
    if bulk.supported():
        for obj, pk in zip(objects, bulk.reserve_ids(model, len(objects)), strict=True):
            if isinstance(obj, dict):
                obj["id"] = pk
            else:
                obj.pk = pk
        for batch in _chunks(objects):
            bulk.insert(model, batch)
            if step:
                step(len(batch))
    else:
        instances = [model(**obj) if isinstance(obj, dict) else obj for obj in objects]
        for batch in _chunks(instances, BATCH):
            model.objects.bulk_create(batch, batch_size=BATCH)
            if step:
                step(len(batch))


def _membership(learner_id: int, unit_id: int, on: dt.date, reason: str, note: str = "") -> dict[str, Any]:
    return {"id": None, "learner_id": learner_id, "unit_id": unit_id, "start_date": on, "end_date": None,
            "reason": reason, "note": note}


def apply_plan(
    plan: Plan,
    *,
    actor,
    on: dt.date,
    file_name: str,
    job=None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, int]:
    now = timezone.now()
    total = plan.changes
    done = 0

    def step(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress("writing", done, total)

    source = {"import": str(job.pk) if job is not None else file_name}
    audits = _AuditWriter(actor, source)
    note = (_("Import from %(file)s") % {"file": file_name})[:300]

    # New people, each with one open membership, as learner_create makes them.
    created = plan.of_kind(NEW)
    learners = [row.learner for row in created]
    for learner, row in zip(learners, created, strict=True):
        learner.unit = row.unit_to
        learner.created_at = learner.updated_at = now
    _insert(Learner, learners, step)
    _insert(Membership, [_membership(learner.pk, learner.unit_id, on, MembershipReason.JOINED) for learner in learners])
    for learner in learners:
        audits.add("learner.create", learner, after={**profile_snapshot(learner), "unit": learner.unit_id})

    # Profile changes, grouped by the set of fields changed so each UPDATE names only those columns.
    by_fields: dict[tuple[str, ...], list[Learner]] = defaultdict(list)
    for row in plan.of_kind(UPDATED, MOVED, LEFT):
        if not row.changed:
            continue
        learner = row.learner
        learner.updated_at = now
        by_fields[(*row.changed, *KEY_FIELDS, "updated_at")].append(learner)
        # learner_leave records the new status in its own entry; other changes get an update entry.
        if row.kind != LEFT or set(row.changed) - {"status"}:
            audits.add("learner.update", learner, before=row.before, after=profile_snapshot(learner))
    for columns, group in by_fields.items():
        bulk.update(Learner, group, columns)
    step(len(plan.of_kind(UPDATED)))

    # Moves and departures: close the open membership on the effective date, open the new one.
    moving = plan.of_kind(MOVED, LEFT)
    closing = [row.learner.pk for row in moving if row.unit_from is not None]
    for ids in _chunks(closing):
        Membership.objects.filter(learner_id__in=ids, end_date__isnull=True).update(end_date=on)
    _insert(Membership, [_membership(row.learner.pk, row.unit_to.pk, on, MembershipReason.IMPORT, note)
                         for row in moving if row.kind == MOVED])
    for row in moving:
        row.learner.unit = row.unit_to
        row.learner.updated_at = now
    bulk.update(Learner, [row.learner for row in moving], ("unit", "updated_at"))
    for row in moving:
        before = {"unit": row.unit_from.pk if row.unit_from else None}
        if row.kind == MOVED:
            audits.add("learner.move", row.learner, before=before, after={"unit": row.unit_to.pk}, extra={"on": on})
        else:
            audits.add("learner.leave", row.learner, before=before,
                       after={"unit": None, "status": row.learner.status})
    step(len(moving))

    audits.save(now)
    counts = {kind: plan.counts[kind] for kind in (NEW, UPDATED, MOVED, LEFT, "unchanged", "error", "duplicate")}
    audit(actor, "learner.import", job, extra={
        "file": file_name, "sheet": plan.parsed.sheet, "on": on, "rows": plan.counts["rows"], **counts,
    })
    return counts
