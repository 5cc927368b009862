"""Writes to the question bank's categories: create, rename, move (with their subtree), delete. Audited."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.audit import audit
from hocso.core.permissions import ensure
from hocso.core.text import normalize
from hocso.org.models import path_segment

from ...models import Category, Question, Sharing
from ...permissions import can_author, can_edit_category, category_visibility
from ..selectors import category_contents, category_nearest_owner


def new_owner(actor: Actor, owner=None):
    """Who a new category or question belongs to: the given owner, else the acting user (None for the system)."""
    return owner or (actor if getattr(actor, "pk", None) else None)


@transaction.atomic
def category_create(*, actor: Actor, name: str, parent: Category | None = None, description: str = "",
                    sharing: str = Sharing.PROVINCE, owner=None) -> Category:
    ensure(can_author(actor), _("Only administrators and instructors can edit the question bank."))
    name = normalize(name)
    if not name:
        raise ValidationError({"name": [_("Give the category a name.")]})
    if Category.objects.filter(parent=parent, name=name).exists():
        raise ValidationError({"name": [_("There is already a category with this name here.")]})
    category = Category(parent=parent, name=name, description=description.strip(), sharing=sharing,
                        owner=new_owner(actor, owner), path=f"~{uuid.uuid4().hex}")
    category.refresh_keys()
    category.save()
    category.path = (parent.path if parent else "") + path_segment(category.pk)
    category.depth = parent.depth + 1 if parent else 0
    Category.objects.filter(pk=category.pk).update(path=category.path, depth=category.depth)
    audit(actor, "question_category.create", category, after={"name": name, "parent": parent.pk if parent else None})
    return category



def category_get_or_create_path(*, actor: Actor, names: list[str], inherit_owner: bool = False) -> Category:
    """'Chuyển đổi số/An toàn thông tin' → the nested categories, created where missing (used by importers).

    With inherit_owner (the command run without --owner), missing categories belong to the owner of the nearest
    existing one, so that author can keep managing what is imported into their category."""
    parent = None
    for name in [normalize(n) for n in names if normalize(n)]:
        existing = Category.objects.filter(parent=parent, name=name).first()
        owner = category_nearest_owner(parent) if inherit_owner else None
        parent = existing or category_create(actor=actor, name=name, parent=parent, owner=owner)
    if parent is None:
        raise ValidationError(_("Give a category."))
    return parent


# --- Managing categories: rename, move, delete ---------------------------------------------------------------------

MAX_PATH_LENGTH = Category._meta.get_field("path").max_length


def _check_free_name(name: str, parent: Category | None, *, exclude: Category) -> None:
    if Category.objects.filter(parent=parent, name=name).exclude(pk=exclude.pk).exists():
        raise ValidationError({"name": [_("There is already a category with this name here.")]})


def _locked(*categories: Category | None) -> None:
    """Lock the rows (in pk order, so two moves cannot deadlock) and reload their paths: a concurrent move may have
    changed them since they were read, and the cycle check must see the committed tree."""
    pks = sorted({c.pk for c in categories if c is not None})
    fresh = {c.pk: c for c in Category.objects.select_for_update().filter(pk__in=pks)}
    for category in categories:
        if category is not None:
            if category.pk not in fresh:
                raise ValidationError(_("The category no longer exists."))
            category.path, category.depth, category.parent_id = (
                fresh[category.pk].path, fresh[category.pk].depth, fresh[category.pk].parent_id)


def _repath_subtree(category: Category, new_parent: Category | None) -> None:
    """Re-root the category's subtree under new_parent: paths and depths of all descendants follow in one UPDATE."""
    old_path = category.path
    new_path = (new_parent.path if new_parent else "") + path_segment(category.pk)
    depth_delta = (new_parent.depth + 1 if new_parent else 0) - category.depth
    longest = (Category.objects.filter(path__startswith=old_path).annotate(n=Length("path"))
               .aggregate(longest=Max("n"))["longest"] or len(old_path))
    if longest - len(old_path) + len(new_path) > MAX_PATH_LENGTH:
        raise ValidationError(_("The category tree would become too deep."))
    Category.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + depth_delta,
    )
    Category.objects.filter(pk=category.pk).update(parent=new_parent)
    category.refresh_from_db()


def _ensure_visible(actor: Actor, target: Category | None) -> None:
    """Only into a category the actor may manage: a category's owner may edit every question in it, so moving
    things into someone else's (even shared) category would hand them over."""
    if target is not None:
        ensure(Category.objects.filter(category_visibility(actor), pk=target.pk).exists()
               and can_edit_category(actor, target), _("You cannot put things into this category."))


def _check_not_inside(category: Category, new_parent: Category | None) -> None:
    if new_parent is not None and new_parent.path.startswith(category.path):
        raise ValidationError({"parent": [_("A category cannot be moved into itself or one of its sub-categories.")]})


@transaction.atomic
def category_rename(*, actor: Actor, category: Category, name: str, description: str | None = None) -> Category:
    ensure(can_edit_category(actor, category), _("You cannot change this category."))
    name = normalize(name)
    if not name:
        raise ValidationError({"name": [_("Give the category a name.")]})
    _check_free_name(name, category.parent, exclude=category)
    before = {"name": category.name, "description": category.description}
    category.name = name
    if description is not None:
        category.description = description.strip()
    category.refresh_keys()
    category.save(update_fields=["name", "description", "sort_key"])
    audit(actor, "question_category.rename", category, before=before,
          after={"name": category.name, "description": category.description})
    return category


@transaction.atomic
def category_move(*, actor: Actor, category: Category, new_parent: Category | None) -> Category:
    """Put the category (with its sub-categories and questions) under another parent, or at the top."""
    ensure(can_edit_category(actor, category), _("You cannot change this category."))
    _ensure_visible(actor, new_parent)
    _locked(category, new_parent)
    _check_not_inside(category, new_parent)
    old_parent_id = category.parent_id
    if old_parent_id == (new_parent.pk if new_parent else None):
        return category
    _check_free_name(category.name, new_parent, exclude=category)
    _repath_subtree(category, new_parent)
    audit(actor, "question_category.move", category, before={"parent": old_parent_id},
          after={"parent": new_parent.pk if new_parent else None})
    return category


@transaction.atomic
def category_delete(*, actor: Actor, category: Category, move_to: Category | None = None) -> dict[str, int]:
    """Delete a category. If it is not empty, `move_to` receives its questions and sub-categories first, in the same
    transaction; without it a non-empty category is refused. Quizzes drawing from it must be changed first."""
    ensure(can_edit_category(actor, category), _("You cannot change this category."))
    _ensure_visible(actor, move_to)
    _locked(category, move_to)
    contents = category_contents(category)
    if contents["slots"]:
        raise ValidationError(_("%(count)s quiz slots draw questions from this category: change those quizzes "
                                "first.") % {"count": contents["slots"]})
    if (contents["questions"] or contents["children"]) and move_to is None:
        raise ValidationError(_("The category is not empty (%(questions)s questions, %(children)s "
                                "sub-categories): choose where to move them, or empty it first.") % contents)
    moved_children: list[int] = []
    if move_to is not None and (contents["questions"] or contents["children"]):
        if move_to.pk == category.pk:
            raise ValidationError({"move_to": [_("Choose another category.")]})
        _check_not_inside(category, move_to)
        children = list(Category.objects.filter(parent=category).order_by("pk"))
        clashes = sorted(c.name for c in children
                         if Category.objects.filter(parent=move_to, name=c.name).exists())
        if clashes:
            raise ValidationError({"move_to": [_("The target already has sub-categories named: %(names)s.")
                                               % {"names": ", ".join(clashes)}]})
        Question.objects.filter(category=category).update(category=move_to)
        for child in children:
            _repath_subtree(child, move_to)
            moved_children.append(child.pk)
    audit(actor, "question_category.delete", category, before={"name": category.name, "parent": category.parent_id},
          extra={"moved_to": move_to.pk if move_to and (moved_children or contents["questions"]) else None,
                 "moved_questions": contents["questions"], "moved_categories": len(moved_children)})
    category.delete()
    return {"questions": contents["questions"], "children": len(moved_children)}
