"""Rules of higher apps that may refuse a learner another attempt at a quiz: a small registry, so that assessment,
which knows no campaign, enforces a campaign's own attempts limit at the start without importing campaigns.

A higher app registers a check from its AppConfig.ready():

    register_start_check(check)        # check(quiz, learner, now) -> ExamError | None

The start consults the checks only once the learner has started an attempt at the quiz before: they limit repeat
attempts, so a learner's first start (the exam-day rush) pays no query for them. The first refusal wins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from hocso.people.models import Learner

from ..models import Quiz
from .errors import ExamError

StartCheck = Callable[[Quiz, Learner, dt.datetime], ExamError | None]

_checks: list[StartCheck] = []


def register_start_check(check: StartCheck) -> None:
    """Add a rule a repeat attempt must pass (registering the same callable twice keeps one)."""
    if check not in _checks:
        _checks.append(check)


def repeat_attempt_refusal(quiz: Quiz, learner: Learner, now: dt.datetime) -> ExamError | None:
    """Why a learner who has attempted the quiz before may not start again now, if a registered rule says so."""
    for check in _checks:
        refusal = check(quiz, learner, now)
        if refusal is not None:
            return refusal
    return None
