"""/api/v1 endpoints for quiz authors: quizzes and their blueprints. Thin: parse, select, shape.

Only signed-in staff get anything here: authors see their quizzes, unit focal points the quizzes whose results they
see (statistics.api). Learners and API keys (integrations) get 404 on every quiz. No endpoint returns an answer key.
Operation ids are the ones first published (from the module's former name, hocso.assessment.api_authoring):
clients generated from the schema call them by these names.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from hocso.core.api_common import Id, Page, PageParams, actor_of, errors, paginate_queryset
from hocso.core.permissions import ensure

from ..models import Quiz
from ..permissions import can_edit_quiz, can_see_quizzes
from . import selectors
from .blueprint import blueprint_problems

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


def _quiz_out(quiz: Quiz) -> dict:
    return {
        "id": quiz.pk, "title": quiz.title, "is_published": quiz.is_published,
        "audience_unit": quiz.audience_unit, "open_at": quiz.open_at, "close_at": quiz.close_at,
        "time_limit_minutes": quiz.time_limit_minutes, "attempts_allowed": quiz.attempts_allowed,
        "grading_method": quiz.grading_method, "pass_percent": quiz.pass_percent, "created_at": quiz.created_at,
    }


@router.get("/quizzes", response={200: AuthorQuizPage, **errors(401, 403, 422)},
            summary="Quizzes the caller authors or sees results of",
            operation_id="hocso_assessment_api_authoring_list_quizzes")
def list_quizzes(request: HttpRequest, paging: Query[PageParams], q: str = "", published: bool | None = None):
    actor = actor_of(request)
    ensure(can_see_quizzes(actor),
           _("Only administrators, instructors and unit focal points can see quizzes."))
    qs = selectors.quiz_list(actor=actor, query=q, published=published)
    return paginate_queryset(qs, paging)


@router.get("/quizzes/{quiz_id}", response={200: AuthorQuizDetailOut, **errors(401, 404, 422)},
            summary="One quiz's settings",
            description="Authors and the focal points who see the quiz's results; the blueprint, attempts and "
                        "statistics are for authors only.",
            operation_id="hocso_assessment_api_authoring_get_quiz")
def get_quiz(request: HttpRequest, quiz_id: Id):
    actor = actor_of(request)
    quiz = selectors.quiz_get_for_results(actor=actor, pk=quiz_id)
    quiz.can_edit = can_edit_quiz(actor, quiz)
    return quiz


@router.get("/quizzes/{quiz_id}/blueprint", response={200: BlueprintOut, **errors(401, 404, 422)},
            summary="The questions and random draws",
            operation_id="hocso_assessment_api_authoring_get_blueprint")
def get_blueprint(request: HttpRequest, quiz_id: Id):
    quiz = selectors.quiz_get_for_author(actor=actor_of(request), pk=quiz_id)
    rows = selectors.blueprint(quiz=quiz)
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
