"""Reads about people, scoped to what the acting user or API key may see."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from hocso.identity.models import RoleAssignment
from hocso.identity.scoping import is_province_admin, scope_of
from hocso.org.models import Unit

from .models import Learner, Membership


def learner_list(
    *,
    actor,
    query: str = "",
    unit: Unit | None = None,
    target_group_id: int | None = None,
    status: str | None = None,
) -> QuerySet[Learner]:
    qs = Learner.objects.visible_to(actor).select_related("unit", "target_group")
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if target_group_id:
        qs = qs.filter(target_group_id=target_group_id)
    if status:
        qs = qs.filter(status=status)
    if query:
        qs = qs.search(query)
    return qs.order_by("sort_key", "id")


def learner_get(*, actor, pk: int) -> Learner:
    learner = Learner.objects.visible_to(actor).select_related("unit", "target_group", "user").filter(pk=pk).first()
    if learner is None:
        raise Http404(_("Person not found."))
    return learner


def learner_memberships(*, learner: Learner) -> QuerySet[Membership]:
    return learner.memberships.select_related("unit").order_by("-start_date", "-id")


def unit_history(*, unit: Unit, predecessors: list[Unit]) -> QuerySet[Membership]:
    """Memberships of `unit` and of the units it came from.

    A unit merged into this one brings its whole history. A unit split into several parts brings to each part
    only the history of the people who went to that part.
    """
    merged_ids = {unit.pk}
    changed = True
    while changed:  # follow chains of merges back from `unit`
        before = len(merged_ids)
        merged_ids |= {p.pk for p in predecessors if p.successor_id in merged_ids}
        changed = len(merged_ids) != before
    split_ids = [p.pk for p in predecessors if p.pk not in merged_ids]
    condition = Q(unit__in=merged_ids)
    if split_ids:
        arrived = Membership.objects.filter(unit__in=merged_ids).values("learner")
        condition |= Q(unit__in=split_ids, learner__in=arrived)
    return (
        Membership.objects.filter(condition)
        .select_related("learner", "unit")
        .order_by("-start_date", "learner__sort_key")
    )


def can_see_full_cccd(actor, learner: Learner) -> bool:
    """Admins and the focal points responsible for the person need the full number; others see it masked."""
    if getattr(actor, "pk", None) and learner.user_id == actor.pk:
        return True
    if is_province_admin(actor):
        return True
    return learner.unit is not None and scope_of(actor).covers(learner.unit.path)


def can_edit_learner(actor, learner: Learner) -> bool:
    return learner.unit is not None and scope_of(actor).covers(learner.unit.path)


def role_assignments_visible(*, actor) -> QuerySet[RoleAssignment]:
    qs = RoleAssignment.objects.select_related("user", "unit", "user__learner")
    scope = scope_of(actor)
    if scope.everything:
        return qs
    return qs.filter(scope.q("unit__path"), unit__isnull=False)


def user_role_assignments(*, user) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(user=user).select_related("unit").order_by("role", "unit__sort_key")


def assignable_users(*, actor) -> QuerySet:
    """Accounts the actor may give roles to: anyone for admins, else people in their own subtree.

    Focal points do not get to probe for arbitrary usernames elsewhere in the province.
    """
    User = get_user_model()
    users = User.objects.filter(is_active=True)
    scope = scope_of(actor)
    if scope.everything:
        return users
    return users.filter(learner__in=Learner.objects.in_scope(scope))


def learners_with_accounts(*, actor, query: str, limit: int = 10) -> list[Learner]:
    """People with a sign-in account the actor manages, for picking whom to give a role."""
    if not query.strip():
        return []
    scope = scope_of(actor)
    return list(
        Learner.objects.in_scope(scope).filter(user__isnull=False, user__is_active=True)
        .search(query).select_related("user", "unit").order_by("sort_key", "id")[:limit]
    )
