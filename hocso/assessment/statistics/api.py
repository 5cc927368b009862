"""/api/v1 endpoints for a quiz's results and item analysis: authors see every result, unit focal points those
sat in their subtree. Thin: parse, select, shape. Operation ids as first published (hocso.assessment.api_authoring).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from hocso.core.api_common import Id, Page, PageParams, actor_of, errors, paginate_queryset

from ..quizzes import selectors as quiz_selectors
from . import item_analysis, selectors

router = Router(tags=["quizzes"])


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


@router.get("/quizzes/{quiz_id}/results", response={200: QuizResultPage, **errors(401, 404, 422)},
            summary="One row per person with their final grade",
            operation_id="hocso_assessment_api_authoring_list_results")
def list_results(request: HttpRequest, quiz_id: Id, filters: Query[QuizResultFilters], paging: Query[PageParams]):
    actor = actor_of(request)
    quiz = quiz_selectors.quiz_get_for_results(actor=actor, pk=quiz_id)
    unit = None
    if filters.unit is not None:
        unit = selectors.results_unit_get(actor=actor, quiz=quiz, pk=filters.unit)
    rows = selectors.result_rows(actor=actor, quiz=quiz, filters=selectors.ResultFilters(
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
            summary="Item analysis (facility, discrimination)",
            operation_id="hocso_assessment_api_authoring_get_statistics")
def get_statistics(request: HttpRequest, quiz_id: Id, which: Literal["all", "first"] = "all"):
    quiz = quiz_selectors.quiz_get_for_author(actor=actor_of(request), pk=quiz_id)
    stats = item_analysis.quiz_statistics(quiz=quiz, which=which)
    return {
        "which": stats.which, "attempts": stats.attempts, "mean": stats.mean, "median": stats.median,
        "sd": stats.sd, "alpha": stats.alpha, "flag_rule": str(item_analysis.FLAG_RULE),
        "items": [{**item.__dict__, "options": [o.__dict__ for o in item.options]} for item in stats.items],
    }
