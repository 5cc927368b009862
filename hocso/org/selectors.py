"""Reads of the unit tree, always scoped to the acting user or API key."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.scoping import scope_of
from hocso.core.text import search_terms

from .members import unit_members
from .models import Reorganisation, TargetGroup, Unit


def units_visible(*, actor: Actor | None, include_former: bool = False) -> QuerySet[Unit]:
    qs = Unit.objects.filter(scope_of(actor).q("path"))
    return qs if include_former else qs.current()


def unit_get(*, actor: Actor | None, pk: int) -> Unit:
    """A unit the actor may see, former units included, or 404 (never 403: existence is not leaked)."""
    unit = Unit.objects.filter(scope_of(actor).q("path"), pk=pk).select_related("parent", "successor").first()
    if unit is None:
        raise Http404(_("Unit not found."))
    return unit


def unit_roots(*, actor: Actor | None, include_former: bool = False) -> list[Unit]:
    """The top of what the actor sees: the province's root units, or a focal point's own units."""
    scope = scope_of(actor)
    qs = Unit.objects.filter(parent__isnull=True) if scope.everything else Unit.objects.filter(path__in=scope.paths)
    if not include_former:
        qs = qs.current()
    return list(qs.order_by("sort_key"))


def unit_search(*, actor: Actor | None, query: str, limit: int = 20, include_former: bool = False) -> QuerySet[Unit]:
    qs = units_visible(actor=actor, include_former=include_former)
    qs = qs.search(query)
    return qs.order_by("depth", "sort_key")[:limit]


def unit_picker_search(*, actor: Actor | None, query: str, include_former: bool = False) -> QuerySet[Unit]:
    """What a unit picker suggests: units the actor may see whose words start with every word of `query` (accents
    and case ignored), or whose agency or administrative code is or starts with `query`; the top of the tree
    first. An empty query gives the top of the tree, to browse from."""
    qs = units_visible(actor=actor, include_former=include_former)
    query = query.strip()
    if query:
        words = Q()
        for term in search_terms(query):
            words &= Q(search_key__contains=term)
        codes = Q(code__istartswith=query) | Q(admin_unit_code=query) if " " not in query else Q(pk__in=[])
        qs = qs.filter(words | codes)
    return qs.order_by("depth", "sort_key", "id")


def unit_picker_rows(units: list[Unit]) -> list[dict]:
    """A picker's suggestions: each unit's name, and a detail line (code, the path above it) that tells units of
    the same name apart. Two queries whatever the number of units."""
    trails = unit_ancestors_map(units)
    rows = []
    for unit in units:
        above = [u.name for u in trails[unit.pk]]
        if len(above) > 1:
            above = above[1:]  # the province, above everyone, says nothing
        detail = " · ".join(part for part in (unit.code or unit.admin_unit_code, " › ".join(above)) if part)
        if not unit.is_current:
            detail = f"{detail} · {_('former')}" if detail else _("former")
        rows.append({"value": str(unit.pk), "text": unit_label(unit, parent_name=above[-1] if above else ""),
                     "name": unit.name, "detail": detail})
    return rows


def unit_label(unit: Unit, *, parent_name: str = "") -> str:
    """How a chosen unit reads in a picker (and in a plain <select> without JavaScript): its name, code and parent."""
    code = unit.code or unit.admin_unit_code
    label = unit.name if unit.is_current else f"{unit.name} ({_('former')})"
    label = f"{label} ({code})" if code else label
    return f"{label} — {parent_name}" if parent_name else label


def with_counts(units: list[Unit]) -> list[Unit]:
    """Annotate `learner_count` (whole subtree) and `child_count` (current children) on each unit."""
    if not units:
        return units
    counts = unit_members().subtree_counts(units)
    child_counts = dict(
        Unit.objects.current().filter(parent__in=units).values("parent").annotate(n=Count("id"))
        .values_list("parent", "n")
    )
    for unit in units:
        unit.learner_count = counts.get(unit.pk, 0)
        unit.child_count = child_counts.get(unit.pk, 0)
    return units


def unit_children(*, actor: Actor | None, unit: Unit, include_former: bool = False) -> list[Unit]:
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


# --- Reads used by the web pages -------------------------------------------------------------------------------


def units_with_counts(units: list[Unit], *, include_former: bool = False) -> list[Unit]:
    """`with_counts`, where `child_count` also counts former children if `include_former` (the 'former' view)."""
    if not include_former or not units:
        return with_counts(units)
    counts = unit_members().subtree_counts(units)
    child_counts = dict(
        Unit.objects.filter(parent__in=units).values("parent").annotate(n=Count("id")).values_list("parent", "n")
    )
    for unit in units:
        unit.learner_count = counts.get(unit.pk, 0)
        unit.child_count = child_counts.get(unit.pk, 0)
    return units


def unit_children_map(
    *, actor: Actor | None, units: list[Unit], include_former: bool = False
) -> dict[int, list[Unit]]:
    """Children (with counts) of several units at once, in a fixed number of queries; only units in scope."""
    if not units:
        return {}
    qs = Unit.objects.filter(scope_of(actor).q("path"), parent__in=units)
    if not include_former:
        qs = qs.current()
    children = units_with_counts(list(qs.order_by("kind", "sort_key")), include_former=include_former)
    result: dict[int, list[Unit]] = {unit.pk: [] for unit in units}
    for child in children:
        result[child.parent_id].append(child)
    return result


def unit_ancestors_map(units: list[Unit]) -> dict[int, list[Unit]]:
    """The ancestors (root first) of each unit, read in one query."""
    wanted = {path for unit in units for path in unit.ancestor_paths()[:-1]}
    by_path = {u.path: u for u in Unit.objects.filter(path__in=wanted)} if wanted else {}
    return {unit.pk: [by_path[p] for p in unit.ancestor_paths()[:-1] if p in by_path] for unit in units}


def units_for_parent_choice(*, actor: Actor | None, exclude: Unit | None = None, query: str = "") -> QuerySet[Unit]:
    """Current units the actor may place a unit under (their scope), minus `exclude`'s own subtree."""
    qs = units_visible(actor=actor)
    if exclude is not None:
        qs = qs.exclude(path__startswith=exclude.path)
    qs = qs.search(query)
    return qs.order_by("path")


def merge_candidates(*, actor: Actor | None, unit: Unit, query: str = "") -> QuerySet[Unit]:
    """Current units that could be merged with `unit`: managed by the actor, neither above nor below it."""
    qs = units_visible(actor=actor).exclude(path__startswith=unit.path).exclude(path__in=unit.ancestor_paths())
    scope = scope_of(actor)
    if not scope.everything:
        # Focal points may restructure only strictly below their own units.
        qs = qs.exclude(path__in=scope.paths)
    qs = qs.search(query)
    return qs.order_by("depth", "sort_key")


def units_direct_counts(units: list[Unit]) -> dict[int, tuple[int, int]]:
    """(current members directly in the unit, current sub-units) per unit, in two queries."""
    if not units:
        return {}
    people = unit_members().direct_counts(units)
    children = dict(
        Unit.objects.current().filter(parent__in=units).values("parent").annotate(n=Count("id"))
        .values_list("parent", "n")
    )
    return {unit.pk: (people.get(unit.pk, 0), children.get(unit.pk, 0)) for unit in units}


def unit_members_now(*, unit: Unit) -> QuerySet:
    """The people currently in `unit` itself (not its sub-units), in Vietnamese name order."""
    return unit_members().current(unit)


def unit_member_history(*, unit: Unit, predecessors: list[Unit], subtree: bool = False) -> QuerySet:
    """Memberships of `unit` and of the units it came from (merges, splits), newest first; with `subtree`, those of
    its sub-units too."""
    return unit_members().history(unit=unit, predecessors=predecessors, subtree=subtree)


def direct_member_counts(units: list[Unit]) -> dict[int, int]:
    """{unit pk: the people now in the unit itself, not in its sub-units}."""
    return unit_members().direct_counts(units)


def target_group_list(*, actor: Actor | None) -> QuerySet[TargetGroup]:
    return TargetGroup.objects.order_by("position", "name")


def target_group_get(*, actor: Actor | None, pk: int) -> TargetGroup:
    group = TargetGroup.objects.filter(pk=pk).first()
    if group is None:
        raise Http404(_("Target group not found."))
    return group
