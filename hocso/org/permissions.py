"""Who may change the unit tree. org sits below the roles (hocso.access): it asks the actor's scope only
(hocso.core.scoping), and the whole-province scope is the province administrators' (and the system's)."""

from __future__ import annotations

from hocso.core.actors import Actor
from hocso.core.scoping import acts_for_whole_province, scope_of

from .models import Unit


def can_see_tree(actor: Actor | None) -> bool:
    """Pages about the tree as a whole are for province administrators and focal points only."""
    return not scope_of(actor).is_empty


def can_manage_unit(actor: Actor | None, unit: Unit) -> bool:
    """Structural changes: province administrators anywhere; focal points strictly below their own unit."""
    scope = scope_of(actor)
    if scope.everything:
        return True
    return any(unit.path.startswith(p) and unit.path != p for p in scope.paths)


def can_create_under(actor: Actor | None, parent: Unit | None) -> bool:
    """A new unit (or one moved or merged) under `parent`: inside the actor's scope; at the top, the province's."""
    if parent is None:
        return acts_for_whole_province(actor)
    return scope_of(actor).covers(parent.path)


def can_edit_target_groups(actor: Actor | None) -> bool:
    return acts_for_whole_province(actor)
