"""What part of the unit tree an actor may see.

A scope is a set of materialised paths: everything whose unit path starts with one of them is visible.
Users get theirs from role assignments (hocso.access); API keys carry their own; the system acts on everything.
Selectors filter with `scope_of(actor).q()`. core knows no roles: a lower layer (org) checks an actor through its
scope only, and the whole-province scope is the province administrator's (and the system's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

if TYPE_CHECKING:
    from .actors import Actor


@dataclass(frozen=True)
class UnitScope:
    everything: bool = False
    paths: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.paths

    def q(self, path_field: str = "path") -> Q:
        """A filter on a unit-path field (e.g. 'path', 'unit__path')."""
        if self.everything:
            return Q()
        if not self.paths:
            return Q(pk__in=[])
        condition = Q()
        for path in self.paths:
            condition |= Q(**{f"{path_field}__startswith": path})
        return condition

    def covers(self, path: str | None) -> bool:
        if self.everything:
            return True
        return bool(path) and any(path.startswith(p) for p in self.paths)


EVERYTHING = UnitScope(everything=True)
NOTHING = UnitScope()


def minimal_paths(paths) -> tuple[str, ...]:
    """Drop paths already covered by an ancestor path, so filters stay short."""
    result: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(kept) for kept in result):
            result.append(path)
    return tuple(result)


def scope_of(actor: Actor | None) -> UnitScope:
    """The unit scope of a user, an API key or the system (anything with `unit_scope()`); nothing for anonymous."""
    if actor is None or not hasattr(actor, "unit_scope"):
        return NOTHING
    if hasattr(actor, "is_authenticated") and not actor.is_authenticated:
        return NOTHING
    return actor.unit_scope()


def acts_for_whole_province(actor: Actor | None) -> bool:
    """The province administrators (and the system): their scope is the whole tree. An API key limited to no unit
    has that scope too, but no page or write that asks this takes an API key."""
    return scope_of(actor).everything
