"""Writes to the unit tree. Every function is keyword-only, transactional, permission-checked and audited."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.audit import audit, snapshot
from hocso.core.permissions import ensure
from hocso.core.text import normalize

from .members import unit_members
from .models import Reorganisation, ReorganisationKind, TargetGroup, Unit, UnitKind, path_segment
from .permissions import can_create_under, can_edit_target_groups, can_manage_unit

EDITABLE_FIELDS = ("name", "short_name", "code", "admin_unit_code", "kind")


def _clean_and_save(unit: Unit) -> None:
    unit.name = normalize(unit.name)
    unit.short_name = normalize(unit.short_name)
    unit.code = normalize(unit.code or "").upper() or None
    unit.admin_unit_code = normalize(unit.admin_unit_code)
    unit.refresh_keys()
    unit.full_clean(exclude=["path", "sort_key", "search_key"])
    unit.save()


def _place(unit: Unit, parent: Unit | None) -> None:
    """Set path/depth for a unit that already has a primary key."""
    unit.parent = parent
    unit.path = (parent.path if parent else "") + path_segment(unit.pk)
    unit.depth = parent.depth + 1 if parent else 0


@transaction.atomic
def unit_create(
    *,
    actor: Actor,
    parent: Unit | None,
    name: str,
    kind: str = UnitKind.OTHER,
    short_name: str = "",
    code: str | None = None,
    admin_unit_code: str = "",
    valid_from: dt.date | None = None,
    audited: bool = True,
) -> Unit:
    ensure(can_create_under(actor, parent), _("You can only create units inside your own unit."))
    if parent is not None and not parent.is_current:
        raise ValidationError(_("A unit cannot be created under a former unit."))
    unit = Unit(
        parent=parent, name=name, short_name=short_name, code=code, admin_unit_code=admin_unit_code, kind=kind,
        valid_from=valid_from or timezone.localdate(),
        path=f"~{uuid.uuid4().hex}",  # unique placeholder: the real path needs the primary key
    )
    _clean_and_save(unit)
    _place(unit, parent)
    Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
    if audited:
        audit(actor, "unit.create", unit, after=snapshot(unit, (*EDITABLE_FIELDS, "parent")))
    return unit


@transaction.atomic
def unit_update(*, actor: Actor, unit: Unit, on: dt.date | None = None, note: str = "", **changes) -> Unit:
    """Edit descriptive fields. A change of name is also recorded as a rename in the unit's history."""
    ensure(can_manage_unit(actor, unit), _("You cannot change this unit."))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    before = snapshot(unit, EDITABLE_FIELDS)
    for name, value in changes.items():
        setattr(unit, name, value)
    _clean_and_save(unit)
    after = snapshot(unit, EDITABLE_FIELDS)
    if before["name"] != after["name"]:
        reorg = Reorganisation.objects.create(
            kind=ReorganisationKind.RENAME, effective_date=on or timezone.localdate(), note=note,
            created_by=_user(actor), details={"old_name": before["name"], "new_name": after["name"]},
        )
        reorg.sources.add(unit)
        reorg.targets.add(unit)
    audit(actor, "unit.update", unit, before=before, after=after)
    return unit


def _user(actor: Actor):
    """The user row to record as `created_by`: none for the system (or anything else without a row)."""
    return actor if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) else None


def _repath_subtree(unit: Unit, new_parent: Unit | None) -> None:
    old_path = unit.path
    new_path = (new_parent.path if new_parent else "") + path_segment(unit.pk)
    depth_delta = (new_parent.depth + 1 if new_parent else 0) - unit.depth
    Unit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_delta,
    )
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent)
    unit.refresh_from_db()


@transaction.atomic
def unit_move(*, actor: Actor, unit: Unit, new_parent: Unit, on: dt.date | None = None, note: str = "") -> Unit:
    ensure(can_manage_unit(actor, unit), _("You cannot move this unit."))
    ensure(can_create_under(actor, new_parent), _("You cannot move a unit to a place outside your scope."))
    if new_parent.path.startswith(unit.path):
        raise ValidationError(_("A unit cannot be moved under itself or one of its own sub-units."))
    if not new_parent.is_current:
        raise ValidationError(_("A unit cannot be moved under a former unit."))
    old_parent = unit.parent
    if old_parent == new_parent:
        return unit
    _repath_subtree(unit, new_parent)
    reorg = Reorganisation.objects.create(
        kind=ReorganisationKind.MOVE, effective_date=on or timezone.localdate(), note=note,
        created_by=_user(actor),
        details={"old_parent": old_parent.pk if old_parent else None, "old_parent_name": str(old_parent or ""),
                 "new_parent": new_parent.pk, "new_parent_name": str(new_parent)},
    )
    reorg.sources.add(unit)
    reorg.targets.add(unit)
    audit(actor, "unit.move", unit, before={"parent": old_parent.pk if old_parent else None},
          after={"parent": new_parent.pk})
    return unit


def _retire(unit: Unit, *, on: dt.date, successor: Unit | None) -> None:
    Unit.objects.filter(pk=unit.pk).update(valid_to=on, successor=successor)
    unit.valid_to, unit.successor = on, successor


@transaction.atomic
def units_merge(
    *,
    actor: Actor,
    sources: list[Unit],
    into: Unit | None = None,
    new_name: str = "",
    new_kind: str | None = None,
    new_code: str | None = None,
    new_admin_unit_code: str = "",
    on: dt.date,
    note: str = "",
) -> Unit:
    """Merge `sources` into `into` (one of them or another unit), or into a new unit named `new_name`.

    Merged sources become former units (valid until `on`); their current members and sub-units move to the
    target. Past memberships keep pointing at the old units, so history and old reports stay true.
    """
    sources = list(dict.fromkeys(sources))
    if len(sources) + (0 if into is None or into in sources else 1) < 2:
        raise ValidationError(_("Choose at least two units to merge."))
    for source in sources:
        ensure(can_manage_unit(actor, source), _("You cannot merge %(unit)s.") % {"unit": source})
        if not source.is_current:
            raise ValidationError(_("%(unit)s is already a former unit.") % {"unit": source})
    if into is None:
        if not new_name.strip():
            raise ValidationError(_("Give the merged unit a name, or choose an existing unit to merge into."))
        parents = {s.parent_id for s in sources}
        parent = sources[0].parent if len(parents) == 1 else None
        if len(parents) != 1:
            raise ValidationError(_("Units with different parents must be merged into an existing unit."))
        target = unit_create(
            actor=actor, parent=parent, name=new_name, kind=new_kind or sources[0].kind, code=new_code,
            admin_unit_code=new_admin_unit_code, valid_from=on,
        )
    else:
        target = into
        ensure(can_create_under(actor, target), _("You cannot merge into this unit."))
        if not target.is_current:
            raise ValidationError(_("%(unit)s is already a former unit.") % {"unit": target})
    for source in sources:
        if source == target:
            continue
        if target.path.startswith(source.path):
            raise ValidationError(_("A unit cannot be merged into one of its own sub-units."))
        for child in list(source.children.current()):
            _repath_subtree(child, target)
        unit_members().move_all(actor=actor, source=source, target=target, on=on)
        _retire(source, on=on, successor=target)
    reorg = Reorganisation.objects.create(
        kind=ReorganisationKind.MERGE, effective_date=on, note=note, created_by=_user(actor),
        details={"sources": [s.name for s in sources], "target": target.name},
    )
    reorg.sources.set([s for s in sources if s != target])
    reorg.targets.add(target)
    audit(actor, "unit.merge", target, extra={"sources": [s.pk for s in sources], "on": on})
    return target


@dataclass
class SplitPart:
    name: str
    learner_ids: list[int] = field(default_factory=list)
    kind: str | None = None
    short_name: str = ""
    code: str | None = None
    admin_unit_code: str = ""


@transaction.atomic
def unit_split(
    *, actor: Actor, source: Unit, parts: list[SplitPart], on: dt.date, keep_source: bool = False, note: str = ""
) -> list[Unit]:
    """Split `source` into new sibling units, each taking the learners listed for it.

    If the source does not continue (`keep_source=False`) every current member must go to one of the parts.
    """
    ensure(can_manage_unit(actor, source), _("You cannot split this unit."))
    if not source.is_current:
        raise ValidationError(_("%(unit)s is already a former unit.") % {"unit": source})
    if len(parts) < (1 if keep_source else 2):
        raise ValidationError(_("A split needs at least two resulting units."))
    current_ids = set(unit_members().current(source).values_list("pk", flat=True))
    assigned: list[int] = [pk for part in parts for pk in part.learner_ids]
    if len(assigned) != len(set(assigned)):
        raise ValidationError(_("A person can go to only one of the new units."))
    strangers = set(assigned) - current_ids
    if strangers:
        raise ValidationError(_("Only current members of the unit can be assigned to the new units."))
    if not keep_source and set(assigned) != current_ids:
        raise ValidationError(
            _("%(count)s people are not assigned to any new unit.") % {"count": len(current_ids - set(assigned))}
        )
    if not keep_source and source.children.current().exists():
        raise ValidationError(_("Move or merge the sub-units first: a unit that ends cannot keep sub-units."))
    new_units = []
    for part in parts:
        unit = unit_create(
            actor=actor, parent=source.parent, name=part.name, kind=part.kind or source.kind,
            short_name=part.short_name, code=part.code, admin_unit_code=part.admin_unit_code, valid_from=on,
        )
        unit_members().move(actor=actor, member_ids=part.learner_ids, target=unit, on=on)
        new_units.append(unit)
    if not keep_source:
        _retire(source, on=on, successor=None)
    reorg = Reorganisation.objects.create(
        kind=ReorganisationKind.SPLIT, effective_date=on, note=note, created_by=_user(actor),
        details={"source": source.name, "targets": [u.name for u in new_units], "source_continues": keep_source},
    )
    reorg.sources.add(source)
    reorg.targets.set(new_units)
    audit(actor, "unit.split", source, extra={"targets": [u.pk for u in new_units], "on": on})
    return new_units


@transaction.atomic
def target_group_save(
    *, actor: Actor, group: TargetGroup | None, code: str, name: str, description: str = "", position: int = 0,
    is_active: bool = True,
) -> TargetGroup:
    ensure(can_edit_target_groups(actor), _("Only province administrators can edit target groups."))
    group = group or TargetGroup()
    fields = ("code", "name", "description", "position", "is_active")
    before = snapshot(group, fields) if group.pk else {}
    group.code, group.name, group.description = code, normalize(name), description.strip()
    group.position, group.is_active = position, is_active
    group.full_clean()
    group.save()
    audit(actor, "target_group.save", group, before=before, after=snapshot(group, fields))
    return group
