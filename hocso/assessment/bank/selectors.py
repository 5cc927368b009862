"""Reads for the question bank: categories and questions an author may see, search and filters.

Non-authors see nothing here (the views answer them 403 first). Objects an author may not see are 404.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.text import search_terms

from ..models import Category, Question, QuestionImport, QuestionVersion, QuizSlot, Tag
from ..permissions import category_visibility

ACTIVE, ARCHIVED, ALL = "active", "archived", "all"


def categories_visible(*, actor: Actor) -> QuerySet[Category]:
    return Category.objects.filter(category_visibility(actor))


def category_get(*, actor: Actor, pk: int) -> Category:
    category = categories_visible(actor=actor).filter(pk=pk).select_related("parent").first()
    if category is None:
        raise Http404(_("Category not found."))
    return category


def category_tree(*, actor: Actor) -> list[Category]:
    """The visible categories as a forest: each node has `.nodes`, `.question_count` (active questions directly
    in it) and `.total_count` (with its sub-categories). Two queries whatever the size."""
    categories = list(
        categories_visible(actor=actor)
        .annotate(question_count=Count("questions", filter=Q(questions__is_archived=False)))
        .order_by("depth", "sort_key", "pk")
    )
    by_pk = {c.pk: c for c in categories}
    roots: list[Category] = []
    for category in categories:
        category.nodes = []
        category.total_count = category.question_count
    for category in categories:
        parent = by_pk.get(category.parent_id)
        # A shared category below someone's private one is shown at the top rather than hidden.
        (parent.nodes if parent is not None else roots).append(category)
    for category in sorted(categories, key=lambda c: -c.depth):
        parent = by_pk.get(category.parent_id)
        if parent is not None:
            parent.total_count += category.total_count
    return roots


def category_choices(*, actor: Actor) -> list[Category]:
    """Visible categories in tree order (for selects), each with `.label` indented by depth."""
    ordered: list[Category] = []

    def walk(nodes: list[Category], level: int) -> None:
        for node in nodes:
            node.label = "— " * level + node.name
            ordered.append(node)
            walk(node.nodes, level + 1)

    walk(category_tree(actor=actor), 0)
    return ordered


def category_ancestors(category: Category) -> list[Category]:
    """From the top of the tree down to the category's parent."""
    paths = [category.path[:i] for i in range(len(category.path) - 1) if category.path[i] == "."]
    prefixes = [p + "." for p in paths]
    return list(Category.objects.filter(path__in=prefixes).order_by("depth"))


def category_names_map(category_ids) -> dict[int, list[str]]:
    """{category id: [names from the top down to it]} in two queries (used by export)."""
    categories = list(Category.objects.filter(pk__in=set(category_ids)).only("pk", "path", "name"))
    prefixes = {c.path[: i + 1] for c in categories for i, ch in enumerate(c.path) if ch == "."}
    names = dict(Category.objects.filter(path__in=prefixes).values_list("path", "name"))
    return {
        c.pk: [names[c.path[: i + 1]] for i, ch in enumerate(c.path) if ch == "." and c.path[: i + 1] in names]
        for c in categories
    }


def questions_visible(*, actor: Actor) -> QuerySet[Question]:
    """Questions in a visible category, and the actor's own wherever they are."""
    visible = Q(category__in=Category.objects.filter(category_visibility(actor)).values("pk"))
    if getattr(actor, "pk", None):
        visible |= Q(owner=actor.pk)
    return Question.objects.filter(visible)


def question_get(*, actor: Actor, pk: int) -> Question:
    question = (questions_visible(actor=actor).filter(pk=pk)
                .select_related("category", "current_version", "owner").prefetch_related("tags").first())
    if question is None:
        raise Http404(_("Question not found."))
    return question


def question_list(
    *,
    actor: Actor,
    category: Category | None = None,
    include_subcategories: bool = False,
    query: str = "",
    qtype: str = "",
    difficulty: int | None = None,
    tag: Tag | None = None,
    archived: str = ACTIVE,
) -> QuerySet[Question]:
    qs = questions_visible(actor=actor)
    if category is not None:
        if include_subcategories:
            qs = qs.filter(category__path__startswith=category.path)
        else:
            qs = qs.filter(category=category)
    for term in search_terms(query):
        qs = qs.filter(search_key__contains=term)
    if qtype:
        qs = qs.filter(qtype=qtype)
    if difficulty:
        qs = qs.filter(difficulty=difficulty)
    if tag is not None:
        qs = qs.filter(tags=tag)
    if archived == ACTIVE:
        qs = qs.filter(is_archived=False)
    elif archived == ARCHIVED:
        qs = qs.filter(is_archived=True)
    return (qs.select_related("category", "current_version", "owner")
            .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
            .annotate(version_count=Count("versions", distinct=True))
            .order_by("category__path", "name", "pk"))


def questions_for_export(*, actor: Actor, ids=None, category: Category | None = None,
                         include_subcategories: bool = True) -> QuerySet[Question]:
    """Visible questions with their current versions and tags, grouped by category (the export's order)."""
    qs = questions_visible(actor=actor)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    if category is not None:
        qs = (qs.filter(category__path__startswith=category.path) if include_subcategories
              else qs.filter(category=category)).filter(is_archived=False)
    return (qs.select_related("current_version", "category").prefetch_related("tags")
            .order_by("category__path", "name", "pk"))


def question_versions(*, question: Question) -> QuerySet[QuestionVersion]:
    return question.versions.select_related("created_by").order_by("-number")


def tags_in_use() -> QuerySet[Tag]:
    return Tag.objects.filter(questions__isnull=False).distinct().order_by("name")


def question_import_get(*, actor: Actor, pk: int) -> QuestionImport:
    found = QuestionImport.objects.filter(pk=pk, owner=actor.pk).select_related("category").first()
    if found is None:
        raise Http404(_("Import not found."))
    return found

def category_contents(category: Category) -> dict[str, int]:
    """What stops a delete: questions (archived too; attempts may point at them), sub-categories, quiz slots."""
    return {
        "questions": Question.objects.filter(category=category).count(),
        "children": Category.objects.filter(parent=category).count(),
        "slots": QuizSlot.objects.filter(category=category).count(),
    }



def category_nearest_owner(category: Category | None):
    """The owner of the category or, if it has none, of its nearest ancestor that has one (None if no one)."""
    if category is None:
        return None
    if category.owner_id:
        return category.owner
    prefixes = [category.path[: i + 1] for i, ch in enumerate(category.path) if ch == "."]
    owned = Category.objects.filter(path__in=prefixes, owner__isnull=False).select_related("owner")
    return max(owned, key=lambda c: c.depth).owner if owned else None


# --- what a random draw takes from the bank ----------------------------------------------------------------


def bank_matches(
    *,
    category: Category,
    include_subcategories: bool = True,
    difficulty: int | None = None,
    tag_id: int | None = None,
) -> QuerySet[Question]:
    """The questions a random slot may draw: the one rule for the draw at start (exam.draw), the blueprint's checks
    and the authors' "available" counts."""
    if include_subcategories:
        qs = Question.objects.filter(category__path__startswith=category.path)
    else:
        qs = Question.objects.filter(category=category)
    qs = qs.filter(is_archived=False, current_version__isnull=False)
    if difficulty:
        qs = qs.filter(difficulty=difficulty)
    if tag_id:
        qs = qs.filter(tags=tag_id)
    return qs


def question_imports_pending(*, actor: Actor, days: int = 30, limit: int = 5) -> list[QuestionImport]:
    """The actor's question imports read but not confirmed yet (the last `days` days), newest first."""
    since = timezone.now() - dt.timedelta(days=days)
    return list(QuestionImport.objects.filter(owner=getattr(actor, "pk", None), applied_at__isnull=True,
                                              created_at__gte=since).defer("payload").order_by("-created_at")[:limit])
