"""Saving an answer: the exam's hot path.

Saving an answer is one SQL statement: an INSERT … SELECT that only finds the attempt when the token matches, the
attempt is open and its deadline has not passed, with ON CONFLICT … DO UPDATE … WHERE seq is newer. No session,
no ORM objects, no re-rendering: the request costs one round trip to the database.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from hocso.core.input_guard import INTEGER_MAX, SMALLINT_MAX, is_storable_json
from hocso.core.prepared import prepared_cursor

from ...models import Answer, Attempt, AttemptState
from ..deadlines import grace
from ..errors import ExamError

MAX_RESPONSE_BYTES = 20_000


@dataclass(frozen=True)
class SaveResult:
    slot: int
    seq: int
    saved_at: dt.datetime


def _upsert_sql() -> str:
    json_param = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    return (
        "INSERT INTO assessment_answer (attempt_id, slot, response, seq, saved_at) "
        f"SELECT a.id, %s, {json_param}, %s, %s FROM assessment_attempt a "
        "WHERE a.token = %s AND a.state = 'in_progress' AND (a.deadline IS NULL OR a.deadline > %s) "
        "AND %s BETWEEN 1 AND a.question_count "
        "ON CONFLICT (attempt_id, slot) DO UPDATE SET response = excluded.response, seq = excluded.seq, "
        "saved_at = excluded.saved_at WHERE assessment_answer.seq < excluded.seq"
    )


def answer_save(*, token: str, slot: int, response: dict, seq: int, now: dt.datetime | None = None) -> SaveResult:
    """Save the learner's response to one slot. Idempotent: repeating a save (same or older seq) changes nothing."""
    now = now or timezone.now()
    # Checked here, without a query, so nothing the columns cannot hold reaches the statement (a 500 on
    # PostgreSQL): slot is a smallint, seq an integer, and the JSON may hold no NUL and no lone surrogate.
    if not isinstance(response, dict) or not isinstance(slot, int) or not isinstance(seq, int):
        raise ExamError("invalid_response")
    if not 0 <= seq <= INTEGER_MAX:
        raise ExamError("invalid_response")
    if not 1 <= slot <= SMALLINT_MAX:
        raise ExamError("invalid_slot")
    payload = json.dumps(response, ensure_ascii=False, separators=(",", ":"))
    if "\\u0000" in payload and not is_storable_json(response):  # json.dumps writes a NUL as \u0000
        raise ExamError("invalid_response")
    try:
        size = len(payload.encode())
    except UnicodeEncodeError:  # a lone surrogate
        raise ExamError("invalid_response") from None
    if size > MAX_RESPONSE_BYTES:
        raise ExamError("invalid_response")
    with prepared_cursor() as cursor:  # prepared once per connection on PostgreSQL
        # Raw SQL bypasses the ORM's datetime adaptation: adapt explicitly (SQLite compares datetimes as text).
        adapt = connection.ops.adapt_datetimefield_value
        cursor.execute(_upsert_sql(), [slot, payload, seq, adapt(now), token, adapt(now - grace()), slot])
        written = cursor.rowcount
    if written == 1:
        return SaveResult(slot=slot, seq=seq, saved_at=now)
    return _explain_unsaved(token=token, slot=slot, seq=seq, now=now)


def _explain_unsaved(*, token: str, slot: int, seq: int, now: dt.datetime) -> SaveResult:
    """Nothing was written: say why (rare path, so an extra query or two is fine)."""
    attempt = Attempt.objects.filter(token=token).values("id", "state", "deadline", "question_count").first()
    if attempt is None:
        raise ExamError("not_found")
    if attempt["state"] != AttemptState.IN_PROGRESS:
        raise ExamError("submitted")
    if attempt["deadline"] is not None and attempt["deadline"] <= now - grace():
        raise ExamError("expired")
    if not 1 <= slot <= attempt["question_count"]:
        raise ExamError("invalid_slot")
    stored = Answer.objects.filter(attempt_id=attempt["id"], slot=slot).values("seq", "saved_at").first()
    if stored is None:  # pragma: no cover - only a concurrent delete could get here
        raise ExamError("not_found")
    # An older or repeated save: the newer answer already stored stands, and the client may forget this one.
    return SaveResult(slot=slot, seq=stored["seq"], saved_at=stored["saved_at"])


