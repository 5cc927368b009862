"""Submitting an attempt: lock it, stamp the time, grade it. Also the overdue worker's round (attempts whose time
ran out while nobody was looking), run by `hocso submit_overdue_attempts` and the app's task."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ...models import Attempt, AttemptState
from ..deadlines import grace
from .grading import grade_attempt, grade_attempts


@transaction.atomic
def attempt_submit(*, attempt: Attempt, auto: bool = False, now: dt.datetime | None = None) -> Attempt:
    """Submit and grade. Submitting twice, from two tabs, or after an automatic submit is harmless."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update(of=("self",)).select_related("quiz").get(pk=attempt.pk)
    return submit_locked(attempt=attempt, auto=auto, now=now)


def submit_locked(*, attempt: Attempt, auto: bool, now: dt.datetime) -> Attempt:
    """Stamp and grade an attempt this transaction has locked (with its quiz); a submitted one is left as it is."""
    if attempt.state != AttemptState.IN_PROGRESS:
        return attempt
    attempt.submitted_at = min(now, attempt.deadline + grace()) if attempt.deadline else now
    attempt.auto_submitted = auto
    return grade_attempt(attempt=attempt, also_save=("submitted_at", "auto_submitted"))


OVERDUE_BATCH = 200  # attempts graded per transaction by the overdue worker


def submit_overdue_attempts(*, now: dt.datetime | None = None, limit: int | None = 1000,
                            quiz_id: int | None = None, batch: int = OVERDUE_BATCH) -> int:
    """Submit attempts whose time ran out while the learner was away, as at their deadline (only the answers saved
    by then count). Run periodically (command or task); `quiz_id` limits it to one quiz's attempts.

    In batches of `batch` attempts, one transaction each: the batch's attempts are locked with SKIP LOCKED (one a
    learner is submitting right now is left to them, and two workers share the work), their papers and answers
    read with one query, graded as one by one (exam.grading.grade_paper) and written with one UPDATE for their
    questions and one for the attempts. A transaction locks only its own overdue attempts, which no save can
    write to any more, and stays short, so the saves of everyone else never wait for it."""
    now = now or timezone.now()
    done = 0
    while limit is None or done < limit:
        size = batch if limit is None else min(batch, limit - done)
        count = _submit_overdue_batch(now=now, size=size, quiz_id=quiz_id)
        done += count
        if count < size:
            break
    return done


@transaction.atomic
def _submit_overdue_batch(*, now: dt.datetime, size: int, quiz_id: int | None) -> int:
    overdue = (Attempt.objects.select_for_update(skip_locked=True, of=("self",)).select_related("quiz")
               .filter(state=AttemptState.IN_PROGRESS, deadline__lte=now - grace()))
    if quiz_id is not None:
        overdue = overdue.filter(quiz_id=quiz_id)
    attempts = list(overdue.order_by("deadline", "pk")[:size])
    if not attempts:
        return 0
    for attempt in attempts:
        attempt.submitted_at = min(now, attempt.deadline + grace())
        attempt.auto_submitted = True
    grade_attempts(attempts=attempts, also_save=("submitted_at", "auto_submitted"))
    return len(attempts)
