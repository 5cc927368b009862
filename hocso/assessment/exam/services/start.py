"""Starting an attempt: draw the paper and freeze it, once, in one transaction (or resume the attempt already open)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import secrets
from decimal import Decimal
from random import Random

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from hocso.core.prepared import prepared_cursor

from ...models import Attempt, AttemptQuestion, AttemptState, Quiz
from ...quizzes.policies import Window, effective_window, is_eligible
from ..deadlines import is_overdue
from ..draw import DrawnQuestion, draw_paper
from ..errors import ExamError
from ..start_checks import repeat_attempt_refusal
from .submit import attempt_submit


def attempt_start(*, learner, quiz: Quiz, now: dt.datetime | None = None, window: Window | None = None,
                  attempts: list[Attempt] | None = None, eligible: bool | None = None) -> Attempt:
    """Start an attempt, or return the one already open (a second tab or device resumes it).

    `window` and `attempts` (all the learner's attempts at this quiz) may be passed by a caller that has just read
    them (the start page's QuizRow), which saves three queries in the start rush; so may `eligible` (the
    learner is in the quiz's audience, as exam.selectors.quizzes_for_learner computes it in SQL). A concurrent
    start is still caught by the database's unique constraints below.
    """
    now = now or timezone.now()
    if attempts is None:
        open_attempt = Attempt.objects.filter(quiz=quiz, learner=learner, state=AttemptState.IN_PROGRESS).first()
    else:
        open_attempt = next((a for a in attempts if a.state == AttemptState.IN_PROGRESS), None)
    if open_attempt is not None:
        if not is_overdue(open_attempt, now):
            return open_attempt
        attempt_submit(attempt=open_attempt, auto=True, now=now)
    if not (eligible if eligible is not None else is_eligible(quiz, learner)):
        raise ExamError("not_eligible")
    window = window or effective_window(quiz, learner)
    if window.open_at and now < window.open_at:
        raise ExamError("not_open")
    if window.close_at and now >= window.close_at:
        raise ExamError("closed")
    if attempts is None:
        used = Attempt.objects.filter(quiz=quiz, learner=learner).aggregate(n=Max("number"))["n"] or 0
    else:
        used = max((a.number for a in attempts), default=0)
    if window.attempts_allowed and used >= window.attempts_allowed:
        raise ExamError("no_attempts_left")
    # Rules of higher apps (a campaign's own limit) concern repeat attempts only: a first start pays no query.
    if used and (refusal := repeat_attempt_refusal(quiz, learner, now)) is not None:
        raise refusal
    paper = draw_paper(quiz, Random(secrets.randbits(64)))
    deadline = now + window.time_limit if window.time_limit else None
    if window.close_at and (deadline is None or deadline > window.close_at):
        deadline = window.close_at
    attempt = Attempt(
        quiz=quiz, learner=learner, unit_id=learner.unit_id, number=used + 1,
        token=secrets.token_urlsafe(32), question_count=len(paper), started_at=now, deadline=deadline,
        max_score=sum((q.mark for q in paper), Decimal(0)),
    )
    try:
        _write(attempt, paper)
    except IntegrityError:
        # Two tabs started at once: the other one won; resume its attempt.
        existing = Attempt.objects.filter(quiz=quiz, learner=learner, state=AttemptState.IN_PROGRESS).first()
        if existing is None:
            raise
        return existing
    attempt.drawn_paper = paper  # the exam page shows it without reading it back (exam.paper)
    return attempt


def _write(attempt: Attempt, paper: list[DrawnQuestion]) -> None:
    """Insert the attempt and its paper, all or nothing; IntegrityError when a concurrent start won the race.

    On PostgreSQL one statement (the attempt's INSERT and the paper's as data-modifying CTEs), atomic by itself,
    and a lost race (the open attempt, or the attempt number, already taken) writes nothing rather than failing:
    no transaction or savepoint of its own is needed, even inside the caller's transaction. The ORM's save()
    and the savepoint cost as many calls as the rest of the start's writing."""
    if connection.vendor != "postgresql":
        with transaction.atomic():
            attempt.save(force_insert=True)
            _freeze_paper(attempt.pk, paper)
        return
    # psycopg adapts these values itself (ids, text, timestamps, numerics, booleans): PostgreSQL's backend leaves
    # them as they are in get_db_prep_save.
    fields = [f for f in Attempt._meta.concrete_fields if not f.primary_key]
    params = [*(getattr(attempt, f.attname) for f in fields), _paper_json(paper)]
    with prepared_cursor() as cursor:
        cursor.execute(_insert_sql(), params)
        row = cursor.fetchone()
    if row is None:
        raise IntegrityError("another start of this attempt won the race")
    attempt.pk = row[0]
    attempt._state.adding = False
    attempt._state.db = connection.alias


@functools.cache
def _insert_sql() -> str:
    fields = [f for f in Attempt._meta.concrete_fields if not f.primary_key]
    return (
        f"WITH a AS (INSERT INTO {Attempt._meta.db_table} ({', '.join(f.column for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT DO NOTHING RETURNING id), "
        f"p AS (INSERT INTO {AttemptQuestion._meta.db_table} (attempt_id, slot, version_id, mark, option_order, "
        "comment) SELECT a.id, p.slot, (p.q->>0)::bigint, (p.q->>1)::numeric, p.q->2, '' "
        "FROM a, jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS p(q, slot)) "
        "SELECT id FROM a"
    )


def _paper_json(paper: list[DrawnQuestion]) -> str:
    # The rows as one JSON parameter (version, mark, option order) unpacked by the database: psycopg adapts a
    # Python list element by element, which for four arrays of thirty cost more calls than the rest of the start.
    return json.dumps([[q.version_id, str(q.mark), q.option_order] for q in paper])


def _freeze_paper(attempt_id: int, paper: list[DrawnQuestion]) -> None:
    """Write the paper's rows (SQLite; PostgreSQL writes them with the attempt, in `_write`)."""
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(attempt_id=attempt_id, slot=index, version_id=q.version_id, mark=q.mark,
                        option_order=q.option_order)
        for index, q in enumerate(paper, start=1)
    )
