"""The few writes of the learner's pages and API, on top of the start, save and submit services.

They add two things the pages need: an attempt whose time ran out is submitted as soon as anyone looks at it
(the periodic command does the same for attempts nobody looks at), and a submit may carry the answers the
browser had not yet managed to save (a learner on a dropping mobile link presses "Submit" when it comes back).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ...models import Attempt, AttemptState, Quiz
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


# The attempt with its quiz's pass mark, by id and owner's account (the page's form) or by its token (the page's
# script): raw SQL, as the ORM spent more CPU building this query than PostgreSQL spends running it.
_ATTEMPT_SQL = (
    "SELECT a.*, q.pass_percent AS quiz_pass_percent FROM assessment_attempt a "
    "JOIN assessment_quiz q ON q.id = a.quiz_id "
)
_OWN_ATTEMPT_SQL = _ATTEMPT_SQL + (
    "WHERE a.id = %s AND a.learner_id IN (SELECT l.id FROM people_learner l WHERE l.user_id = %s)"
)
_TOKEN_ATTEMPT_SQL = _ATTEMPT_SQL + "WHERE a.token = %s"


def _lock() -> str:
    return " FOR UPDATE OF a" if connection.features.has_select_for_update_of else ""


@transaction.atomic
def attempt_submit_own(*, user_id: int, attempt_id: int, pending: Any = None, auto: bool = False,
                       now: dt.datetime | None = None) -> Attempt:
    """The exam page's form submit: the signed-in person's own attempt found and locked with one statement
    (someone else's, or none, is ExamError("not_found")), what the browser still held saved, then submitted and
    graded, all in one transaction. Submitting twice is harmless."""
    return _submit_found(_OWN_ATTEMPT_SQL, [attempt_id, user_id], pending=pending, auto=auto, now=now)


@transaction.atomic
def attempt_submit_by_token(*, token: Any, pending: Any = None, auto: bool = False,
                            now: dt.datetime | None = None) -> Attempt:
    """The exam page script's submit, authorised like its saves by the attempt's token (a capability shown only to
    the learner on that page): found and locked with one statement, no session or account read. A token that
    names no attempt is ExamError("not_found"); a second submit, from a retry or another tab, changes nothing."""
    if not isinstance(token, str) or not token or "\x00" in token:
        raise ExamError("not_found")
    return _submit_found(_TOKEN_ATTEMPT_SQL, [token], pending=pending, auto=auto, now=now)


def _submit_found(sql: str, params: list, *, pending: Any, auto: bool, now: dt.datetime | None) -> Attempt:
    now = now or timezone.now()
    attempt = next(iter(Attempt.objects.raw(sql + _lock(), params)), None)
    if attempt is None:
        raise ExamError("not_found")
    # The quiz as far as grading needs it (its pass mark); any other field is read from the database if asked for.
    attempt.quiz = Quiz.from_db(connection.alias, ["id", "pass_percent"], [attempt.quiz_id, Decimal(
        str(attempt.quiz_pass_percent)).quantize(Decimal("0.01"))])
    if attempt.state == AttemptState.IN_PROGRESS and pending:
        save_pending(attempt=attempt, pending=pending, now=now)
    return submit_locked(attempt=attempt, auto=auto or is_overdue(attempt, now), now=now)
