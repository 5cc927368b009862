"""Reads for a quiz's results: one row per person, with their final grade by the quiz's grading method, and what
an author sees of one attempt.

Everything is computed by the database in one grouped query (so the list can be filtered by "passed" and
paginated): the attempts are joined once, filtered by scope and unit, and aggregated per person. Results belong to
the unit the person was in when they sat the attempt (Attempt.unit), so a focal point sees the attempts sat in
their subtree, even by people who have moved on since. The item analysis is in statistics.item_analysis, the
.xlsx export in statistics.exports.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Round
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocso.core.actors import Actor
from hocso.core.scoping import UnitScope
from hocso.org.models import Unit
from hocso.people.models import Learner

from .. import permissions
from ..models import Attempt, AttemptState, GradingMethod, Quiz
from ..permissions import can_see_quiz_as_author

STATE_CHOICES = [
    ("in_progress", gettext_lazy("Taking the quiz now")),
    ("needs_grading", gettext_lazy("Waiting for grading")),
    ("graded", gettext_lazy("Graded")),
]
STATE_LABELS = dict(STATE_CHOICES)


@dataclass(frozen=True)
class ResultFilters:
    unit: Unit | None = None
    subtree: bool = True  # the unit with its sub-units; False: the people who sat in the unit itself
    state: str = ""
    passed: bool | None = None
    query: str = ""


def _attempt_condition(quiz: Quiz, scope: UnitScope, filters: ResultFilters, prefix: str) -> Q:
    """Which attempts count, written against `prefix` ('attempts__' from Learner, '' from Attempt)."""
    condition = Q(**{f"{prefix}quiz": quiz}) & scope.q(f"{prefix}unit__path")
    if filters.unit is not None and filters.subtree:
        condition &= Q(**{f"{prefix}unit__path__startswith": filters.unit.path})
    elif filters.unit is not None:
        condition &= Q(**{f"{prefix}unit": filters.unit})
    return condition


def result_rows(*, actor: Actor, quiz: Quiz, filters: ResultFilters = ResultFilters()) -> QuerySet[Learner]:
    """People with attempts at `quiz` the actor may see, each annotated with:
    attempt_count, grade (percent by the grading method, None until an attempt is graded), passed (None until
    graded), result_state (in_progress / needs_grading / graded), last_submitted_at and sat_unit_name (the unit of
    their latest attempt). Vietnamese name order.
    """
    scope = results_scope(actor=actor, quiz=quiz)
    if scope.is_empty:
        return Learner.objects.none()
    graded = Q(attempts__state=AttemptState.GRADED)
    qs = Learner.objects.filter(_attempt_condition(quiz, scope, filters, "attempts__"))
    own = Attempt.objects.filter(_attempt_condition(quiz, scope, filters, ""), learner=OuterRef("pk"))
    percent = DecimalField(max_digits=6, decimal_places=2)
    method = quiz.grading_method
    if method == GradingMethod.AVERAGE:
        grade = Round(Avg("attempts__percent", filter=graded, output_field=percent), 2, output_field=percent)
    elif method in (GradingMethod.FIRST, GradingMethod.LAST):
        ordered = own.filter(state=AttemptState.GRADED).order_by("number" if method == GradingMethod.FIRST
                                                                 else "-number")
        grade = Subquery(ordered.values("percent")[:1], output_field=percent)
    else:
        grade = Max("attempts__percent", filter=graded)
    qs = qs.annotate(
        attempt_count=Count("attempts"),
        open_count=Count("attempts", filter=Q(attempts__state=AttemptState.IN_PROGRESS)),
        pending_count=Count("attempts", filter=Q(attempts__state=AttemptState.NEEDS_GRADING)),
        graded_count=Count("attempts", filter=graded),
        last_submitted_at=Max("attempts__submitted_at"),
        grade=grade,
    ).annotate(
        result_state=Case(
            When(open_count__gt=0, then=Value("in_progress")),
            When(pending_count__gt=0, then=Value("needs_grading")),
            default=Value("graded"),
            output_field=CharField(),
        ),
        passed=Case(
            When(grade__isnull=True, then=Value(None)),
            When(grade__gte=quiz.pass_percent, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(null=True),
        ),
        sat_unit_name=Subquery(own.order_by("-number").values("unit__name")[:1]),
    )
    if filters.state == "in_progress":
        qs = qs.filter(open_count__gt=0)
    elif filters.state == "needs_grading":
        qs = qs.filter(open_count=0, pending_count__gt=0)
    elif filters.state == "graded":
        qs = qs.filter(open_count=0, pending_count=0)
    if filters.passed is True:
        qs = qs.filter(grade__gte=quiz.pass_percent)
    elif filters.passed is False:
        qs = qs.filter(grade__lt=quiz.pass_percent)
    if filters.query:
        qs = qs.search(filters.query)
    return qs.select_related("target_group").order_by("sort_key", "pk")


def result_summary(rows: QuerySet[Learner]) -> dict:
    """How many people, how many of them passed, and the mean grade, for the rows as filtered."""
    counts = {"people": 0, "graded": 0, "passed": 0}
    total = Decimal(0)
    for grade, passed in rows.values_list("grade", "passed"):
        counts["people"] += 1
        if grade is not None:
            counts["graded"] += 1
            total += grade
        if passed:
            counts["passed"] += 1
    counts["mean"] = (total / counts["graded"]).quantize(Decimal("0.01")) if counts["graded"] else None
    return counts


def annotate_display(rows: list[Learner]) -> list[Learner]:
    """Labels the templates show (kept out of the templates)."""
    for person in rows:
        person.state_label = STATE_LABELS.get(person.result_state, "")
    return rows


def results_scope(*, actor: Actor, quiz: Quiz) -> UnitScope:
    """Whose results the actor sees (the rule: permissions.results_scope)."""
    return permissions.results_scope(actor, quiz)


def results_unit_get(*, actor: Actor, quiz: Quiz, pk: int) -> Unit:
    """A unit to filter results by: one within the actor's results scope (former units included), else 404."""
    unit = Unit.objects.filter(results_scope(actor=actor, quiz=quiz).q("path"), pk=pk).first()
    if unit is None:
        raise Http404(_("Unit not found."))
    return unit


# --- one attempt, as its quiz's author sees it -----------------------------------------------------------------


def attempt_get_for_author(*, actor: Actor, quiz: Quiz, pk: int) -> Attempt:
    if not can_see_quiz_as_author(actor, quiz):
        raise Http404(_("Attempt not found."))
    attempt = Attempt.objects.filter(quiz=quiz, pk=pk).select_related("learner", "unit", "quiz").first()
    if attempt is None:
        raise Http404(_("Attempt not found."))
    return attempt


def author_attempt_paper(*, attempt: Attempt) -> list:
    """The attempt's questions in order, each with `answer` (the response saved, or None)."""
    answers = {a.slot: a.response for a in attempt.answers.all()}
    questions = list(attempt.questions.select_related("version", "version__question", "graded_by").order_by("slot"))
    for aq in questions:
        aq.answer = answers.get(aq.slot)
    return questions


def learner_attempts(*, quiz: Quiz, learner_ids: list[int]) -> dict[int, list[Attempt]]:
    by_learner: dict[int, list[Attempt]] = {pk: [] for pk in learner_ids}
    for attempt in Attempt.objects.filter(quiz=quiz, learner_id__in=learner_ids).order_by("number"):
        by_learner[attempt.learner_id].append(attempt)
    return by_learner


# --- the home page -------------------------------------------------------------------------------------------


HOME_CACHE_SECONDS = 300


def essays_waiting(*, actor: Actor, limit: int = 5) -> list[Quiz]:
    """The actor's own quizzes with attempts waiting for an essay to be graded (`waiting`), the most first. Counted
    from the attempts in that state only (the index on quiz and state), not from every attempt of the quizzes."""
    rows = (Attempt.objects.filter(quiz__owner_id=getattr(actor, "pk", None), state=AttemptState.NEEDS_GRADING)
            .values("quiz_id").annotate(n=Count("pk")).order_by("-n", "quiz_id")[:limit])
    waiting = {row["quiz_id"]: row["n"] for row in rows}
    quizzes = Quiz.objects.in_bulk(list(waiting))
    result = []
    for pk, n in waiting.items():
        quiz = quizzes[pk]
        quiz.waiting = n
        result.append(quiz)
    return result


def quizzes_latest_results(*, actor: Actor, limit: int = 5) -> list[Quiz]:
    """The actor's own quizzes, the one with the latest submission first, with `graded`, `passed` (graded attempts
    at or above the pass mark) and `last_submitted`. Counting reads every attempt of the quizzes (a quarterly test
    has tens of thousands), so the list is cached for HOME_CACHE_SECONDS per actor."""
    key = f"home:quizzes:{getattr(actor, 'pk', None)}:{limit}"
    quizzes = cache.get(key)
    if quizzes is None:
        graded = Q(attempts__state=AttemptState.GRADED)
        quizzes = list(
            Quiz.objects.filter(owner_id=getattr(actor, "pk", None))
            .annotate(graded=Count("attempts", filter=graded),
                      passed=Count("attempts", filter=graded & Q(attempts__passed=True)),
                      last_submitted=Max("attempts__submitted_at"))
            .order_by(F("last_submitted").desc(nulls_last=True), "-pk")[:limit]
        )
        cache.set(key, quizzes, HOME_CACHE_SECONDS)
    return quizzes
