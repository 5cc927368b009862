"""Decide, row by row, what the import would do: create, update, move, retire, leave alone, or refuse.

The plan is computed the same way for the preview and, inside the applying transaction, again before writing;
its fingerprint tells whether anything changed in between. Every check the services make is made here, for the
whole file at once: `prepare_learner` (normalisation, CCCD against birth date and gender, field validation), the
actor's scope for the person's current unit and for the target unit, and the membership dates.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from hocso.core.cccd import mask_cccd
from hocso.core.scoping import scope_of
from hocso.org.models import Unit
from hocso.people.models import Learner, LearnerStatus, Membership
from hocso.people.services import PROFILE_FIELDS, cccd_unavailable_message, may_know_learner, prepare_learner

from . import cells
from .resolve import TargetGroupResolver, UnitResolver
from .rows import ERROR, WARNING, ParsedFile, ParsedRow, Problem, row_signature

NEW, UPDATED, MOVED, LEFT, UNCHANGED, FAILED, DUPLICATE = (
    "new", "updated", "moved", "left", "unchanged", "error", "duplicate"
)
KINDS = (NEW, UPDATED, MOVED, LEFT, UNCHANGED, FAILED, DUPLICATE)
LEAVING = (LearnerStatus.RETIRED, LearnerStatus.LEFT)
CHUNK = 2000  # ids per IN (...) list: far below SQLite's and PostgreSQL's parameter limits

# Which file column a model field's error belongs to, in order of preference.
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "family_name": ("family_name", "family_middle", "full_name"),
    "middle_name": ("middle_name", "family_middle", "family_name", "full_name"),
    "given_name": ("given_name", "full_name"),
    "cccd": ("cccd",),
    "date_of_birth": ("date_of_birth", "dob_male", "dob_female"),
    "gender": ("gender", "dob_male", "dob_female", "gender_male_mark", "gender_female_mark"),
    "rank_code": ("rank_code", "rank"),
    "unit": ("unit_code", "unit"),
}


@dataclass
class RowPlan:
    row: ParsedRow
    kind: str = FAILED
    learner: Learner | None = None  # the new person, or a changed copy of the existing one
    before: dict[str, Any] | None = None  # the existing person's profile, for the audit trail
    changed: list[str] = field(default_factory=list)
    unit_from: Unit | None = None
    unit_to: Unit | None = None
    refused_holder: Learner | None = None  # who has the row's CCCD number, when the importer may not see them


@dataclass
class Plan:
    parsed: ParsedFile
    rows: list[RowPlan]
    problems: list[Problem]
    counts: dict[str, int]
    fingerprint: str
    resolver: UnitResolver
    raw_rows: list[list] = field(default_factory=list, repr=False)

    def of_kind(self, *kinds: str) -> list[RowPlan]:
        return [r for r in self.rows if r.kind in kinds]

    @property
    def refused_holders(self) -> list[Learner]:
        """People outside the importer's reach whose CCCD numbers the file holds (audited with the preview)."""
        return [r.refused_holder for r in self.rows if r.refused_holder is not None]

    @property
    def changes(self) -> int:
        return sum(self.counts[k] for k in (NEW, UPDATED, MOVED, LEFT))


_PROFILE_ATTRS = [(name, Learner._meta.get_field(name).attname) for name in PROFILE_FIELDS]


def profile_snapshot(learner: Learner) -> dict[str, Any]:
    """`hocso.core.audit.snapshot(learner, PROFILE_FIELDS)`, without the per-field lookups (called per row)."""
    data = {}
    for name, attname in _PROFILE_ATTRS:
        value = getattr(learner, attname)
        data[name] = value.isoformat() if isinstance(value, dt.date) else value
    return data


def _column_for(row_fields: dict[str, int], model_field: str) -> str:
    for name in FIELD_COLUMNS.get(model_field, (model_field,)):
        if name in row_fields:
            return name
    return ""


class _RowChecker:
    """Collects a row's problems against the file's columns."""

    def __init__(self, parsed: ParsedFile, row: ParsedRow, raw: list) -> None:
        self.layout = parsed.layout
        self.row = row
        self.raw = raw

    def add(self, column_name: str, message: str, severity: str = ERROR) -> None:
        c = self.layout.columns.get(column_name)
        value = cells.as_text(self.raw[c]) if c is not None and c < len(self.raw) else ""
        self.row.problems.append(Problem(self.row.number, self.layout.label(column_name), value, message, severity))

    def add_for_field(self, model_field: str, message: str) -> None:
        self.add(_column_for(self.layout.columns, model_field), message)


def build_plan(
    parsed: ParsedFile,
    *,
    actor,
    default_unit: Unit | None,
    on: dt.date,
    raw_rows: list[list],
    lock: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> Plan:
    scope = scope_of(actor)
    resolver = UnitResolver(scope=scope, default_unit=default_unit)
    groups = TargetGroupResolver()
    rows = parsed.rows
    plans = [RowPlan(row=row) for row in rows]

    # Two rows with one CCCD: identical rows count once, different ones are both refused.
    by_cccd: dict[str, list[RowPlan]] = defaultdict(list)
    for plan in plans:
        if plan.row.values.get("cccd"):
            by_cccd[plan.row.values["cccd"]].append(plan)
    duplicates: set[int] = set()
    for same in by_cccd.values():
        if len(same) < 2:
            continue
        signatures = {row_signature(p.row.values) for p in same}
        numbers = [p.row.number for p in same]
        if len(signatures) == 1:
            for p in same[1:]:
                duplicates.add(id(p))
                _RowChecker(parsed, p.row, raw_rows[p.row.index]).add(
                    "cccd", _("Same as row %(row)s; imported once.") % {"row": numbers[0]}, WARNING)
        else:
            for p in same:
                others = ", ".join(str(n) for n in numbers if n != p.row.number)
                _RowChecker(parsed, p.row, raw_rows[p.row.index]).add(
                    "cccd", _("The same CCCD number is on row %(rows)s with different data; keep one row.")
                    % {"rows": others})

    existing = _existing_learners(list(by_cccd), lock=lock)
    open_since = _open_membership_starts([learner.pk for learner in existing.values()])

    total = len(plans)
    for done, plan in enumerate(plans):
        if progress and done % 500 == 0:
            progress("checking", done, total)
        if id(plan) in duplicates:
            plan.kind = DUPLICATE
            continue
        _plan_row(plan, parsed, raw_rows[plan.row.index], existing, open_since, resolver, groups, scope,
                  default_unit, on)
    if progress:
        progress("checking", total, total)

    counts = {kind: 0 for kind in KINDS}
    for plan in plans:
        counts[plan.kind] += 1
    counts["rows"] = len(plans)
    counts["blank"] = parsed.blank_rows
    problems = [p for plan in plans for p in plan.row.problems]
    counts["warnings"] = sum(1 for p in problems if p.severity == WARNING)
    return Plan(parsed=parsed, rows=plans, problems=problems, counts=counts, fingerprint=_fingerprint(plans),
                resolver=resolver, raw_rows=raw_rows)


def _existing_learners(numbers: list[str], *, lock: bool) -> dict[str, Learner]:
    found: dict[str, Learner] = {}
    for start in range(0, len(numbers), CHUNK):
        qs = Learner.objects.filter(cccd__in=numbers[start:start + CHUNK]).select_related("unit")
        if lock and connection.features.has_select_for_update:
            qs = qs.select_for_update(of=("self",))
        for learner in qs:
            found[learner.cccd] = learner
    return found


def _open_membership_starts(learner_ids: list[int]) -> dict[int, dt.date]:
    starts: dict[int, dt.date] = {}
    for start in range(0, len(learner_ids), CHUNK):
        starts.update(
            Membership.objects.filter(learner_id__in=learner_ids[start:start + CHUNK], end_date__isnull=True)
            .values_list("learner_id", "start_date")
        )
    return starts


def _plan_row(plan: RowPlan, parsed: ParsedFile, raw: list, existing: dict[str, Learner],
              open_since: dict[int, dt.date], resolver: UnitResolver, groups: TargetGroupResolver, scope,
              default_unit: Unit | None, on: dt.date) -> None:
    row = plan.row
    values = row.values
    check = _RowChecker(parsed, row, raw)

    target_group = None
    if values.get("target_group"):
        target_group, message = groups.resolve(values["target_group"])
        if message:
            check.add("target_group", message)
    named_unit = None
    if values.get("unit") or values.get("unit_code"):
        named_unit, message = resolver.resolve(values.get("unit", ""), values.get("unit_code", ""))
        if message:
            check.add("unit_code" if values.get("unit_code") else "unit", message)
    unit_given = bool(values.get("unit") or values.get("unit_code"))
    target_unit = named_unit if unit_given else default_unit

    current = existing.get(values.get("cccd", ""))
    if current is not None and not may_know_learner(scope, current):
        # Someone the importer may not see (another unit, or left the service): the same answer as the person
        # form, and nothing compared with what is stored about them, so no message can tell anything about them.
        check.add("cccd", cccd_unavailable_message())
        plan.refused_holder = current
        plan.kind = FAILED
        return
    status = values.get("status")
    if current is None:
        learner = Learner(status=status or LearnerStatus.ACTIVE)
    else:
        learner = copy.copy(current)
        plan.before = profile_snapshot(current)
    _apply_values(learner, values, current)
    if target_group is not None:
        learner.target_group = target_group
    if current is not None and current.unit_id is None and not status and learner.status in LEAVING:
        learner.status = LearnerStatus.ACTIVE  # someone who had left is back in a unit
    # A known person whose row changes nothing needs no checks: nothing will be written (most rows of a re-import).
    unchanged = current is not None and profile_snapshot(learner) == plan.before
    try:
        if not unchanged:
            prepare_learner(learner, bulk=True)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                if not any(p.message == message for p in row.problems):
                    check.add_for_field(name, message)
    plan.learner = learner

    if not values.get("cccd"):
        return  # the parse already said why; without a CCCD there is nobody to match
    leaving = learner.status in LEAVING
    if current is None:
        if leaving:
            check.add("status", _("A new person cannot be added as retired or having left the service."))
        elif target_unit is None and not unit_given:
            check.add("unit", _("No unit: fill in the unit column or choose a unit for the whole file."))
        elif target_unit is not None and not scope.covers(target_unit.path):
            check.add(_unit_column(values), _("%(unit)s is outside the units you manage.") % {"unit": target_unit})
        plan.kind, plan.unit_to = NEW, target_unit
    else:
        plan.unit_from = current.unit
        kind = None
        if leaving:
            if current.unit is not None:
                kind = LEFT
        elif target_unit is None:
            if not unit_given and current.unit is None:
                check.add("unit", _("No unit: fill in the unit column or choose a unit for the whole file."))
        elif not scope.covers(target_unit.path):
            check.add(_unit_column(values), _("%(unit)s is outside the units you manage.") % {"unit": target_unit})
        elif target_unit.pk != current.unit_id:
            kind, plan.unit_to = MOVED, target_unit
        if kind in (MOVED, LEFT) and current.unit is not None:
            since = open_since.get(current.pk)
            if since is not None and on < since:
                check.add("unit", _("The transfer date must not be before %(date)s, when the current membership "
                                    "began.") % {"date": since.strftime("%d/%m/%Y")})
        after = profile_snapshot(learner)
        plan.changed = [name for name in PROFILE_FIELDS if after[name] != plan.before[name]]
        plan.kind = kind or (UPDATED if plan.changed else UNCHANGED)
    if row.has_errors:
        plan.kind = FAILED


def _unit_column(values: dict[str, Any]) -> str:
    if values.get("unit_code"):
        return "unit_code"
    return "unit" if values.get("unit") else "cccd"


def _apply_values(learner: Learner, values: dict[str, Any], current: Learner | None) -> None:
    """Copy the row's values onto the person; an empty cell keeps what is already known."""
    if values.get("given_name"):
        names = (values["family_name"], values["middle_name"], values["given_name"])
        full = values.get("full_name")
        keep = current is not None and full is not None and full == current.full_name
        if not keep:  # a full name that reads the same keeps the existing split into three parts
            learner.family_name, learner.middle_name, learner.given_name = names
    for name in ("cccd", "date_of_birth", "gender", "position", "rank_code", "email", "phone", "status"):
        if name in values:
            setattr(learner, name, values[name])


def _fingerprint(plans: list[RowPlan]) -> str:
    digest = hashlib.sha256()
    for plan in plans:
        learner = plan.learner
        item = [plan.row.number, plan.kind, learner.pk if learner else None,
                plan.unit_to.pk if plan.unit_to else None,
                [(name, str(getattr(learner, name + "_id" if name == "target_group" else name))) for name in
                 plan.changed]]
        digest.update(json.dumps(item, default=str).encode())
    return digest.hexdigest()


def preview_data(plan: Plan) -> dict[str, Any]:
    """What the preview page shows, as JSON kept in the ImportJob between the two steps."""
    parsed = plan.parsed
    labels = {name: str(Learner._meta.get_field(name).verbose_name) for name in PROFILE_FIELDS}
    changes = []
    for row_plan in plan.rows:
        if row_plan.kind not in (NEW, UPDATED, MOVED, LEFT):
            continue
        learner = row_plan.learner
        changes.append({
            "row": row_plan.row.number,
            "kind": row_plan.kind,
            "name": learner.full_name,
            "cccd": mask_cccd(learner.cccd),
            "unit_from": plan.resolver.label(row_plan.unit_from),
            "unit_to": plan.resolver.label(row_plan.unit_to),
            "fields": [labels[name] for name in row_plan.changed] if row_plan.kind != NEW else [],
        })
    return {
        "counts": plan.counts,
        "problems": [p.as_dict() for p in sorted(plan.problems, key=lambda p: p.row)],
        "changes": changes,
        "sheet": parsed.sheet,
        "sheets": parsed.sheet_names,
        "header_rows": [i + 1 for i in parsed.layout.header_rows],
        "columns": [[parsed.layout.labels[name], name] for name in sorted(parsed.layout.columns,
                                                                          key=parsed.layout.columns.get)],
        "ignored": parsed.layout.ignored,
        "headings": parsed.headings,
    }
