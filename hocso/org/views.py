"""Web pages for the unit tree: browse, read history, and restructure (create, edit, move, merge, split).

Views are thin: they parse forms, call selectors and services, and render. Units outside the actor's scope
are 404 (raised by `unit_get`); actions the actor may not take on a visible unit are 403.
"""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hocso.core.forms import call_service
from hocso.core.pagination import paginate, querystring_without_page
from hocso.core.permissions import ensure
from hocso.core.scoping import scope_of
from hocso.core.widgets import page_of, picker_query, picker_results

from . import selectors, services
from .forms import (
    UNIT_ERROR_LABELS,
    MergeForm,
    SplitForm,
    SplitPartFormSet,
    TargetGroupForm,
    TreeFilterForm,
    UnitCreateForm,
    UnitEditForm,
    UnitMoveForm,
)
from .models import Unit, UnitKind
from .permissions import can_create_under, can_edit_target_groups, can_manage_unit, can_see_tree

SEARCH_LIMIT = 30
MAX_SPLIT_PARTS = 20


def _flag(request: HttpRequest, name: str = "former") -> bool:
    return request.GET.get(name, "") in {"1", "on", "true"}


def _require_some_scope(actor) -> None:
    """Pages about the tree as a whole are for province admins and focal points only."""
    ensure(can_see_tree(actor), _("You do not manage any unit."))


def _mark_linkable(actor, units: list[Unit]) -> list[Unit]:
    """Ancestors above a focal point's own unit are shown by name only: their pages would be 404."""
    scope = scope_of(actor)
    for unit in units:
        unit.linkable = scope.covers(unit.path)
    return units


def _managed_unit(request: HttpRequest, pk: int, message: str) -> Unit:
    unit = selectors.unit_get(actor=request.user, pk=pk)
    ensure(can_manage_unit(request.user, unit), message)
    return unit


def _former_unit_redirect(request: HttpRequest, unit: Unit) -> HttpResponse:
    messages.error(request, _("%(unit)s is a former unit and cannot be restructured.") % {"unit": unit})
    return redirect("org:detail", unit.pk)


# --- Browsing ---------------------------------------------------------------------------------------------------


@login_required
@require_GET
def tree(request: HttpRequest) -> HttpResponse:
    actor = request.user
    _require_some_scope(actor)
    form = TreeFilterForm(request.GET)
    form.is_valid()
    query = form.cleaned_data.get("q", "").strip()
    former = bool(form.cleaned_data.get("former"))

    roots = selectors.units_with_counts(selectors.unit_roots(actor=actor, include_former=former),
                                        include_former=former)
    # The first level is shown open: the province alone on a page says little.
    children = selectors.unit_children_map(actor=actor, units=[r for r in roots if r.child_count],
                                           include_former=former)
    for root in roots:
        if root.pk in children:
            root.expanded = True
            root.loaded_children = children[root.pk]

    results: list[Unit] = []
    if query:
        results = selectors.units_with_counts(
            list(selectors.unit_search(actor=actor, query=query, limit=SEARCH_LIMIT, include_former=former))
        )
        trails = selectors.unit_ancestors_map(results)
        for unit in results:
            unit.trail = _mark_linkable(actor, trails[unit.pk])
    return render(request, "org/tree.html", {
        "form": form, "roots": roots, "query": query, "former": former, "results": results,
        "search_limit": SEARCH_LIMIT,
    })


@login_required
@require_GET
def picker(request: HttpRequest) -> HttpResponse:
    """Suggestions for a unit picker (JSON): the units the user may see matching ?q= (name or code, accents
    ignored), 20 a page (?page=), each with the path above it to tell namesakes apart."""
    query, page = picker_query(request)
    units, more = page_of(selectors.unit_picker_search(actor=request.user, query=query, include_former=_flag(request)),
                          page)
    return picker_results(selectors.unit_picker_rows(units), more=more)


@login_required
@require_GET
def children(request: HttpRequest, pk: int) -> HttpResponse:
    """The sub-units of one unit as a <ul class="tree"> fragment, loaded by htmx when a node is opened."""
    former = _flag(request)
    unit = selectors.unit_get(actor=request.user, pk=pk)
    nodes = selectors.unit_children_map(actor=request.user, units=[unit], include_former=former)[unit.pk]
    return render(request, "org/_tree.html", {"nodes": nodes, "former": former})


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    former = _flag(request)
    unit = selectors.unit_get(actor=actor, pk=pk)
    selectors.with_counts([unit])
    ancestors = _mark_linkable(actor, selectors.unit_ancestors(unit))
    sub_units = selectors.unit_children_map(actor=actor, units=[unit], include_former=former)[unit.pk]
    reorganisations = list(selectors.unit_reorganisations(unit))
    _mark_linkable(actor, [u for r in reorganisations for u in (*r.sources.all(), *r.targets.all())])
    predecessors = _mark_linkable(actor, selectors.unit_predecessors(unit))
    # The history covers the sub-units too unless asked for the unit itself (?history=own): a commune whose people
    # all work in its offices and schools is not a unit "nobody has worked in".
    own_only = request.GET.get("history") == "own"
    history = paginate(request, selectors.unit_member_history(unit=unit, predecessors=predecessors,
                                                              subtree=not own_only))
    unit.direct_count = selectors.direct_member_counts([unit]).get(unit.pk, 0)
    unit.below_count = unit.learner_count - unit.direct_count
    if unit.successor is not None:
        _mark_linkable(actor, [unit.successor])
    is_current = unit.is_current
    return render(request, "org/detail.html", {
        "unit": unit,
        "ancestors": ancestors,
        "sub_units": sub_units,
        "former": former,
        "reorganisations": reorganisations,
        "predecessors": predecessors,
        "page": history,
        "own_only": own_only,
        "querystring": querystring_without_page(request),
        "people_url": f"{reverse('people:list')}?unit={unit.pk}",
        "can_manage": is_current and can_manage_unit(actor, unit),
        "can_create": is_current and can_create_under(actor, unit),
    })


# --- Create and edit --------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    parent = None
    raw_parent = request.GET.get("parent", "")
    if raw_parent:
        if not raw_parent.isdecimal():
            raise Http404(_("Unit not found."))
        parent = selectors.unit_get(actor=actor, pk=int(raw_parent))
    ensure(can_create_under(actor, parent), _("You can only create units inside your own unit."))
    if parent is not None and not parent.is_current:
        return _former_unit_redirect(request, parent)
    default_kind = UnitKind.PROVINCE if parent is None else UnitKind.OTHER
    form = UnitCreateForm(request.POST or None, initial={"kind": default_kind})
    if request.method == "POST" and form.is_valid() and (unit := call_service(
        form, services.unit_create, actor=actor, parent=parent, name=form.cleaned_data["name"],
        kind=form.cleaned_data["kind"], short_name=form.cleaned_data["short_name"],
        code=form.cleaned_data["code"] or None, admin_unit_code=form.cleaned_data["admin_unit_code"],
        valid_from=form.cleaned_data["valid_from"], error_labels=UNIT_ERROR_LABELS,
    )):
        messages.success(request, _("The unit %(unit)s was created.") % {"unit": unit})
        return redirect("org:detail", unit.pk)
    ancestors = _mark_linkable(actor, [*selectors.unit_ancestors(parent), parent]) if parent else []
    return render(request, "org/unit_form.html", {
        "form": form, "parent": parent, "ancestors": ancestors, "title": _("New unit"),
        "submit_label": _("Create the unit"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    unit = _managed_unit(request, pk, _("You cannot change this unit."))
    form = UnitEditForm.for_unit(unit, request.POST or None)
    if request.method == "POST" and form.is_valid():
        changes = form.changes(unit)
        if not changes:
            messages.info(request, _("Nothing was changed."))
            return redirect("org:detail", unit.pk)
        if call_service(form, services.unit_update, actor=actor, unit=unit, on=form.cleaned_data["on"],
                        note=form.cleaned_data["note"], error_labels=UNIT_ERROR_LABELS, **changes):
            messages.success(request, _("The unit %(unit)s was saved.") % {"unit": unit})
            return redirect("org:detail", unit.pk)
        unit = selectors.unit_get(actor=actor, pk=pk)  # the failed write left the object half-changed
    return render(request, "org/unit_form.html", {
        "form": form, "unit": unit, "ancestors": _mark_linkable(actor, [*selectors.unit_ancestors(unit), unit]),
        "title": _("Edit %(unit)s") % {"unit": unit}, "submit_label": _("Save"),
    })


# --- Restructuring ----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    unit = _managed_unit(request, pk, _("You cannot move this unit."))
    if not unit.is_current:
        return _former_unit_redirect(request, unit)
    query = request.GET.get("q", "").strip() if request.method == "GET" else ""
    parents = selectors.units_for_parent_choice(actor=actor, exclude=unit, query=query)
    form = UnitMoveForm(request.POST or None, unit=unit, parents=parents)
    if request.method == "POST" and form.is_valid() and call_service(
        form, services.unit_move, actor=actor, unit=unit, new_parent=form.cleaned_data["new_parent"],
        on=form.cleaned_data["on"], note=form.cleaned_data["note"], error_labels=UNIT_ERROR_LABELS,
    ):
        messages.success(request, _("%(unit)s was moved under %(parent)s.")
                         % {"unit": unit, "parent": form.cleaned_data["new_parent"]})
        return redirect("org:detail", unit.pk)
    return render(request, "org/move.html", {
        "form": form, "unit": unit, "query": query,
        "ancestors": _mark_linkable(actor, [*selectors.unit_ancestors(unit), unit]),
    })


def _fingerprint(form_data, names: list[str]) -> str:
    """A short digest of what was previewed, so 'confirm' applies exactly what the summary showed."""
    parts = [f"{name}={','.join(sorted(form_data.getlist(name)))}" for name in sorted(names)]
    return hashlib.sha256("&".join(parts).encode()).hexdigest()[:16]


@login_required
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    unit = _managed_unit(request, pk, _("You cannot merge this unit."))
    if not unit.is_current:
        return _former_unit_redirect(request, unit)
    query = request.GET.get("q", "").strip()
    candidates = selectors.merge_candidates(actor=actor, unit=unit)
    form = MergeForm(request.POST or None, unit=unit, candidates=candidates)

    chosen_ids = {int(v) for v in request.POST.getlist("others") if v.isdecimal()}
    # Shown as rows: the unit's siblings (the usual case), search results, and whatever was already chosen.
    shown_ids = set(candidates.filter(parent_id=unit.parent_id).values_list("pk", flat=True))
    if query:
        found = selectors.merge_candidates(actor=actor, unit=unit, query=query)[:SEARCH_LIMIT]
        shown_ids |= set(found.values_list("pk", flat=True))
    rows = list(candidates.filter(pk__in=shown_ids | chosen_ids).select_related("parent").order_by("depth", "sort_key"))
    counts = selectors.units_direct_counts([unit, *rows])
    for row in rows:
        row.people_count, row.sub_unit_count = counts[row.pk]
        row.chosen = row.pk in chosen_ids
    unit.people_count, unit.sub_unit_count = counts[unit.pk]

    preview = None
    if request.method == "POST" and form.is_valid():
        fingerprint = _fingerprint(request.POST, list(form.fields))
        target = form.target
        sources = form.sources
        if request.POST.get("confirm") == fingerprint:
            data = form.cleaned_data
            merged = call_service(
                form, services.units_merge, actor=actor, sources=sources, into=target, new_name=data["new_name"],
                new_kind=data["new_kind"] or None, new_code=data["new_code"] or None,
                new_admin_unit_code=data["new_admin_unit_code"], on=data["on"], note=data["note"],
                field_map={"name": "new_name", "code": "new_code", "kind": "new_kind"}, error_labels=UNIT_ERROR_LABELS,
            )
            if merged:
                messages.success(request, _("The units were merged into %(unit)s.") % {"unit": merged})
                return redirect("org:detail", merged.pk)
        else:
            moving = [s for s in sources if s != target]
            source_counts = selectors.units_direct_counts(moving)
            preview = {
                "fingerprint": fingerprint,
                "target": target,
                "new_name": form.cleaned_data["new_name"],
                "moving": moving,
                "people": sum(c[0] for c in source_counts.values()),
                "sub_units": sum(c[1] for c in source_counts.values()),
            }
    return render(request, "org/merge.html", {
        "form": form, "unit": unit, "rows": rows, "query": query, "preview": preview,
        "into_value": str(form["into"].value() or ""),
        "ancestors": _mark_linkable(actor, [*selectors.unit_ancestors(unit), unit]),
    })


def _split_part_count(request: HttpRequest) -> int:
    raw = request.POST.get("part-TOTAL_FORMS", "2")
    count = int(raw) if raw.isdecimal() else 2
    if "add_part" in request.POST:
        count += 1
    if "remove_part" in request.POST:
        count -= 1
    return max(2, min(count, MAX_SPLIT_PARTS))


@login_required
@require_http_methods(["GET", "POST"])
def split(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    unit = _managed_unit(request, pk, _("You cannot split this unit."))
    if not unit.is_current:
        return _former_unit_redirect(request, unit)
    members = list(selectors.unit_members_now(unit=unit))
    part_count = _split_part_count(request)
    posted_names = [request.POST.get(f"part-{i}-name", "").strip() for i in range(part_count)]
    labels = [
        f"{i + 1}. {name}" if name else _("New unit %(number)s") % {"number": i + 1}
        for i, name in enumerate(posted_names)
    ]
    resizing = "add_part" in request.POST or "remove_part" in request.POST
    if request.method == "POST" and resizing:
        # Changing the number of parts re-shows the form with what was typed, without validating it yet.
        part_fields = ("name", "short_name", "kind", "code")
        initial_parts = [{f: request.POST.get(f"part-{i}-{f}", "") for f in part_fields} for i in range(part_count)]
        formset = SplitPartFormSet(prefix="part", initial=initial_parts)
        initial = request.POST.dict()
        for key, value in initial.items():
            # People who were sent to a part that was just removed are unassigned again.
            if (key.startswith("person_") or key == "default_part") and value.isdecimal() and int(value) >= part_count:
                initial[key] = ""
        form = SplitForm(initial=initial, members=members, part_labels=labels)
    else:
        # Every part is required, including ones added after the first display.
        formset = SplitPartFormSet(request.POST or None, prefix="part", form_kwargs={"empty_permitted": False})
        form = SplitForm(request.POST or None, members=members, part_labels=labels)

    if request.method == "POST" and not resizing and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        assignments = form.assignments(len(formset.forms))
        parts = [
            services.SplitPart(
                name=part.cleaned_data["name"], learner_ids=assignments[i], kind=part.cleaned_data["kind"] or None,
                short_name=part.cleaned_data["short_name"], code=part.cleaned_data["code"] or None,
            )
            for i, part in enumerate(formset.forms)
        ]
        new_units = call_service(
            form, services.unit_split, actor=actor, source=unit, parts=parts, on=data["on"],
            keep_source=data["keep_source"], note=data["note"], error_labels=UNIT_ERROR_LABELS,
        )
        if new_units:
            messages.success(request, _("%(unit)s was split into %(units)s.")
                             % {"unit": unit, "units": ", ".join(u.name for u in new_units)})
            return redirect("org:detail", unit.pk)
    return render(request, "org/split.html", {
        "form": form, "formset": formset, "unit": unit, "members": members,
        "sub_unit_count": selectors.units_direct_counts([unit])[unit.pk][1],
        "can_add_part": part_count < MAX_SPLIT_PARTS, "can_remove_part": part_count > 2,
        "ancestors": _mark_linkable(actor, [*selectors.unit_ancestors(unit), unit]),
    })


# --- Target groups ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def target_groups(request: HttpRequest) -> HttpResponse:
    _require_some_scope(request.user)
    return render(request, "org/target_groups.html", {
        "groups": selectors.target_group_list(actor=request.user),
        "can_edit": can_edit_target_groups(request.user),
    })


def _target_group_form(request: HttpRequest, group=None) -> HttpResponse:
    actor = request.user
    ensure(can_edit_target_groups(actor), _("Only province administrators can edit target groups."))
    initial = {}
    if group is not None:
        initial = {f: getattr(group, f) for f in ("code", "name", "description", "position", "is_active")}
    form = TargetGroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and (saved := call_service(
        form, services.target_group_save, actor=actor, group=group, error_labels=UNIT_ERROR_LABELS,
        **form.cleaned_data,
    )):
        messages.success(request, _("The target group %(group)s was saved.") % {"group": saved})
        return redirect("org:target_groups")
    return render(request, "org/target_group_form.html", {"form": form, "group": group})


@login_required
@require_http_methods(["GET", "POST"])
def target_group_create(request: HttpRequest) -> HttpResponse:
    return _target_group_form(request)


@login_required
@require_http_methods(["GET", "POST"])
def target_group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ensure(can_edit_target_groups(request.user), _("Only province administrators can edit target groups."))
    return _target_group_form(request, selectors.target_group_get(actor=request.user, pk=pk))
