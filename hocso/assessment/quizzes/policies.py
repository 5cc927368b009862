"""A quiz's rules for one learner: its window and limits with their override applied, and whether they are in its
audience. The start (hocso.assessment.exam) and the learner's lists apply these; training's calendar shows them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..models import Quiz, QuizOverride


@dataclass(frozen=True)
class Window:
    open_at: dt.datetime | None
    close_at: dt.datetime | None
    attempts_allowed: int
    time_limit: dt.timedelta | None


def window_with_override(quiz: Quiz, override: QuizOverride | None) -> Window:
    """The quiz's window and limits with a learner's override applied (`None`: no override). The one rule: the
    start applies it to the override it reads, the learner's lists to the overrides they read in one query."""
    limit = dt.timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    if override is None:
        return Window(quiz.open_at, quiz.close_at, quiz.attempts_allowed, limit)
    if limit is not None and override.extra_minutes:
        limit += dt.timedelta(minutes=override.extra_minutes)
    return Window(
        override.open_at or quiz.open_at,
        override.close_at or quiz.close_at,
        override.attempts_allowed if override.attempts_allowed is not None else quiz.attempts_allowed,
        limit,
    )


def effective_window(quiz: Quiz, learner) -> Window:
    """The quiz's window and limits for this learner (a Learner or its pk), with any override applied."""
    return window_with_override(quiz, QuizOverride.objects.filter(quiz=quiz, learner=learner).first())


def _in_subtree(learner, unit) -> bool:
    return learner.unit is not None and learner.unit.path.startswith(unit.path)


def is_eligible(quiz: Quiz, learner) -> bool:
    if not quiz.is_published or learner is None:
        return False
    if quiz.audience_unit_id is not None and not _in_subtree(learner, quiz.audience_unit):
        return False
    group_ids = Quiz.audience_groups.through.objects.filter(quiz_id=quiz.pk).values_list("targetgroup_id", flat=True)
    return not group_ids or learner.target_group_id in set(group_ids)
