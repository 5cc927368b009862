"""Reads about roles, scoped to the acting user."""

from __future__ import annotations

from django.db.models import QuerySet

from hocso.core.actors import Actor
from hocso.core.scoping import scope_of

from .models import RoleAssignment


def role_assignments_visible(*, actor: Actor) -> QuerySet[RoleAssignment]:
    """Every assignment for province administrators; a focal point sees the unit roles inside their subtree."""
    qs = RoleAssignment.objects.select_related("user", "unit")
    scope = scope_of(actor)
    if scope.everything:
        return qs
    return qs.filter(scope.q("unit__path"), unit__isnull=False)


def user_role_assignments(*, user) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(user=user).select_related("unit").order_by("role", "unit__sort_key")
