"""Grading a paper: its questions' scores and the attempt's score, percentage, state and passed, and a learner's
final grade over their attempts. Pure functions, no database: exam.services.grading saves what they compute.
Each question is scored by the rules of its type (bank.scoring).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from ..bank.scoring import ZERO, chosen_options, grade
from ..models import Attempt, AttemptState, QuestionVersion
from .paper import is_answered


class PaperQuestion(Protocol):
    """What grading reads and writes of a paper's question: an AttemptQuestion, or the demo's plain row for one."""

    slot: int
    version: QuestionVersion
    mark: Decimal
    fraction: Decimal | None
    score: Decimal | None
    chosen: Any


def quantize_score(value: Decimal) -> Decimal:
    """A score to the thousandth of a mark, as stored."""
    return value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def grade_paper(attempt: Attempt, questions: Sequence[PaperQuestion], responses: dict[int, dict | None], *,
                pass_percent: Decimal) -> None:
    """Grade a paper in memory: each question's options chosen, fraction and score, then the attempt's score,
    percentage, state and passed. The one place these are computed (exam.services.grading saves the result; the
    demo's seed builds its past attempts with it).

    `responses` are by slot, in the bank's option ids. An essay keeps the grade a person gave it; one left blank
    (no text, or only spaces, as the page saves a cleared answer) earns nothing, one answered and not graded yet
    leaves the attempt waiting for grading (passed unknown). The attempt's score is clamped at 0 (negative marking
    cannot make it negative).
    """
    pending = False
    for aq in questions:
        qtype = aq.version.question.qtype
        response = responses.get(aq.slot)
        aq.chosen = chosen_options(qtype, response)
        fraction = grade(qtype, aq.version.data, response)
        if fraction is None:
            if aq.fraction is None:
                if is_answered(qtype, response):
                    pending = True
                else:  # an essay left blank (or only spaces) earns nothing; no one needs to grade it
                    aq.fraction, aq.score = ZERO, ZERO
            continue
        aq.fraction = fraction
        aq.score = quantize_score(aq.mark * fraction)
    total = sum((aq.score for aq in questions if aq.score is not None), ZERO)
    attempt.score = quantize_score(max(ZERO, total))
    attempt.percent = (
        (attempt.score * 100 / attempt.max_score).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if attempt.max_score else ZERO
    )
    if pending:
        attempt.state, attempt.passed = AttemptState.NEEDS_GRADING, None
    else:
        attempt.state, attempt.passed = AttemptState.GRADED, attempt.percent >= pass_percent


def final_grade(attempts: list[Attempt], method: str) -> Decimal | None:
    """The learner's grade for a quiz from their finished attempts, by the quiz's grading method."""
    graded = sorted((a for a in attempts if a.state == AttemptState.GRADED), key=lambda a: a.number)
    if not graded:
        return None
    if method == "highest":
        return max(a.percent for a in graded)
    if method == "last":
        return graded[-1].percent
    if method == "first":
        return graded[0].percent
    return (sum((a.percent for a in graded), Decimal(0)) / len(graded)).quantize(Decimal("0.01"))
