"""Reads about people, scoped to what the acting user or API key may see."""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.db import router
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.prepared import prepared_cursor
from hocso.core.rows import model_row
from hocso.core.scoping import scope_of
from hocso.org.models import SEGMENT_WIDTH, Unit

from .models import ImportJob, ImportJobStatus, Learner, Membership

_SEEDED = "_hocso_learner_seed"
_NOTHING_SEEDED = object()


def remember_learner(user, learner: Learner | None) -> None:
    """Hand the next `learner_of(user)` the profile a statement reading the account brought along (the session's
    read, hocso.identity.sessions). Given once: a later ask in the same request reads again."""
    setattr(user, _SEEDED, learner)


def learner_of(user) -> Learner | None:
    """The staff profile behind a signed-in account, or None (administrators without one, API keys, anonymous).

    The one way to ask, everywhere. Every exam page asks, so it is one plain query (the ORM's version cost three
    times the CPU), or none when the session's read brought the profile along. The unit is not read; `learner.unit`
    loads it if needed."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "pk", None):
        return None
    seeded = getattr(user, _SEEDED, _NOTHING_SEEDED)
    if seeded is not _NOTHING_SEEDED:
        delattr(user, _SEEDED)
        return seeded
    rows = model_row(Learner, router.db_for_read(Learner))
    with prepared_cursor(rows.alias) as cursor:
        cursor.execute(f"SELECT {rows.columns()} FROM {Learner._meta.db_table} WHERE user_id = %s", [user.pk])
        found = cursor.fetchone()
    return rows.instance(found) if found is not None else None


def learner_list(
    *,
    actor: Actor,
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


def learner_get(*, actor: Actor, pk: int) -> Learner:
    learner = Learner.objects.visible_to(actor).select_related("unit", "target_group", "user").filter(pk=pk).first()
    if learner is None:
        raise Http404(_("Person not found."))
    return learner


def learner_memberships(*, learner: Learner) -> QuerySet[Membership]:
    return learner.memberships.select_related("unit").order_by("-start_date", "-id")


def unit_history(*, unit: Unit, predecessors: list[Unit], subtree: bool = False) -> QuerySet[Membership]:
    """Memberships of `unit` and of the units it came from; with `subtree`, of its sub-units too (the units whose
    path starts with its own, former ones included).

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
    if subtree:
        condition |= Q(unit__path__startswith=unit.path)
    return (
        Membership.objects.filter(condition)
        .select_related("learner", "unit")
        .order_by("-start_date", "learner__sort_key")
    )


def unit_members(unit: Unit) -> QuerySet[Learner]:
    """The people currently in `unit` itself (not its sub-units), in Vietnamese name order."""
    return Learner.objects.filter(unit=unit).order_by("sort_key", "id")


def subtree_member_counts(units: Sequence[Unit]) -> dict[int, int]:
    """Current learners in each unit's subtree, in one grouped query per path length."""
    counts: dict[int, int] = {}
    by_length: dict[int, list[Unit]] = defaultdict(list)
    for unit in units:
        by_length[len(unit.path)].append(unit)
    for length, group in by_length.items():
        prefix_to_pk = {u.path: u.pk for u in group}
        common = os.path.commonprefix(list(prefix_to_pk))
        common = common[: len(common) - len(common) % (SEGMENT_WIDTH + 1)]  # whole segments only
        rows = (
            Learner.objects.filter(unit__path__startswith=common)
            .annotate(prefix=Substr("unit__path", 1, length))
            .values("prefix")
            .annotate(n=Count("id"))
        )
        for row in rows:
            if row["prefix"] in prefix_to_pk:
                counts[prefix_to_pk[row["prefix"]]] = row["n"]
        for unit in group:
            counts.setdefault(unit.pk, 0)
    return counts


def direct_member_counts(units: Sequence[Unit]) -> dict[int, int]:
    """Current learners directly in each unit (not its sub-units), in one query."""
    return dict(Learner.objects.filter(unit__in=units).values("unit").annotate(n=Count("id")).values_list("unit", "n"))


def assignable_users(*, actor: Actor) -> QuerySet:
    """Accounts the actor may give roles to: anyone for admins, else people in their own subtree.

    Focal points do not get to probe for arbitrary usernames elsewhere in the province.
    """
    User = get_user_model()
    users = User.objects.filter(is_active=True)
    scope = scope_of(actor)
    if scope.everything:
        return users
    return users.filter(learner__in=Learner.objects.in_scope(scope))


def account_picker_search(*, actor: Actor, query: str) -> QuerySet:
    """What an account picker suggests (whom to give a role): active accounts the actor manages whose person's
    name matches `query` (accents ignored), whose username starts with it, or whose account name holds it."""
    people = Learner.objects.in_scope(scope_of(actor)).search(query).values("pk")
    match = Q(learner__in=people) | Q(username__istartswith=query.strip()) | Q(full_name__icontains=query.strip())
    return (assignable_users(actor=actor).filter(match).select_related("learner__unit")
            .order_by("learner__sort_key", "username"))


def account_picker_rows(users: list) -> list[dict]:
    """An account picker's suggestions: the person's name, the username (the value) and their unit."""
    rows = []
    for user in users:
        learner = getattr(user, "learner", None)
        name = (learner.full_name if learner is not None else "") or user.full_name or user.username
        unit = learner.unit.name if learner is not None and learner.unit_id else ""
        rows.append({"value": user.username, "text": f"{name} ({user.username})", "name": name,
                     "detail": " · ".join(p for p in (user.username, unit) if p)})
    return rows


def learners_with_accounts(*, actor: Actor, query: str, limit: int = 10) -> list[Learner]:
    """People with a sign-in account the actor manages, for picking whom to give a role."""
    if not query.strip():
        return []
    scope = scope_of(actor)
    return list(
        Learner.objects.in_scope(scope).filter(user__isnull=False, user__is_active=True)
        .search(query).select_related("user", "unit").order_by("sort_key", "id")[:limit]
    )


# --- the home page -------------------------------------------------------------------------------------------

# Imports that wait for their author: still being read or written, ready to confirm, or failed.
IMPORTS_NEEDING_ATTENTION = (ImportJobStatus.QUEUED, ImportJobStatus.READING, ImportJobStatus.PREVIEW,
                             ImportJobStatus.APPLYING, ImportJobStatus.FAILED)


def imports_needing_attention(*, actor: Actor, days: int = 30, limit: int = 5) -> list[ImportJob]:
    """The actor's own staff imports of the last `days` days that wait for something (an upload is personal data
    of the people in it, so each person sees only theirs), newest first."""
    since = timezone.now() - dt.timedelta(days=days)
    return list(ImportJob.objects.filter(created_by_id=getattr(actor, "pk", None), created_at__gte=since,
                                         status__in=IMPORTS_NEEDING_ATTENTION)
                .defer("content", "error_report", "preview", "summary", "result").order_by("-created_at")[:limit])


def membership_changes(*, actor: Actor, days: int = 30, limit: int = 8,
                       today: dt.date | None = None) -> list[Membership]:
    """Memberships in the actor's units that began or ended in the last `days` days (arrivals, transfers,
    departures), the latest written first."""
    since = (today or timezone.localdate()) - dt.timedelta(days=days)
    return list(Membership.objects.filter(scope_of(actor).q("unit__path"))
                .filter(Q(start_date__gte=since) | Q(end_date__gte=since))
                .select_related("learner", "unit").order_by("-pk")[:limit])
