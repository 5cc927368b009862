"""The people of units, as the unit tree needs them: a port that `people` fills.

org sits below people and imports nothing of it, yet the tree shows how many people each unit has, the split page
lists a unit's members, the unit page shows their history, and a merge or a split moves them. `people` registers
the one implementation in its AppConfig.ready() (hocso.people.apps); org reaches it through `unit_members()`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from .models import Unit


@dataclass(frozen=True)
class UnitMembers:
    # {unit pk: current members in the unit's whole subtree}
    subtree_counts: Callable[[Sequence[Unit]], dict[int, int]]
    # {unit pk: current members in the unit itself}
    direct_counts: Callable[[Sequence[Unit]], dict[int, int]]
    # current(unit): the people now in the unit itself, in name order (each with a pk and a full_name)
    current: Callable[[Unit], QuerySet]
    # history(unit=..., predecessors=...): memberships of the unit and of the units it came from, newest first
    history: Callable[..., QuerySet]
    # move_all(actor=..., source=..., target=..., on=...): a merge moves every current member; returns how many
    move_all: Callable[..., int]
    # move(actor=..., member_ids=..., target=..., on=...): a split moves the members listed for a part
    move: Callable[..., int]


_registered: UnitMembers | None = None


def register_unit_members(members: UnitMembers) -> None:
    global _registered
    _registered = members


def unit_members() -> UnitMembers:
    if _registered is None:
        raise ImproperlyConfigured("No app registered the members of units (hocso.people does, in its ready()).")
    return _registered

