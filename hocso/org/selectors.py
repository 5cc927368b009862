"""Reads of the unit tree, always scoped to the acting user or API key."""

from __future__ import annotations

import os
from collections import defaultdict

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils.translation import gettext as _

from hocso.core.text import fold
from hocso.identity.scoping import scope_of

from .models import SEGMENT_WIDTH, Reorganisation, Unit


def units_visible(*, actor, include_former: bool = False) -> QuerySet[Unit]:
    qs = Unit.objects.filter(scope_of(actor).q("path"))
    return qs if include_former else qs.current()


def unit_get(*, actor, pk: int) -> Unit:
    """A unit the actor may see, former units included, or 404 (never 403: existence is not leaked)."""
    unit = Unit.objects.filter(scope_of(actor).q("path"), pk=pk).select_related("parent", "successor").first()
    if unit is None:
        raise Http404(_("Unit not found."))
    return unit


def unit_roots(*, actor, include_former: bool = False) -> list[Unit]:
    """The top of what the actor sees: the province's root units, or a focal point's own units."""
    scope = scope_of(actor)
    qs = Unit.objects.filter(parent__isnull=True) if scope.everything else Unit.objects.filter(path__in=scope.paths)
    if not include_former:
        qs = qs.current()
    return list(qs.order_by("sort_key"))


def unit_search(*, actor, query: str, limit: int = 20, include_former: bool = False) -> QuerySet[Unit]:
    qs = units_visible(actor=actor, include_former=include_former)
    for term in fold(query).split():
        qs = qs.filter(search_key__contains=term)
    return qs.order_by("depth", "sort_key")[:limit]


def subtree_learner_counts(units: list[Unit]) -> dict[int, int]:
    """Current learners in each unit's subtree, in one grouped query per path length."""
    from hocso.people.models import Learner

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


def with_counts(units: list[Unit]) -> list[Unit]:
    """Annotate `learner_count` (whole subtree) and `child_count` (current children) on each unit."""
    if not units:
        return units
    counts = subtree_learner_counts(units)
    child_counts = dict(
        Unit.objects.current().filter(parent__in=units).values("parent").annotate(n=Count("id"))
        .values_list("parent", "n")
    )
    for unit in units:
        unit.learner_count = counts.get(unit.pk, 0)
        unit.child_count = child_counts.get(unit.pk, 0)
    return units


def unit_children(*, actor, unit: Unit, include_former: bool = False) -> list[Unit]:
    unit_get(actor=actor, pk=unit.pk)  # scope check
    qs = unit.children.all() if include_former else unit.children.current()
    return with_counts(list(qs.order_by("kind", "sort_key")))


def unit_ancestors(unit: Unit) -> list[Unit]:
    paths = unit.ancestor_paths()[:-1]
    return list(Unit.objects.filter(path__in=paths).order_by("depth"))


def unit_predecessors(unit: Unit) -> list[Unit]:
    """Units whose people ended up in `unit` through merges or splits (transitively), oldest last."""
    seen: dict[int, Unit] = {}
    frontier = [unit.pk]
    while frontier:
        reorgs = Reorganisation.objects.filter(targets__in=frontier, kind__in=["merge", "split"])
        found = Unit.objects.filter(reorganisations_out__in=reorgs).exclude(pk__in=[unit.pk, *seen]).distinct()
        frontier = []
        for predecessor in found:
            seen[predecessor.pk] = predecessor
            frontier.append(predecessor.pk)
    return list(seen.values())


def unit_reorganisations(unit: Unit) -> QuerySet[Reorganisation]:
    return (
        Reorganisation.objects.filter(sources=unit) | Reorganisation.objects.filter(targets=unit)
    ).distinct().prefetch_related("sources", "targets").order_by("-effective_date", "-id")
