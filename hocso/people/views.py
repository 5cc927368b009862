"""People pages: thin views that parse input, call a selector or service and render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from hocso.access import selectors as access_selectors
from hocso.access import services as access_services
from hocso.access.scoping import is_province_admin
from hocso.core.forms import call_service
from hocso.core.pagination import paginate, querystring_without_page
from hocso.core.permissions import ensure
from hocso.core.widgets import page_of, picker_query, picker_results
from hocso.org.models import Unit
from hocso.org.selectors import unit_get, unit_search, units_visible

from . import permissions, selectors, services
from .forms import LearnerFilterForm, LearnerForm, LeaveForm, MoveForm, RoleAssignForm, RoleFilterForm
from .models import Learner

# Above this many units a <select> gets unwieldy; the list page then offers a unit search instead.
UNIT_SELECT_LIMIT = 300


def _unit_from_param(request: HttpRequest, actor, name: str = "unit") -> Unit | None:
    """The unit named by ?unit=<pk>, or None; a unit outside the actor's scope is a 404, not a hint."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdecimal():
        raise Http404(_("Unit not found."))
    return unit_get(actor=actor, pk=int(raw))


UNIT_FIELDS = ("pk", "name", "code", "admin_unit_code", "parent_id", "depth", "sort_key", "path")


def _current_units(actor) -> list[Unit]:
    return list(units_visible(actor=actor).only(*UNIT_FIELDS))


def _ensure_manages_something(actor) -> None:
    ensure(permissions.can_manage_someone(actor), _("Only administrators and unit focal points can do this."))


def birth_date_text(value: dt.date | None, *, full: bool) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y") if full else f"**/**/{value.year}"


# --- the list --------------------------------------------------------------------------------------------------


@login_required
def learner_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    chosen_unit = _unit_from_param(request, actor)
    units: list[Unit] | None = list(
        units_visible(actor=actor).only(*UNIT_FIELDS)[
            : UNIT_SELECT_LIMIT + 1
        ]
    )
    if len(units) > UNIT_SELECT_LIMIT:
        units = None
    elif chosen_unit is not None and all(u.pk != chosen_unit.pk for u in units):
        units.append(chosen_unit)  # a former unit reached through a link still shows as chosen
    form = LearnerFilterForm(request.GET or None, units=units)
    filters = form.cleaned_data if form.is_valid() else getattr(form, "cleaned_data", {})
    target_group = filters.get("target_group")
    unit_q = request.GET.get("unit_q", "").strip()
    unit_matches: list[Unit] = []
    if unit_q:  # a unit name typed without JavaScript replaces the unit chosen before
        chosen_unit = None
        unit_matches = list(unit_search(actor=actor, query=unit_q, limit=20))
        if len(unit_matches) == 1:
            chosen_unit, unit_matches = unit_matches[0], []
    learners = selectors.learner_list(
        actor=actor,
        query=filters.get("q", ""),
        unit=chosen_unit,
        target_group_id=target_group.pk if target_group else None,
        status=filters.get("status") or None,
    )
    page = paginate(request, learners)
    return render(request, "people/list.html", {
        "form": form,
        "page": page,
        "querystring": querystring_without_page(request),
        "chosen_unit": chosen_unit,
        "unit_select": units is not None,
        "unit_q": unit_q,
        "links": _unit_links(request, unit_matches),
        "without_unit": _without(request, "unit", "unit_q", "page"),
        "can_create": permissions.can_manage_someone(actor),
    })


@login_required
@require_GET
def unit_search_results(request: HttpRequest) -> HttpResponse:
    """htmx fragment for the list filter: units matching ?unit_q=, each a link keeping the other filters."""
    query = request.GET.get("unit_q", "").strip()
    units = list(unit_search(actor=request.user, query=query, limit=20)) if query else []
    return render(request, "people/_unit_results.html", {"links": _unit_links(request, units), "unit_q": query})


def _without(request: HttpRequest, *keys: str) -> str:
    params = request.GET.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()


def _unit_links(request: HttpRequest, units: list[Unit]) -> list[tuple[Unit, str]]:
    """(unit, querystring) pairs: the current filters with ?unit= set to that unit."""
    params = request.GET.copy()
    for key in ("unit_q", "unit", "page"):
        params.pop(key, None)
    links = []
    for unit in units:
        params["unit"] = str(unit.pk)
        links.append((unit, params.urlencode()))
    return links


# --- one person ------------------------------------------------------------------------------------------------


def _render_detail(request: HttpRequest, learner: Learner, *, full_cccd: str | None = None) -> HttpResponse:
    actor = request.user
    allowed = permissions.can_see_full_cccd(actor, learner)
    return render(request, "people/detail.html", {
        "learner": learner,
        "memberships": selectors.learner_memberships(learner=learner),
        "role_assignments": access_selectors.user_role_assignments(user=learner.user) if learner.user_id else [],
        "can_edit": permissions.can_edit_learner(actor, learner),
        "can_reveal": allowed and bool(learner.cccd),
        "full_cccd": full_cccd,
        "birth_date": birth_date_text(learner.date_of_birth, full=allowed),
        "is_self": learner.user_id is not None and learner.user_id == actor.pk,
        "manages": permissions.can_manage_someone(actor),
    })


@login_required
@never_cache
def learner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    learner = selectors.learner_get(actor=request.user, pk=pk)
    return _render_detail(request, learner)


@login_required
@require_POST
@never_cache
def learner_reveal_cccd(request: HttpRequest, pk: int) -> HttpResponse:
    learner = selectors.learner_get(actor=request.user, pk=pk)
    number = services.learner_reveal_cccd(actor=request.user, learner=learner)
    if request.headers.get("HX-Request"):
        return render(request, "people/_cccd.html", {"learner": learner, "full_cccd": number, "can_reveal": True})
    return _render_detail(request, learner, full_cccd=number)


@login_required
def learner_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    _ensure_manages_something(actor)
    unit = _unit_from_param(request, actor)
    form = LearnerForm(request.POST or None, actor=actor, units=_current_units(actor),
                       initial={"unit": unit.pk if unit else None})
    if request.method == "POST" and form.is_valid() and (learner := call_service(
        form, services.learner_create, actor=actor, unit=form.cleaned_data["unit"],
        start_date=form.cleaned_data["start_date"], **form.profile(),
    )):
        messages.success(request, _("%(name)s was added.") % {"name": learner.full_name})
        return redirect("people:detail", pk=learner.pk)
    return render(request, "people/learner_form.html", {"form": form, "unit": unit, "learner": None})


def _editable_learner(request: HttpRequest, pk: int) -> Learner:
    """A person the actor can see (else 404) and may change (else 403)."""
    learner = selectors.learner_get(actor=request.user, pk=pk)
    ensure(permissions.can_edit_learner(request.user, learner), _("You cannot change this person."))
    return learner


@login_required
def learner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    learner = _editable_learner(request, pk)
    form = LearnerForm(request.POST or None, actor=request.user, instance=learner)
    if request.method == "POST" and form.is_valid() and call_service(
        form, services.learner_update, actor=request.user, learner=learner, **form.profile(),
    ):
        messages.success(request, _("The changes were saved."))
        return redirect("people:detail", pk=learner.pk)
    return render(request, "people/learner_form.html", {"form": form, "learner": learner})


@login_required
def learner_move(request: HttpRequest, pk: int) -> HttpResponse:
    learner = _editable_learner(request, pk)
    units = [u for u in _current_units(request.user) if u.pk != learner.unit_id]
    form = MoveForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid() and call_service(
        form, services.learner_move, actor=request.user, learner=learner, to_unit=form.cleaned_data["to_unit"],
        on=form.cleaned_data["on"], note=form.cleaned_data["note"],
    ):
        messages.success(request, _("%(name)s now belongs to %(unit)s.")
                         % {"name": learner.full_name, "unit": form.cleaned_data["to_unit"].name})
        return redirect("people:detail", pk=learner.pk)
    return render(request, "people/action_form.html", {
        "form": form, "learner": learner, "title": _("Transfer to another unit"), "submit": _("Transfer"),
        "intro": _("The current membership ends on the date of transfer; past results stay with the old unit."),
    })


@login_required
def learner_leave(request: HttpRequest, pk: int) -> HttpResponse:
    learner = _editable_learner(request, pk)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and call_service(
        form, services.learner_leave, actor=request.user, learner=learner, on=form.cleaned_data["on"],
        status=form.cleaned_data["status"],
    ):
        messages.success(request, _("%(name)s no longer belongs to a unit.") % {"name": learner.full_name})
        return redirect("people:detail", pk=learner.pk)
    return render(request, "people/action_form.html", {
        "form": form, "learner": learner, "title": _("Retirement or leaving"), "submit": _("Confirm"),
        "danger": True,
        "intro": _("The person's membership ends and they no longer count in their unit. Their history is kept."),
    })


@login_required
@require_POST
@never_cache
def learner_create_account(request: HttpRequest, pk: int) -> HttpResponse:
    learner = selectors.learner_get(actor=request.user, pk=pk)
    try:
        user, password = services.account_create_for_learner(actor=request.user, learner=learner)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("people:detail", pk=learner.pk)
    # Rendered, not redirected: the temporary password exists only in this response.
    return render(request, "people/account_created.html", {"learner": learner, "account": user,
                                                            "password": password})


# --- roles -----------------------------------------------------------------------------------------------------


@login_required
def roles(request: HttpRequest) -> HttpResponse:
    actor = request.user
    _ensure_manages_something(actor)
    filter_form = RoleFilterForm(request.GET or None)
    role = filter_form.cleaned_data.get("role") if filter_form.is_valid() else ""
    # The roles page shows each account's staff profile: the assignments with their users' learners.
    assignments = access_selectors.role_assignments_visible(actor=actor).select_related("created_by", "user__learner")
    if role:
        assignments = assignments.filter(role=role)
    assignments = assignments.order_by(F("unit__path").asc(nulls_first=True), "role", "user__username", "pk")
    assign_form = RoleAssignForm(
        request.POST or None,
        users=selectors.assignable_users(actor=actor),
        units=_current_units(actor),
        can_assign_admin=is_province_admin(actor),
        initial={"username": request.GET.get("assign_user", "")},
    )
    if request.method == "POST" and assign_form.is_valid() and call_service(
        assign_form, access_services.role_assign, actor=actor, user=assign_form.cleaned_data["username"],
        role=assign_form.cleaned_data["role"], unit=assign_form.cleaned_data["unit"],
    ):
        messages.success(request, _("The role was given to %(user)s.") % {"user": assign_form.cleaned_data["username"]})
        return redirect("people:roles")
    person_query = request.GET.get("person", "").strip()
    page = paginate(request, assignments)
    for assignment in page:
        # The actor's own roles: say at once why one cannot be removed rather than after a click.
        assignment.revoke_refusal = (access_services.role_revoke_refusal(actor=actor, assignment=assignment)
                                     if assignment.user_id == actor.pk else None)
    return render(request, "people/roles.html", {
        "filter_form": filter_form,
        "form": assign_form,
        "page": page,
        "querystring": querystring_without_page(request),
        "person_query": person_query,
        "people_found": selectors.learners_with_accounts(actor=actor, query=person_query),
    })


@login_required
@require_GET
def account_picker(request: HttpRequest) -> HttpResponse:
    """Suggestions for the roles page's person picker (JSON): active accounts the user manages whose person's name
    (accents ignored), username or account name matches ?q=, 20 a page. Nothing for an empty query: people are
    found by what is typed, never listed."""
    _ensure_manages_something(request.user)
    query, page = picker_query(request)
    if not query:
        return picker_results([], more=False)
    users, more = page_of(selectors.account_picker_search(actor=request.user, query=query), page)
    return picker_results(selectors.account_picker_rows(users), more=more)


@login_required
@require_GET
def role_person_search(request: HttpRequest) -> HttpResponse:
    """htmx fragment: people with accounts the actor manages, each a link that fills in the username."""
    _ensure_manages_something(request.user)
    query = request.GET.get("person", "").strip()
    return render(request, "people/_person_results.html", {
        "person_query": query,
        "people_found": selectors.learners_with_accounts(actor=request.user, query=query),
    })


@login_required
@require_POST
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(access_selectors.role_assignments_visible(actor=request.user), pk=pk)
    try:
        access_services.role_revoke(actor=request.user, assignment=assignment)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The role was removed."))
    return redirect(reverse("people:roles"))
