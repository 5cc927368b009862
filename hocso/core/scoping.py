"""What part of the unit tree an actor may see.

A scope is a set of materialised paths: everything whose unit path starts with one of them is visible.
Users get theirs from role assignments; API keys carry their own. Selectors filter with `scope.q()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q


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
