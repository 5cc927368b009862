"""The few writes of the learner's pages and API, on top of the start, save and submit services.

They add two things the pages need: an attempt whose time ran out is submitted as soon as anyone looks at it
(the periodic command does the same for attempts nobody looks at), and a submit may carry the answers the
browser had not yet managed to save (a learner on a dropping mobile link presses "Submit" when it comes back).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from ...models import Attempt, AttemptState
from ..deadlines import is_overdue
from ..errors import ExamError
from .save import SaveResult, answer_save
from .submit import attempt_submit, submit_locked

MAX_PENDING = 500  # more answers than any paper has: a bigger submit is not from our page


def settle_if_overdue(*, attempt: Attempt, now: dt.datetime | None = None) -> Attempt:
    """Submit an open attempt whose deadline (plus grace) has passed; return the attempt as it now stands."""
    now = now or timezone.now()
    if attempt.state == AttemptState.IN_PROGRESS and is_overdue(attempt, now):
        return attempt_submit(attempt=attempt, auto=True, now=now)
    return attempt


def answer_save_for_learner(*, attempt: Attempt, slot: Any, seq: Any, response: Any,
                            now: dt.datetime | None = None) -> SaveResult:
    """The API's save: the same one-statement service as the page's, authorised by the learner's session."""
    try:
        return answer_save(token=attempt.token, slot=slot, response=response, seq=seq, now=now)
    except ExamError as error:
        if error.code == "expired":
            settle_if_overdue(attempt=attempt, now=now)
        raise


def save_pending(*, attempt: Attempt, pending: Any, now: dt.datetime | None = None) -> int:
    """Save answers sent along with a submit ([{"slot", "seq", "response"}]); refused ones are skipped.

    Each goes through the same seq rule as a normal save, so an answer already saved from another tab with a
    higher seq is never overwritten by an older copy. Returns how many were written.
    """
    if not isinstance(pending, list):
        return 0
    written = 0
    for item in pending[:MAX_PENDING]:
        if not isinstance(item, dict):
            continue
        try:
            result = answer_save(token=attempt.token, slot=item.get("slot"), seq=item.get("seq"),
                                 response=item.get("response"), now=now)
        except ExamError:
            continue  # too late, bad input or already submitted: the submit below still happens
        written += result.seq == item.get("seq")
    return written


def attempt_submit_with_pending(*, attempt: Attempt, pending: Any = None, auto: bool = False,
                                now: dt.datetime | None = None) -> Attempt:
    """Save what the browser still held, then submit and grade. Submitting twice is harmless."""
    now = now or timezone.now()
    if attempt.state == AttemptState.IN_PROGRESS and pending:
        save_pending(attempt=attempt, pending=pending, now=now)
    return attempt_submit(attempt=attempt, auto=auto or is_overdue(attempt, now), now=now)


@transaction.atomic
def attempt_submit_own(*, user_id: int, attempt_id: int, pending: Any = None, auto: bool = False,
                       now: dt.datetime | None = None) -> Attempt:
    """The exam page's submit: the signed-in person's own attempt found and locked with one statement (someone
    else's, or none, is ExamError("not_found")), what the browser still held saved, then submitted and graded, all
    in one transaction. Submitting twice is harmless."""
    now = now or timezone.now()
    attempt = (Attempt.objects.select_for_update(of=("self",)).select_related("quiz")
               .filter(pk=attempt_id, learner__user_id=user_id).first())
    if attempt is None:
        raise ExamError("not_found")
    if attempt.state == AttemptState.IN_PROGRESS and pending:
        save_pending(attempt=attempt, pending=pending, now=now)
    return submit_locked(attempt=attempt, auto=auto or is_overdue(attempt, now), now=now)
