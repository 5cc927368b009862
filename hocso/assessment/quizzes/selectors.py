"""Reads for quiz authoring, scoped to the acting user: quiz lists, the blueprint, overrides.

Who sees what (the rules are in hocso.assessment.permissions):
- authors (province admins: every quiz; instructors: the quizzes they own) see the blueprint, the attempts and the
  statistics of those quizzes, and every result;
- unit focal points see the results (only) of quizzes meant for people of their subtree, limited to attempts sat
  in their subtree (hocso.assessment.statistics.selectors);
- everybody else, learners included, sees nothing here: every lookup answers 404.
API keys are for integrations and get nothing from these selectors: per-person results are for signed-in staff.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.formatting import day
from hocso.core.scoping import UnitScope
from hocso.core.text import fold, search_terms
from hocso.org.models import SEGMENT_WIDTH, Unit
from hocso.people.models import Learner

from ..bank.selectors import bank_matches
from ..models import Attempt, AttemptQuestion, AttemptState, Category, Question, Quiz, QuizOverride, QuizSlot, Tag
from ..permissions import can_author, can_see_every_quiz, category_visibility, is_signed_in_user, results_unit_scope


def _none() -> QuerySet[Quiz]:
    return Quiz.objects.none()


# --- quizzes ---------------------------------------------------------------------------------------------------


def quizzes_authored(*, actor: Actor) -> QuerySet[Quiz]:
    """Quizzes whose blueprint, attempts and statistics the actor may see."""
    if can_see_every_quiz(actor):
        return Quiz.objects.all()
    if is_signed_in_user(actor) and can_author(actor):
        return Quiz.objects.filter(owner=actor)
    return _none()


def _ancestor_paths(path: str) -> list[str]:
    step = SEGMENT_WIDTH + 1
    return [path[:i] for i in range(step, len(path) + 1, step)]


def audience_overlap_q(scope: UnitScope, unit_path: str, *, inside: Q | None = None, above: Q | None = None) -> Q:
    """The audience-overlap rule, one for quizzes and campaigns: an audience unit (its path at the lookup
    `unit_path`, e.g. "audience_unit__path") touches a unit scope when it lies inside the scope, or above a unit of
    the scope (its subtree then reaches into it). `inside` and `above` narrow each branch (a campaign's line must
    not be an exclusion, and reaches down only when it includes its subtree). Everything for an unlimited scope,
    nothing for an empty one."""
    if scope.everything:
        return Q()
    if not scope.paths:
        return Q(pk__in=[])
    condition = Q()
    for path in scope.paths:
        condition |= (inside or Q()) & Q(**{f"{unit_path}__startswith": path})
        condition |= (above or Q()) & Q(**{f"{unit_path}__in": _ancestor_paths(path)})
    return condition


def _audience_overlaps(scope: UnitScope) -> Q:
    """Quizzes meant for everyone, for a unit inside the scope, or for a unit above it."""
    overlap = audience_overlap_q(scope, "audience_unit__path")
    if scope.everything or not scope.paths:
        return overlap
    return Q(audience_unit__isnull=True) | overlap


def quizzes_with_results(*, actor: Actor) -> QuerySet[Quiz]:
    """Quizzes whose results the actor may read: their own as an author, and those meant for their subtree."""
    if not is_signed_in_user(actor):
        return _none()
    if can_see_every_quiz(actor):
        return Quiz.objects.all()
    scope = results_unit_scope(actor)
    condition = Q(owner=actor) if can_author(actor) else Q(pk__in=[])
    if not scope.is_empty:
        sat = Attempt.objects.filter(quiz=OuterRef("pk"))
        condition |= _audience_overlaps(scope) & (Q(is_published=True) | Q(Exists(sat)))
    return Quiz.objects.filter(condition)


def quiz_list(*, actor: Actor, query: str = "", published: bool | None = None) -> QuerySet[Quiz]:
    """The authors' list (and the focal points' results list), newest first, with slot and attempt counts."""
    qs = quizzes_with_results(actor=actor)
    if published is not None:
        qs = qs.filter(is_published=published)
    if query.strip():
        qs = qs.filter(pk__in=_title_matches(qs, query))
    slot_count = QuizSlot.objects.filter(quiz=OuterRef("pk")).order_by().values("quiz").annotate(n=Count("pk"))
    attempt_count = Attempt.objects.filter(quiz=OuterRef("pk")).order_by().values("quiz").annotate(n=Count("pk"))
    return (
        qs.select_related("owner", "audience_unit")
        .annotate(
            slot_count=Coalesce(Subquery(slot_count.values("n")[:1]), 0),
            attempt_count=Coalesce(Subquery(attempt_count.values("n")[:1]), 0),
        )
        .order_by("-created_at", "-pk")
    )


def quiz_picker_search(*, actor: Actor, query: str) -> QuerySet[Quiz]:
    """What a quiz picker suggests: quizzes whose results the actor may read, titles holding words that start with
    every word of `query` (accents and case ignored), newest first."""
    qs = quizzes_with_results(actor=actor)
    if query.strip():
        qs = qs.filter(pk__in=_title_matches(qs, query))
    return qs.select_related("audience_unit").order_by("-created_at", "-pk")


def quiz_picker_rows(quizzes: list[Quiz]) -> list[dict]:
    """A picker's suggestions: each quiz's title and a line that tells quizzes of the same title apart."""
    rows = []
    for quiz in quizzes:
        audience = quiz.audience_unit.name if quiz.audience_unit_id else _("Everyone in the province")
        state = _("Published") if quiz.is_published else _("Draft")
        rows.append({"value": str(quiz.pk), "text": quiz.title, "name": quiz.title,
                     "detail": f"{state} · {audience} · {day(quiz.created_at)}"})
    return rows


def _title_matches(qs: QuerySet[Quiz], query: str) -> list[int]:
    # Quiz has no stored search key, so titles are folded here: quizzes number in the hundreds, not the millions.
    terms = search_terms(query)
    matches = []
    for pk, title in qs.values_list("pk", "title"):
        key = " " + fold(title)
        if all(term in key for term in terms):
            matches.append(pk)
    return matches


def quiz_get_for_author(*, actor: Actor, pk: int) -> Quiz:
    quiz = quizzes_authored(actor=actor).select_related("owner", "audience_unit").filter(pk=pk).first()
    if quiz is None:
        raise Http404(_("Quiz not found."))
    return quiz


def quiz_get_for_results(*, actor: Actor, pk: int) -> Quiz:
    quiz = quizzes_with_results(actor=actor).select_related("owner", "audience_unit").filter(pk=pk).first()
    if quiz is None:
        raise Http404(_("Quiz not found."))
    return quiz



# --- the blueprint -------------------------------------------------------------------------------------------------


def quiz_slots(*, quiz: Quiz) -> list[QuizSlot]:
    return list(
        quiz.slots.select_related("question", "question__current_version", "question__category", "category", "tag")
        .order_by("position", "pk")
    )



def slot_matches(slot: QuizSlot) -> QuerySet[Question]:
    return bank_matches(category=slot.category, include_subcategories=slot.include_subcategories,
                        difficulty=slot.difficulty, tag_id=slot.tag_id)


def blueprint(*, quiz: Quiz) -> list[dict]:
    """The slots in order; random slots carry how many questions of the bank match them (`available`)."""
    rows = []
    for slot in quiz_slots(quiz=quiz):
        row = {"slot": slot, "available": None}
        if slot.is_random:
            row["available"] = slot_matches(slot).count()
        rows.append(row)
    return rows


def categories_for_author(*, actor: Actor) -> QuerySet[Category]:
    return Category.objects.filter(category_visibility(actor)).order_by("path")


def tags_all() -> QuerySet[Tag]:
    return Tag.objects.order_by("name")


def questions_for_slots(*, actor: Actor, query: str = "", limit: int = 20) -> list[Question]:
    """Questions an author may put in a quiz as fixed questions, found by name or ID number."""
    if not query.strip():
        return []
    qs = Question.objects.filter(
        category__in=categories_for_author(actor=actor), is_archived=False, current_version__isnull=False
    )
    for term in search_terms(query):
        qs = qs.filter(search_key__contains=term)
    return list(qs.select_related("category").order_by("name", "pk")[:limit])


def question_for_slot(*, actor: Actor, pk: int) -> Question:
    question = (
        Question.objects.filter(category__in=categories_for_author(actor=actor), pk=pk)
        .select_related("current_version", "category").first()
    )
    if question is None:
        raise Http404(_("Question not found."))
    return question


# --- overrides ---------------------------------------------------------------------------------------------------


def quiz_overrides(*, quiz: Quiz) -> QuerySet[QuizOverride]:
    return quiz.overrides.select_related("learner", "learner__unit").order_by("learner__sort_key", "pk")


def audience_learners(*, quiz: Quiz) -> QuerySet[Learner]:
    """People the quiz is meant for (its audience unit's subtree and target groups)."""
    qs = Learner.objects.all()
    if quiz.audience_unit_id is not None:
        qs = qs.filter(unit__path__startswith=quiz.audience_unit.path)
    group_ids = list(quiz.audience_groups.values_list("pk", flat=True))
    if group_ids:
        qs = qs.filter(target_group_id__in=group_ids)
    return qs


def override_candidates(*, quiz: Quiz, query: str, limit: int = 10) -> list[Learner]:
    """People of the audience matching `query` (names, e-mail, a whole CCCD number) for an override."""
    if not query.strip():
        return []
    return list(audience_learners(quiz=quiz).search(query).select_related("unit").order_by("sort_key", "pk")[:limit])



def regradable_questions(*, quiz: Quiz) -> list[Question]:
    """Questions answered in this quiz whose key was corrected since: some finished attempt holds an old version."""
    stale = (
        AttemptQuestion.objects.filter(attempt__quiz=quiz, version__question=OuterRef("pk"))
        .exclude(attempt__state=AttemptState.IN_PROGRESS)
        .exclude(version=OuterRef("current_version"))
    )
    return list(Question.objects.filter(Exists(stale)).select_related("current_version").order_by("name", "pk"))


def units_for_choice(*, scope: UnitScope, limit: int = 20_000) -> list[Unit]:
    """Current units within `scope` to pick from (audience, results filter), the top levels of the tree first.
    The form shows them in a unit picker (searched as the user types), so the page carries only the chosen one."""
    qs = Unit.objects.current().filter(scope.q("path"))
    fields = ("pk", "name", "code", "admin_unit_code", "parent_id", "depth", "sort_key", "path")
    return list(qs.only(*fields).order_by("depth", "sort_key")[:limit])
