"""Resolve what an actor (user or API key) may see and do."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils.translation import gettext as _

from hocso.core.scoping import EVERYTHING, NOTHING, UnitScope, minimal_paths
from hocso.org.models import Unit

from .models import Role, RoleAssignment

_CACHE_ATTR = "_hocso_roles_cache"
_ASSIGNMENTS_SQL = (
    f"SELECT ra.role, u.path FROM {RoleAssignment._meta.db_table} ra "
    f"LEFT JOIN {Unit._meta.db_table} u ON u.id = ra.unit_id "
    "WHERE ra.user_id = %s AND (ra.unit_id IS NULL OR u.valid_to IS NULL)"
)


def _assignments(user) -> list[tuple[str, str | None]]:
    """(role, unit path) pairs, read once per request object."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        # One query: province-wide roles (no unit) and roles on units that still exist (not merged away). Plain
        # SQL because every page with the menu asks (the ORM's version cost a tenth of the quiz page's CPU).
        with connection.cursor() as cursor:
            cursor.execute(_ASSIGNMENTS_SQL, [user.pk])
            cached = cursor.fetchall()
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_of(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    roles = {role for role, _path in _assignments(user)} if getattr(user, "pk", None) else set()
    if user.is_superuser:
        roles.add(Role.PROVINCE_ADMIN)
    return roles


def is_province_admin(user) -> bool:
    return Role.PROVINCE_ADMIN in roles_of(user)


def scope_for_user(user, roles: tuple[str, ...] = (Role.FOCAL_POINT,)) -> UnitScope:
    """Units whose people and structure the user manages: all for admins, subtrees for focal points."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if is_province_admin(user):
        return EVERYTHING
    paths = [path for role, path in _assignments(user) if role in roles and path]
    return UnitScope(paths=minimal_paths(paths)) if paths else NOTHING


def scope_of(actor) -> UnitScope:
    """The unit scope of a user or an API key (anything with `unit_scope()`); nothing for anonymous."""
    if actor is None or not hasattr(actor, "unit_scope"):
        return NOTHING
    if hasattr(actor, "is_authenticated") and not actor.is_authenticated:
        return NOTHING
    return actor.unit_scope()


def can_manage_unit(actor, unit) -> bool:
    """Structural changes: province admins anywhere; focal points strictly below their own unit."""
    if is_province_admin(actor):
        return True
    scope = scope_of(actor)
    return any(unit.path.startswith(p) and unit.path != p for p in scope.paths)


def can_create_under(actor, parent) -> bool:
    if parent is None:
        return is_province_admin(actor)
    return scope_of(actor).covers(parent.path)


def ensure(condition: bool, message: str | None = None) -> None:
    if not condition:
        raise PermissionDenied(message or _("You do not have permission to do this."))
