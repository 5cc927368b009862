"""The exam's writes: start (draw and freeze), save (the hot path), submit and grade, essay grading and regrading,
and the extras of the learner's pages and API. Every write of the exam is in this package."""

from .grading import attempts_regrade, essay_grade, grade_attempt
from .learner import (
    answer_save_for_learner,
    attempt_submit_by_token,
    attempt_submit_own,
    attempt_submit_with_pending,
    save_pending,
    settle_if_overdue,
)
from .save import SaveResult, answer_save
from .start import attempt_start
from .submit import attempt_submit, submit_overdue_attempts

__all__ = [
    "SaveResult", "answer_save", "answer_save_for_learner", "attempt_start", "attempt_submit",
    "attempt_submit_by_token", "attempt_submit_own", "attempt_submit_with_pending", "attempts_regrade",
    "essay_grade", "grade_attempt", "save_pending", "settle_if_overdue", "submit_overdue_attempts",
]
