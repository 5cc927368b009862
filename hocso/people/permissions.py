"""Who may see and change a person's record."""

from __future__ import annotations

from hocso.access.scoping import is_province_admin
from hocso.core.actors import Actor
from hocso.core.scoping import scope_of

from .models import Learner


def can_manage_someone(actor: Actor | None) -> bool:
    """Province administrators and focal points: their scope holds at least one unit."""
    return not scope_of(actor).is_empty


def can_see_full_cccd(actor: Actor | None, learner: Learner) -> bool:
    """Admins and the focal points responsible for the person need the full number; others see it masked."""
    if getattr(actor, "pk", None) and learner.user_id == actor.pk:
        return True
    if is_province_admin(actor):
        return True
    return learner.unit is not None and scope_of(actor).covers(learner.unit.path)


def can_edit_learner(actor: Actor | None, learner: Learner) -> bool:
    """The focal points (and administrators) whose scope holds the person's current unit."""
    return learner.unit is not None and scope_of(actor).covers(learner.unit.path)


def can_download_personal_data(actor: Actor | None, user) -> bool:
    """One's own copy; a province administrator answers a person's request for theirs."""
    own = user is not None and getattr(actor, "pk", None) == user.pk
    return own or is_province_admin(actor)


def can_anonymise(actor: Actor | None) -> bool:
    return is_province_admin(actor)
