"""/api/v1/me/…: the learner's quizzes and attempts (start, paper, save, submit, result, review).

For the signed-in person only (session authentication, CSRF on unsafe methods); API keys of integrations have
no learner and get 401. Each attempt is looked up with the caller's learner profile, so another person's attempt
is a 404. The paper never carries the answer key; the review carries it only when the quiz's policy allows.
Operation ids are the ones first published (from the module's former name, hocso.assessment.api_learner): clients
generated from the schema call them by these names.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from hocso.core.api_common import ApiError, Id, Page, PageParams, SessionAuth, errors, json_int, paginate_queryset
from hocso.core.input_guard import INTEGER_MAX, SMALLINT_MAX
from hocso.people.selectors import learner_of

from ..models import Attempt, AttemptState
from .errors import ExamError
from .paper import attempt_paper
from .review import attempt_review, review_policy
from .selectors import QuizRow, attempt_for_learner, my_quizzes, quiz_for_learner
from .services import answer_save_for_learner, attempt_start, attempt_submit_with_pending, settle_if_overdue

router = Router(tags=["my quizzes"], auth=SessionAuth())

# HTTP status per refusal of the exam services.
EXAM_ERROR_STATUS = {
    "not_found": 404, "not_eligible": 403, "invalid_slot": 422, "invalid_response": 422,
    "not_open": 409, "closed": 409, "no_attempts_left": 409, "expired": 409, "submitted": 409,
    "campaign_attempts_used": 409, "bank_too_small": 409, "no_questions": 409,
}


def api_error(error: ExamError) -> ApiError:
    return ApiError(EXAM_ERROR_STATUS.get(error.code, 400), error.code, error.message)


def _learner(request: HttpRequest):
    learner = learner_of(request.auth)  # type: ignore[attr-defined]
    if learner is None:
        raise ApiError(403, "not_a_learner", _("Only people with a staff profile can take quizzes."))
    return learner


# --- schemas -------------------------------------------------------------------------------------------------


class AttemptOut(Schema):
    id: int
    quiz_id: int
    number: int
    state: str = Field(description='"in_progress", "needs_grading" (an essay waits for an instructor) or "graded".')
    started_at: dt.datetime
    deadline: dt.datetime | None = Field(description="Enforced by the server; null: no time limit.")
    submitted_at: dt.datetime | None
    auto_submitted: bool
    score: float | None
    max_score: float
    percent: float | None
    passed: bool | None


class QuizOut(Schema):
    id: int
    title: str
    description: str
    status: Literal["open", "upcoming", "closed"]
    open_at: dt.datetime | None
    close_at: dt.datetime | None
    time_limit_minutes: int | None = Field(description="With any extra time granted to you.")
    attempts_allowed: int = Field(description="0: unlimited.")
    attempts_used: int
    grading_method: str
    pass_percent: float
    final_percent: float | None = Field(description="Your grade by the quiz's grading method.")
    passed: bool | None
    can_start: bool
    open_attempt_id: int | None = Field(description="The attempt to continue, if one is open.")


class QuizDetailOut(QuizOut):
    attempts: list[AttemptOut]


class QuizPage(Page[QuizOut]):
    pass


class QuizFilters(Schema):
    status: Literal["open", "upcoming", "closed"] | None = None


class ItemOut(Schema):
    id: str = Field(description="What a response names this item by, sent back as it is. Options and matching "
                                "right-hand items carry this attempt's own identifiers, not the question bank's.")
    text: str


class QuestionOut(Schema):
    slot: int
    qtype: str
    text: str = Field(description="Sanitised HTML.")
    mark: float
    options: list[ItemOut] = Field(description="single/multiple: the options in the order to show them.")
    lefts: list[ItemOut] = Field(description="matching: the items to match (HTML).")
    rights: list[ItemOut] = Field(description="matching: the choices, in the order to show them (plain text).")
    min_words: int | None
    max_words: int | None
    response: dict[str, Any] | None = Field(description="Your saved answer, if any.")
    seq: int = Field(description="The seq of your saved answer: send a higher one with your next save.")
    saved_at: dt.datetime | None


class PaperOut(Schema):
    attempt: AttemptOut
    now: dt.datetime = Field(description="The server's clock: count down to the deadline from it.")
    layout: str
    token: str = Field(description="Your attempt's token for the fast save endpoint (X-Attempt-Token).")
    save_url: str
    questions: list[QuestionOut]


# Bounded by their columns (smallint, integer); in a JSON body, numbers only (not true or "3").
Slot = Annotated[int, Field(ge=1, le=SMALLINT_MAX, description="The question's number on the paper, from 1.")]
JsonSlot = json_int(ge=1, le=SMALLINT_MAX, description="The question's number on the paper, from 1.")
Seq = json_int(ge=0, le=INTEGER_MAX, description="Grows with every change of this question; an older save never wins.")


class SaveIn(Schema):
    seq: Seq
    response: dict[str, Any]


class SaveOut(Schema):
    ok: bool
    slot: int
    seq: int = Field(description="The seq now stored (higher than yours if a newer answer was already saved).")
    saved_at: dt.datetime


class PendingAnswer(Schema):
    slot: JsonSlot
    seq: Seq
    response: dict[str, Any]


class SubmitIn(Schema):
    pending: list[PendingAnswer] = Field(default_factory=list,
                                         description="Answers not saved yet; saved first, by the same seq rule.")


class ResultOut(Schema):
    attempt: AttemptOut
    review_available: bool
    review_message: str = Field(description="Why the review is not available (yet), when it is not.")


class ReviewQuestionOut(QuestionOut):
    score: float | None
    outcome: str = Field(description='"correct", "partial", "wrong", "unanswered" or "pending" (an essay waiting '
                                     "for an instructor).")
    correct_options: list[str] | None = Field(description="The right options' ids (as in `options`); only when the "
                                                          "quiz shows the right answers.")
    correct_value: bool | None
    correct_text: str | None
    correct_matches: dict[str, str] | None
    general_feedback: str = Field(description="Only when the quiz shows feedback.")
    feedback: list[str]
    comment: str


class ReviewOut(Schema):
    attempt: AttemptOut
    shows_answers: bool
    shows_feedback: bool
    questions: list[ReviewQuestionOut]


def _quiz_out(row: QuizRow) -> dict:
    quiz = row.quiz
    open_attempt = row.open_attempt
    return {
        "id": quiz.pk, "title": quiz.title, "description": quiz.description, "status": row.status,
        "open_at": row.window.open_at, "close_at": row.window.close_at,
        "time_limit_minutes": row.time_limit_minutes, "attempts_allowed": row.attempts_allowed,
        "attempts_used": row.attempts_used, "grading_method": quiz.grading_method, "pass_percent": quiz.pass_percent,
        "final_percent": row.final_percent, "passed": row.passed, "can_start": row.can_start,
        "open_attempt_id": open_attempt.pk if open_attempt else None,
    }


def _result(attempt: Attempt) -> dict:
    policy = review_policy(attempt)
    return {"attempt": attempt, "review_available": policy.allowed, "review_message": policy.reason}


def _my_attempt(request: HttpRequest, attempt_id: int) -> Attempt:
    attempt = attempt_for_learner(learner=_learner(request), pk=attempt_id)
    return settle_if_overdue(attempt=attempt)


# --- endpoints ---------------------------------------------------------------------------------------------------


@router.get("/me/quizzes", response={200: QuizPage, **errors(401, 403, 422)}, summary="My quizzes",
            operation_id="hocso_assessment_api_learner_list_my_quizzes")
def list_my_quizzes(request: HttpRequest, filters: Query[QuizFilters], paging: Query[PageParams]):
    rows = my_quizzes(learner=_learner(request), status=filters.status or "")
    return paginate_queryset(rows, paging, transform=lambda page: [_quiz_out(row) for row in page])


@router.get("/me/quizzes/{quiz_id}", response={200: QuizDetailOut, **errors(401, 403, 404, 422)},
            summary="One of my quizzes, with my attempts",
            operation_id="hocso_assessment_api_learner_get_my_quiz")
def get_my_quiz(request: HttpRequest, quiz_id: Id):
    row = quiz_for_learner(learner=_learner(request), pk=quiz_id)
    return {**_quiz_out(row), "attempts": row.attempts}


@router.post("/me/quizzes/{quiz_id}/attempts", response={200: AttemptOut, **errors(401, 403, 404, 409, 422)},
             summary="Start an attempt (or get the one already open)",
             operation_id="hocso_assessment_api_learner_start_attempt")
def start_attempt(request: HttpRequest, quiz_id: Id):
    learner = _learner(request)
    row = quiz_for_learner(learner=learner, pk=quiz_id)
    try:
        return attempt_start(learner=learner, quiz=row.quiz, window=row.window, attempts=row.attempts,
                             eligible=row.eligible)
    except ExamError as error:
        raise api_error(error) from error


@router.get("/me/attempts/{attempt_id}", response={200: AttemptOut, **errors(401, 403, 404, 422)},
            summary="One of my attempts",
            operation_id="hocso_assessment_api_learner_get_my_attempt")
def get_my_attempt(request: HttpRequest, attempt_id: Id):
    return _my_attempt(request, attempt_id)


@router.get("/me/attempts/{attempt_id}/paper", response={200: PaperOut, **errors(401, 403, 404, 409, 422)},
            summary="The questions of an open attempt, with my saved answers (never the answer key)",
            operation_id="hocso_assessment_api_learner_get_paper")
def get_paper(request: HttpRequest, attempt_id: Id):
    attempt = _my_attempt(request, attempt_id)
    if attempt.state != AttemptState.IN_PROGRESS:
        raise api_error(ExamError("submitted"))
    return {
        "attempt": attempt, "now": timezone.now(), "layout": attempt.quiz.layout, "token": attempt.token,
        "save_url": reverse("assessment:save_answer"),
        "questions": [q.as_dict() for q in attempt_paper(attempt)],
    }


@router.put("/me/attempts/{attempt_id}/answers/{slot}", response={200: SaveOut, **errors(401, 403, 404, 409, 422)},
            summary="Save my answer to a question",
            operation_id="hocso_assessment_api_learner_save_answer")
def save_answer(request: HttpRequest, attempt_id: Id, slot: Slot, payload: SaveIn):
    attempt = attempt_for_learner(learner=_learner(request), pk=attempt_id)
    try:
        result = answer_save_for_learner(attempt=attempt, slot=slot, seq=payload.seq, response=payload.response)
    except ExamError as error:
        raise api_error(error) from error
    return {"ok": True, "slot": result.slot, "seq": result.seq, "saved_at": result.saved_at}


@router.post("/me/attempts/{attempt_id}/submit", response={200: ResultOut, **errors(401, 403, 404, 422)},
             summary="Submit (twice is harmless); answers not yet saved may come along",
             operation_id="hocso_assessment_api_learner_submit_attempt")
def submit_attempt(request: HttpRequest, attempt_id: Id, payload: SubmitIn | None = None):
    attempt = attempt_for_learner(learner=_learner(request), pk=attempt_id)
    pending = [item.model_dump() for item in payload.pending] if payload else []
    return _result(attempt_submit_with_pending(attempt=attempt, pending=pending))


@router.get("/me/attempts/{attempt_id}/result", response={200: ResultOut, **errors(401, 403, 404, 409, 422)},
            summary="My result for an attempt",
            operation_id="hocso_assessment_api_learner_get_result")
def get_result(request: HttpRequest, attempt_id: Id):
    attempt = _my_attempt(request, attempt_id)
    if attempt.state == AttemptState.IN_PROGRESS:
        raise ApiError(409, "in_progress", _("This attempt has not been submitted yet."))
    return _result(attempt)


@router.get("/me/attempts/{attempt_id}/review", response={200: ReviewOut, **errors(401, 403, 404, 422)},
            summary="Review an attempt, as far as the quiz's review policy allows",
            operation_id="hocso_assessment_api_learner_get_review")
def get_review(request: HttpRequest, attempt_id: Id):
    attempt = _my_attempt(request, attempt_id)
    policy = review_policy(attempt)
    if not policy.allowed:
        raise ApiError(403, "review_not_available", policy.reason)
    return {
        "attempt": attempt, "shows_answers": policy.shows_answers, "shows_feedback": policy.shows_feedback,
        "questions": [item.as_dict() for item in attempt_review(attempt, policy)],
    }
