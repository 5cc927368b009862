"""Submitting an attempt: lock it, stamp the time, grade it. Also the overdue worker's round (attempts whose time
ran out while nobody was looking), run by `hocso submit_overdue_attempts` and the app's task."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ...models import Attempt, AttemptState
from ..deadlines import grace
from .grading import grade_attempt


@transaction.atomic
def attempt_submit(*, attempt: Attempt, auto: bool = False, now: dt.datetime | None = None) -> Attempt:
    """Submit and grade. Submitting twice, from two tabs, or after an automatic submit is harmless."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)
    if attempt.state != AttemptState.IN_PROGRESS:
        return attempt
    attempt.submitted_at = min(now, attempt.deadline + grace()) if attempt.deadline else now
    attempt.auto_submitted = auto
    return grade_attempt(attempt=attempt, also_save=("submitted_at", "auto_submitted"))


def submit_overdue_attempts(*, now: dt.datetime | None = None, limit: int | None = 1000,
                            quiz_id: int | None = None) -> int:
    """Submit attempts whose time ran out while the learner was away, as at their deadline (only the answers saved
    by then count). Run periodically (command or task); `quiz_id` limits it to one quiz's attempts."""
    now = now or timezone.now()
    overdue = Attempt.objects.filter(state=AttemptState.IN_PROGRESS, deadline__lte=now - grace())
    if quiz_id is not None:
        overdue = overdue.filter(quiz_id=quiz_id)
    overdue = list(overdue.order_by("deadline")[:limit])
    for attempt in overdue:
        attempt_submit(attempt=attempt, auto=True, now=now)
    return len(overdue)
