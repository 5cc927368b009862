"""Question bank pages: the category tree and managing categories (create, rename, move, delete).

Only authors (province administrators and instructors) use these pages; anyone else gets 403. Categories an author
may not see are 404. Views are thin: selectors read, the bank's services write.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hocso.core.actors import Actor
from hocso.core.forms import call_service
from hocso.core.pagination import paginate, querystring_without_page
from hocso.core.permissions import ensure

from ...models import Category, QuestionType
from ...permissions import can_edit_category
from .. import selectors, services
from ..forms import CategoryForm, CategoryRenameForm, CategoryTargetForm, QuestionFilterForm
from ._common import require_author, trail


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    require_author(request)
    roots = selectors.category_tree(actor=request.user)
    return render(request, "assessment/bank/home.html", {"roots": roots, "types": QuestionType.choices})


@login_required
@require_http_methods(["GET", "POST"])
def category_create(request: HttpRequest) -> HttpResponse:
    require_author(request)
    categories = selectors.category_choices(actor=request.user)
    initial = {"parent": request.GET.get("parent", "")}
    form = CategoryForm(request.POST or None, categories=categories, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        category = call_service(form, services.category_create, actor=request.user, name=data["name"],
                                parent=data["parent"], description=data["description"], sharing=data["sharing"])
        if category is not None:
            messages.success(request, _("The category %(name)s was created.") % {"name": category.name})
            return redirect("assessment:bank_category", category.pk)
    return render(request, "assessment/bank/category_form.html", {"form": form})


@login_required
@require_GET
def category_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_author(request)
    actor = request.user
    category = selectors.category_get(actor=actor, pk=pk)
    tags = list(selectors.tags_in_use())
    form = QuestionFilterForm(request.GET, tags=tags)
    form.is_valid()
    filters = form.cleaned_data
    questions = selectors.question_list(
        actor=actor, category=category, include_subcategories=form.includes_subcategories(),
        query=filters.get("q", ""), qtype=filters.get("qtype", ""), difficulty=filters.get("difficulty"),
        tag=filters.get("tag"), archived=filters.get("archived") or selectors.ACTIVE,
    )
    children = selectors.categories_visible(actor=actor).filter(parent=category).order_by("sort_key")
    return render(request, "assessment/bank/category.html", {
        "category": category, "trail": trail(category)[:-1], "children": children, "form": form,
        "page": paginate(request, questions), "querystring": querystring_without_page(request),
        "types": QuestionType.choices, "can_manage": can_edit_category(actor, category),
    })


def _editable_category(request: HttpRequest, pk: int) -> Category:
    """The category if the user may manage it: 404 if they cannot see it, 403 if they see it but may not change it."""
    require_author(request)
    category = selectors.category_get(actor=request.user, pk=pk)
    ensure(can_edit_category(request.user, category), _("You cannot change this category."))
    return category


def _targets(actor: Actor, category: Category) -> list[Category]:
    """Visible categories outside the category's own subtree: where it, or what it holds, may go."""
    return [c for c in selectors.category_choices(actor=actor)
            if not c.path.startswith(category.path) and can_edit_category(actor, c)]


def _after_removal(category: Category) -> HttpResponse:
    return redirect("assessment:bank_category", category.parent_id) if category.parent_id \
        else redirect("assessment:bank_home")


@login_required
@require_http_methods(["GET", "POST"])
def category_rename(request: HttpRequest, pk: int) -> HttpResponse:
    category = _editable_category(request, pk)
    form = CategoryRenameForm(request.POST if request.method == "POST" else None,
                              initial={"name": category.name, "description": category.description})
    if request.method == "POST" and form.is_valid():
        renamed = call_service(form, services.category_rename, actor=request.user, category=category,
                               name=form.cleaned_data["name"], description=form.cleaned_data["description"])
        if renamed is None:
            category.refresh_from_db()
        else:
            messages.success(request, _("The category was renamed to %(name)s.") % {"name": category.name})
            return redirect("assessment:bank_category", category.pk)
    return render(request, "assessment/bank/category_rename.html",
                  {"category": category, "form": form, "trail": trail(category)})


@login_required
@require_http_methods(["GET", "POST"])
def category_move(request: HttpRequest, pk: int) -> HttpResponse:
    category = _editable_category(request, pk)
    form = CategoryTargetForm(request.POST if request.method == "POST" else None,
                              categories=_targets(request.user, category), field="parent",
                              label=_("Move into"), empty_label=_("(top of the bank)"),
                              initial={"parent": category.parent_id or ""})
    if request.method == "POST" and form.is_valid() and call_service(
            form, services.category_move, actor=request.user, category=category, new_parent=form.target()):
        messages.success(request, _("The category %(name)s was moved.") % {"name": category.name})
        return redirect("assessment:bank_category", category.pk)
    return render(request, "assessment/bank/category_move.html",
                  {"category": category, "form": form, "trail": trail(category)})


@login_required
@require_http_methods(["GET", "POST"])
def category_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page; a non-empty category can be emptied into another one and deleted in one go."""
    category = _editable_category(request, pk)
    contents = selectors.category_contents(category)
    # Bound on every POST: an empty category is confirmed with no field at all.
    form = CategoryTargetForm(request.POST if request.method == "POST" else None,
                              categories=_targets(request.user, category), field="move_to",
                              label=_("Move its questions and sub-categories into"), empty_label="—")
    if request.method == "POST" and form.is_valid():
        moved = call_service(form, services.category_delete, actor=request.user, category=category,
                             move_to=form.target())
        if moved is not None:
            if moved["questions"] or moved["children"]:
                messages.success(request, _("The category %(name)s was deleted; %(questions)s questions and "
                                            "%(children)s sub-categories were moved.")
                                 % {"name": category.name, **moved})
            else:
                messages.success(request, _("The category %(name)s was deleted.") % {"name": category.name})
            return _after_removal(category)
    return render(request, "assessment/bank/category_delete.html", {
        "category": category, "form": form, "trail": trail(category), "contents": contents,
        "empty": not (contents["questions"] or contents["children"]),
    })
