"""/api/v1 endpoints for quiz authors: quizzes, blueprints, results and item statistics. Thin: parse, select, shape.

Only signed-in staff get anything here: authors see their quizzes, unit focal points the results of the people of
their subtree. Learners and API keys (integrations) get 404 on every quiz. No endpoint returns an answer key.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from hocso.core.api_common import Id, Page, PageParams, actor_of, errors, paginate_queryset
from hocso.identity.scoping import ensure

from . import results, selectors_quiz, statistics
from .models import Quiz

router = Router(tags=["quizzes"])


class AuthorUnitRef(Schema):
    id: int
    name: str


class AuthorQuizOut(Schema):
    id: int
    title: str
    is_published: bool
    audience_unit: AuthorUnitRef | None = Field(description="Empty: everyone in the province.")
    open_at: dt.datetime | None
    close_at: dt.datetime | None
    time_limit_minutes: int | None
    attempts_allowed: int = Field(description="0 means unlimited.")
    grading_method: str = Field(description='"highest", "last", "first" or "average".')
    pass_percent: Decimal
    created_at: dt.datetime


class AuthorQuizListOut(AuthorQuizOut):
    slot_count: int = Field(description="Lines of the blueprint (a random draw counts once).")
    attempt_count: int


class AuthorQuizPage(Page[AuthorQuizListOut]):
    pass


class AuthorQuizDetailOut(AuthorQuizOut):
    description: str
    audience_group_ids: list[int] = Field(description="Target groups the quiz is for; empty: every group.")
    shuffle_questions: bool
    shuffle_options: bool
    layout: str = Field(description='"all" (one page) or "paged" (one question per page).')
    review_when: str = Field(description='"after_submit", "after_close" or "never".')
    review_shows_answers: bool
    review_shows_feedback: bool
    can_edit: bool

    @staticmethod
    def resolve_audience_group_ids(obj: Quiz) -> list[int]:
        return sorted(obj.audience_groups.values_list("pk", flat=True))


class BlueprintSlotOut(Schema):
    position: int
    kind: Literal["fixed", "random"]
    question_id: int | None = Field(description="Fixed question.")
    question_name: str | None
    qtype: str | None
    category_id: int | None = Field(description="Random draw: the category drawn from.")
    category_name: str | None
    include_subcategories: bool | None
    count: int = Field(description="Questions this line puts in each attempt.")
    difficulty: int | None = Field(description="1 easy, 2 medium, 3 hard; empty: any.")
    tag: str | None
    mark: Decimal | None = Field(description="Mark per question; empty: the question's default mark.")
    available: int | None = Field(description="Random draw: how many questions of the bank match it now.")


class BlueprintOut(Schema):
    quiz_id: int
    question_count: int = Field(description="Questions in each attempt.")
    slots: list[BlueprintSlotOut]
    problems: list[str] = Field(description="Why the quiz could not be published now (empty when it can).")


class QuizResultOut(Schema):
    learner_id: int
    full_name: str
    cccd_masked: str
    unit_name: str | None = Field(description="The unit of the person's latest attempt, when they sat it.")
    attempt_count: int
    grade: float | None = Field(description="Final grade in percent by the quiz's grading method.")
    passed: bool | None
    state: str = Field(description='"in_progress", "needs_grading" or "graded".')
    last_submitted_at: dt.datetime | None


class QuizResultPage(Page[QuizResultOut]):
    pass


class QuizResultFilters(Schema):
    q: str = Field("", description="Search in names (accents and case are ignored) or a whole CCCD number.")
    unit: Id | None = Field(None, description="Only attempts sat in this unit and the units below it.")
    state: Literal["in_progress", "needs_grading", "graded"] | None = None
    passed: bool | None = None


class ItemOptionOut(Schema):
    id: str
    text: str
    correct: bool
    count: int
    share: float


class ItemStatisticsOut(Schema):
    question_id: int
    version_id: int
    version_number: int
    name: str
    qtype: str
    n: int = Field(description="Attempts analysed that had this question version.")
    facility: float = Field(description="Mean fraction of the mark earned, 0 to 1.")
    sd: float | None = Field(description="Standard deviation of that fraction.")
    discrimination: float | None = Field(description="Corrected item-total correlation, -1 to 1.")
    efficiency: float | None = Field(description="Discriminative efficiency, the covariance over its maximum.")
    options: list[ItemOptionOut]
    no_answer: int
    flags: list[str]


class QuizStatisticsOut(Schema):
    which: str
    attempts: int
    mean: float | None = Field(description="Mean grade in percent.")
    median: float | None
    sd: float | None
    alpha: float | None = Field(description="Cronbach's alpha, when every attempt had the same questions.")
    flag_rule: str
    items: list[ItemStatisticsOut]


def _quiz_out(quiz: Quiz) -> dict:
    return {
        "id": quiz.pk, "title": quiz.title, "is_published": quiz.is_published,
        "audience_unit": quiz.audience_unit, "open_at": quiz.open_at, "close_at": quiz.close_at,
        "time_limit_minutes": quiz.time_limit_minutes, "attempts_allowed": quiz.attempts_allowed,
        "grading_method": quiz.grading_method, "pass_percent": quiz.pass_percent, "created_at": quiz.created_at,
    }


@router.get("/quizzes", response={200: AuthorQuizPage, **errors(401, 403, 422)},
            summary="Quizzes the caller authors or sees results of")
def list_quizzes(request: HttpRequest, paging: Query[PageParams], q: str = "", published: bool | None = None):
    actor = actor_of(request)
    ensure(selectors_quiz.can_see_quizzes(actor),
           _("Only administrators, instructors and unit focal points can see quizzes."))
    qs = selectors_quiz.quiz_list(actor=actor, query=q, published=published)
    return paginate_queryset(qs, paging)


@router.get("/quizzes/{quiz_id}", response={200: AuthorQuizDetailOut, **errors(401, 404, 422)},
            summary="One quiz's settings",
            description="Authors and the focal points who see the quiz's results; the blueprint, attempts and "
                        "statistics are for authors only.")
def get_quiz(request: HttpRequest, quiz_id: Id):
    actor = actor_of(request)
    quiz = selectors_quiz.quiz_get_for_results(actor=actor, pk=quiz_id)
    quiz.can_edit = selectors_quiz.can_edit(actor, quiz)
    return quiz


@router.get("/quizzes/{quiz_id}/blueprint", response={200: BlueprintOut, **errors(401, 404, 422)},
            summary="The questions and random draws")
def get_blueprint(request: HttpRequest, quiz_id: Id):
    from .quizzes import blueprint_problems

    quiz = selectors_quiz.quiz_get_for_author(actor=actor_of(request), pk=quiz_id)
    rows = selectors_quiz.blueprint(quiz=quiz)
    slots = []
    for position, row in enumerate(rows, start=1):
        slot = row["slot"]
        slots.append({
            "position": position, "kind": "random" if slot.is_random else "fixed",
            "question_id": slot.question_id, "question_name": slot.question.name if slot.question_id else None,
            "qtype": slot.question.qtype if slot.question_id else None,
            "category_id": slot.category_id, "category_name": slot.category.name if slot.category_id else None,
            "include_subcategories": slot.include_subcategories if slot.is_random else None,
            "count": slot.count if slot.is_random else 1, "difficulty": slot.difficulty,
            "tag": slot.tag.name if slot.tag_id else None, "mark": slot.mark, "available": row["available"],
        })
    problems = blueprint_problems([row["slot"] for row in rows]) if rows else []
    return {"quiz_id": quiz.pk, "question_count": sum(s["count"] for s in slots), "slots": slots,
            "problems": [p.message for p in problems]}


@router.get("/quizzes/{quiz_id}/results", response={200: QuizResultPage, **errors(401, 404, 422)},
            summary="One row per person with their final grade")
def list_results(request: HttpRequest, quiz_id: Id, filters: Query[QuizResultFilters], paging: Query[PageParams]):
    actor = actor_of(request)
    quiz = selectors_quiz.quiz_get_for_results(actor=actor, pk=quiz_id)
    unit = None
    if filters.unit is not None:
        unit = selectors_quiz.results_unit_get(actor=actor, quiz=quiz, pk=filters.unit)
    rows = results.result_rows(actor=actor, quiz=quiz, filters=results.ResultFilters(
        unit=unit, state=filters.state or "", passed=filters.passed, query=filters.q))

    def shape(people: list) -> list[dict]:
        return [{
            "learner_id": p.pk, "full_name": p.full_name, "cccd_masked": p.masked_cccd, "unit_name": p.sat_unit_name,
            "attempt_count": p.attempt_count,
            "grade": float(p.grade) if p.grade is not None else None, "passed": p.passed, "state": p.result_state,
            "last_submitted_at": p.last_submitted_at,
        } for p in people]

    return paginate_queryset(rows, paging, transform=shape)


@router.get("/quizzes/{quiz_id}/statistics", response={200: QuizStatisticsOut, **errors(401, 404, 422)},
            summary="Item analysis (facility, discrimination)")
def get_statistics(request: HttpRequest, quiz_id: Id, which: Literal["all", "first"] = "all"):
    quiz = selectors_quiz.quiz_get_for_author(actor=actor_of(request), pk=quiz_id)
    stats = statistics.quiz_statistics(quiz=quiz, which=which)
    return {
        "which": stats.which, "attempts": stats.attempts, "mean": stats.mean, "median": stats.median,
        "sd": stats.sd, "alpha": stats.alpha, "flag_rule": str(statistics.FLAG_RULE),
        "items": [{**item.__dict__, "options": [o.__dict__ for o in item.options]} for item in stats.items],
    }
