"""A user's roles and the part of the unit tree they act on, read once per request object.

`scope_of(actor)` (hocso.core.scoping) asks any actor for its scope; a user answers with `scope_for_user` below,
an API key with its own unit.
"""

from __future__ import annotations

from hocso.core.actors import Actor
from hocso.core.prepared import prepared_cursor
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
        with prepared_cursor() as cursor:
            cursor.execute(_ASSIGNMENTS_SQL, [user.pk])
            cached = cursor.fetchall()
        setattr(user, _CACHE_ATTR, cached)
    return cached


# A statement that reads the account anyway (the session's read, hocso.identity.sessions) brings its assignments
# along as one text: "role<US>path" items joined by <RS> (control characters no role or path contains).
_ITEM, _PAIR = "\x1e", "\x1f"


def assignments_column(user_id_sql: str, vendor: str) -> str:
    """A SELECT-list expression: the assignments of the account `user_id_sql` names, as `_assignments` reads them,
    in one text (NULL: none); `remember_assignments` reads it back."""
    aggregate = "string_agg" if vendor == "postgresql" else "group_concat"
    char = "chr" if vendor == "postgresql" else "char"
    return (
        f"(SELECT {aggregate}(hocso_ra.role || {char}(31) || COALESCE(hocso_ru.path, ''), {char}(30)) "
        f"FROM {RoleAssignment._meta.db_table} hocso_ra LEFT JOIN {Unit._meta.db_table} hocso_ru "
        f"ON hocso_ru.id = hocso_ra.unit_id WHERE hocso_ra.user_id = {user_id_sql} "
        "AND (hocso_ra.unit_id IS NULL OR hocso_ru.valid_to IS NULL))"
    )


def remember_assignments(user, text: str | None) -> None:
    """Keep, for this request's user object, the assignments `assignments_column` read with the account."""
    pairs = []
    for item in (text or "").split(_ITEM) if text else ():
        role, _sep, path = item.partition(_PAIR)
        pairs.append((role, path or None))
    setattr(user, _CACHE_ATTR, pairs)


def forget_roles(user) -> None:
    """Drop the roles read for this user object (after a grant or a revocation)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_of(actor: Actor | None) -> set[str]:
    if not getattr(actor, "is_authenticated", False):
        return set()
    roles = {role for role, _path in _assignments(actor)} if getattr(actor, "pk", None) else set()
    if actor.is_superuser:
        roles.add(Role.PROVINCE_ADMIN)
    return roles


def is_province_admin(actor: Actor | None) -> bool:
    return Role.PROVINCE_ADMIN in roles_of(actor)


def scope_for_user(user, roles: tuple[str, ...] = (Role.FOCAL_POINT,)) -> UnitScope:
    """Units whose people and structure the user manages: all for admins, subtrees for focal points."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if is_province_admin(user):
        return EVERYTHING
    paths = [path for role, path in _assignments(user) if role in roles and path]
    return UnitScope(paths=minimal_paths(paths)) if paths else NOTHING
