"""What a user's roles allow, by name. Pages and services ask these, never a set of roles written out."""

from __future__ import annotations

from hocso.core.actors import Actor
from hocso.core.scoping import scope_of
from hocso.org.models import Unit

from .models import AUTHOR_ROLES, MANAGING_ROLES, Role
from .scoping import is_province_admin, roles_of


def can_manage_people(actor: Actor | None) -> bool:
    """Province administrators and focal points: the people, units and roles of their scope, and the campaigns
    and training plans that follow them."""
    return bool(roles_of(actor) & set(MANAGING_ROLES))


def can_author(actor: Actor | None) -> bool:
    """Province administrators and instructors write questions, quizzes and courses."""
    return bool(roles_of(actor) & set(AUTHOR_ROLES))


def can_see_quizzes_and_classes(actor: Actor | None) -> bool:
    """Authors, and focal points who follow their people: the quiz and class lists."""
    return bool(roles_of(actor) & {*AUTHOR_ROLES, *MANAGING_ROLES})


def can_assign_role(actor: Actor, role: str, unit: Unit | None) -> bool:
    """Province administrators give any role; a focal point gives unit roles inside their own subtree."""
    if is_province_admin(actor):
        return True
    if role == Role.PROVINCE_ADMIN or unit is None:
        return False
    return scope_of(actor).covers(unit.path)
