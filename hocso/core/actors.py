"""Who is acting: the one type every service's `actor` argument takes, and the one actor that stands for the system.

A signed-in user, an API key and the system all answer the same few questions: are they signed in and active,
are they the province (superuser), which part of the unit tree they act on (`unit_scope()`), and how the audit log
names them (`str()`, with `pk` for a user row). Services take `actor: Actor`; nothing checks the concrete class.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from .scoping import EVERYTHING, UnitScope


@runtime_checkable
class Actor(Protocol):
    is_authenticated: bool
    is_active: bool
    is_superuser: bool
    pk: int | None

    def unit_scope(self) -> UnitScope: ...


class SystemActor:
    """The system itself (the demo seed, a command run by the operator, a scheduled task): acts on the whole
    province with no user row; the audit log names it by `label`."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None

    def __init__(self, label: str = "system") -> None:
        self.label = label

    def unit_scope(self) -> UnitScope:
        return EVERYTHING

    def __str__(self) -> str:
        return self.label

    def __repr__(self) -> str:
        return f"SystemActor({self.label!r})"


SYSTEM = SystemActor()
