"""Who may follow and run test campaigns."""

from __future__ import annotations

from hocso.access.permissions import can_manage_people
from hocso.access.scoping import is_province_admin
from hocso.core.actors import Actor


def can_follow_campaigns(actor: Actor | None) -> bool:
    """Province administrators and focal points follow the campaigns (their scope's people and results)."""
    return can_manage_people(actor)


def can_run_campaigns(actor: Actor | None) -> bool:
    """Create, change and publish campaigns: the province administrators."""
    return is_province_admin(actor)
