"""Reads for the learner's side of the exam: my quizzes and my attempts.

Everything here is scoped to one learner (a person sees only their own attempts: anything else is a 404). The
paper itself, without the key, is built by exam.paper; what a learner may see after submitting is decided in
exam.review.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.prepared import prepared_cursor
from hocso.core.rows import model_row
from hocso.org.models import Unit
from hocso.people.models import Learner

from ..models import Attempt, AttemptState, QuestionVersion, Quiz, QuizOverride
from ..quizzes.policies import Window, window_with_override
from .grading import final_grade

# --- quizzes -------------------------------------------------------------------------------------------------


def quizzes_for_learner(*, learner: Learner) -> QuerySet[Quiz]:
    """Published quizzes whose audience includes the learner, plus any quiz they have already attempted
    (a person who moved to another unit still sees the results of the tests they sat)."""
    through = Quiz.audience_groups.through
    audience = Q(audience_unit__isnull=True)
    if learner.unit_id is not None:
        # The audience unit is the learner's unit or one above it: a prefix of its materialised path.
        audience |= Q(Exists(Unit.objects.filter(pk=learner.unit_id, path__startswith=OuterRef("audience_unit__path"))))
    groups = ~Q(pk__in=through.objects.values("quiz_id"))
    if learner.target_group_id is not None:
        groups |= Q(pk__in=through.objects.filter(targetgroup_id=learner.target_group_id).values("quiz_id"))
    attempted = Q(pk__in=Attempt.objects.filter(learner=learner).values("quiz_id"))
    # `in_audience` tells the start whether the learner may begin a new attempt (is_eligible in SQL), so the
    # start rush does not read the audience unit and groups again.
    return Quiz.objects.annotate(
        in_audience=ExpressionWrapper(Q(is_published=True) & audience & groups, output_field=BooleanField()),
    ).filter(Q(in_audience=True) | attempted)


class QuizStatus:
    OPEN = "open"
    UPCOMING = "upcoming"
    CLOSED = "closed"


@dataclass
class QuizRow:
    """One quiz as the learner sees it: its window (override applied), their attempts and grade."""

    quiz: Quiz
    window: Window
    status: str
    attempts: list[Attempt] = field(default_factory=list)
    final_percent: Decimal | None = None

    @property
    def eligible(self) -> bool | None:
        """Whether the learner is in the quiz's audience (None when the quiz did not come with the annotation)."""
        return getattr(self.quiz, "in_audience", None)

    @property
    def time_limit_minutes(self) -> int | None:
        """With the learner's extra time."""
        return int(self.window.time_limit.total_seconds() // 60) if self.window.time_limit else None

    @property
    def attempts_used(self) -> int:
        return len(self.attempts)

    @property
    def attempts_allowed(self) -> int:
        return self.window.attempts_allowed

    @property
    def open_attempt(self) -> Attempt | None:
        return next((a for a in self.attempts if a.state == AttemptState.IN_PROGRESS), None)

    @property
    def attempts_left(self) -> int | None:
        """None means unlimited."""
        if not self.window.attempts_allowed:
            return None
        return max(0, self.window.attempts_allowed - len(self.attempts))

    @property
    def can_continue(self) -> bool:
        return self.open_attempt is not None

    @property
    def can_start(self) -> bool:
        if self.open_attempt is not None or self.status != QuizStatus.OPEN or not self.quiz.is_published:
            return False
        return self.attempts_left is None or self.attempts_left > 0

    @property
    def passed(self) -> bool | None:
        if self.final_percent is None:
            return None
        return self.final_percent >= self.quiz.pass_percent


def _status(window: Window, now: dt.datetime) -> str:
    if window.open_at and now < window.open_at:
        return QuizStatus.UPCOMING
    if window.close_at and now >= window.close_at:
        return QuizStatus.CLOSED
    return QuizStatus.OPEN


_STATUS_ORDER = {QuizStatus.OPEN: 0, QuizStatus.UPCOMING: 1, QuizStatus.CLOSED: 2}
_FAR_FUTURE = dt.datetime.max.replace(tzinfo=dt.UTC)


def _attempts_of(learner: Learner, quiz_ids: list[int]) -> dict[int, list[Attempt]]:
    """The learner's attempts at these quizzes, each quiz's in order. One plain statement, prepared on PostgreSQL
    (its text does not depend on how many quizzes): a learner who sat last quarter's test reads them on every home
    page, and the ORM's query cost the page more than the rest of its reads."""
    rows = model_row(Attempt, connection.alias)
    if connection.vendor == "postgresql":
        where, params = "quiz_id = ANY(%s)", [learner.pk, list(quiz_ids)]
    else:
        where, params = f"quiz_id IN ({', '.join(['%s'] * len(quiz_ids))})", [learner.pk, *quiz_ids]
    found: dict[int, list[Attempt]] = {}
    with prepared_cursor() as cursor:
        cursor.execute(f"SELECT {rows.columns()} FROM {Attempt._meta.db_table} WHERE learner_id = %s AND {where} "
                       "ORDER BY quiz_id, number", params)
        for row in cursor.fetchall():
            attempt = rows.instance(row)
            found.setdefault(attempt.quiz_id, []).append(attempt)
    return found


def _rows(learner: Learner, quizzes: list[Quiz], now: dt.datetime, status: str = "") -> list[QuizRow]:
    """Rows for these quizzes (each with `has_override` and `has_attempts` from `_quiz_row_sql`), only those in
    `status` if given: overrides and attempts are read only if some quiz has them, and attempts only for the quizzes
    kept, so a learner's home page (open tests) on exam day reads none of last quarter's."""
    with_override = [q.pk for q in quizzes if q.has_override]
    overrides = {o.quiz_id: o for o in QuizOverride.objects.filter(learner=learner, quiz_id__in=with_override)
                 } if with_override else {}
    windows = [(quiz, window_with_override(quiz, overrides.get(quiz.pk))) for quiz in quizzes]
    statuses = [(quiz, window, _status(window, now)) for quiz, window in windows]
    if status:
        statuses = [(quiz, window, found) for quiz, window, found in statuses if found == status]
    with_attempts = [quiz.pk for quiz, _window, _found in statuses if quiz.has_attempts]
    attempts = _attempts_of(learner, with_attempts) if with_attempts else {}
    return [_row_of(quiz, window, found, attempts.get(quiz.pk, [])) for quiz, window, found in statuses]


def _row_of(quiz: Quiz, window: Window, status: str, attempts: list[Attempt]) -> QuizRow:
    return QuizRow(quiz=quiz, window=window, status=status, attempts=attempts,
                   final_percent=final_grade(attempts, quiz.grading_method))


def _row(quiz: Quiz, override: QuizOverride | None, attempts: list[Attempt], now: dt.datetime) -> QuizRow:
    window = window_with_override(quiz, override)
    return _row_of(quiz, window, _status(window, now), attempts)


def my_quizzes(*, learner: Learner, status: str = "", now: dt.datetime | None = None) -> list[QuizRow]:
    """The learner's quizzes: open ones first (closing soonest first), then upcoming, then closed (latest first)."""
    now = now or timezone.now()
    # The rule of `quizzes_for_learner` as one plain query (checked against it in the tests): every learner's home
    # page lists their open tests, and the ORM's version of the three queries cost more CPU than the page's rest.
    # Read with a plain cursor, not `Quiz.objects.raw`: the raw query set's reading of the columns and their order
    # cost eight times the statement itself.
    quizzes = []
    quiz_row = model_row(Quiz, connection.alias)
    with prepared_cursor() as cursor:
        cursor.execute(f"SELECT {quiz_row.columns('x')}, x.in_audience, x.has_override, x.has_attempts "
                       f"FROM ({_quiz_row_sql(every=True)}) AS x",
                       [learner.unit_id, learner.target_group_id, learner.pk, learner.pk])
        for row in cursor.fetchall():
            quiz = quiz_row.instance(row)
            # SQLite answers 0 or 1.
            quiz.in_audience, quiz.has_override, quiz.has_attempts = bool(row[-3]), row[-2], row[-1]
            quizzes.append(quiz)
    rows = _rows(learner, quizzes, now, status)

    def order(row: QuizRow) -> tuple:
        if row.status == QuizStatus.CLOSED:
            # Most recently closed first.
            return (2, -(row.window.close_at or now).timestamp(), row.quiz.pk)
        when = row.window.close_at if row.status == QuizStatus.OPEN else row.window.open_at
        return (_STATUS_ORDER[row.status], (when or _FAR_FUTURE).timestamp(), row.quiz.pk)

    return sorted(rows, key=order)


def quiz_for_learner(*, learner: Learner, pk: int, now: dt.datetime | None = None) -> QuizRow:
    """One quiz as `quizzes_for_learner` would give it (a 404 otherwise), with the learner's override and attempts.

    The quiz page and the start button read it for every learner at the opening of an exam, so it is one plain
    query in the common case: the audience test as SQL (the same rule as `quizzes_for_learner`, checked against
    it in the tests) and whether an override or attempts exist, read only when they do. Building and compiling
    the ORM's version of these three queries cost more CPU than anything else on the quiz page."""
    quiz_row = model_row(Quiz, connection.alias)
    with prepared_cursor() as cursor:
        cursor.execute(f"SELECT {quiz_row.columns('x')}, x.in_audience, x.has_override, x.has_attempts "
                       f"FROM ({_quiz_row_sql()}) AS x",
                       [learner.unit_id, learner.target_group_id, learner.pk, learner.pk, pk])
        found = cursor.fetchone()
    quiz = None
    if found is not None:
        quiz = quiz_row.instance(found)
        quiz.in_audience, quiz.has_override, quiz.has_attempts = found[-3:]
    return _checked_row(learner, quiz, now)


def _checked_row(learner: Learner, quiz: Quiz | None, now: dt.datetime | None) -> QuizRow:
    if quiz is None or not (quiz.in_audience or quiz.has_attempts):
        raise Http404(_("Quiz not found."))
    quiz.in_audience = bool(quiz.in_audience)  # SQLite answers 0 or 1
    override = QuizOverride.objects.filter(learner=learner, quiz=quiz).first() if quiz.has_override else None
    attempts = _attempts_of(learner, [quiz.pk]).get(quiz.pk, []) if quiz.has_attempts else []
    return _row(quiz, override, attempts, now or timezone.now())


def learner_and_quiz(*, user_id: int, pk: int, now: dt.datetime | None = None) -> tuple[Learner | None,
                                                                                     QuizRow | None]:
    """The account's staff profile and, for it, `quiz_for_learner(pk=pk)` (a 404 as there), read with one
    statement; (None, None) for an account without a staff profile. The quiz page and the start ask both for
    every learner at the opening of an exam, and the two model queries' own CPU was a tenth of the request.
    Plain rows turned into model instances with each field's own database converters, as the ORM would."""
    with prepared_cursor() as cursor:
        cursor.execute(_learner_quiz_sql(), [pk, user_id])
        found = cursor.fetchone()
    if found is None:
        return None, None
    learner_row, quiz_row = model_row(Learner, connection.alias), model_row(Quiz, connection.alias)
    learner = learner_row.instance(found)
    size = learner_row.width
    if found[size] is None:  # no such quiz
        raise Http404(_("Quiz not found."))
    quiz = quiz_row.instance(found, size)
    quiz.in_audience, quiz.has_override, quiz.has_attempts, quiz.newest_version_id = found[size + quiz_row.width:]
    return learner, _checked_row(learner, quiz, now)


@functools.cache
def _learner_quiz_sql() -> str:
    """The learner's columns, then `_quiz_row_sql`'s (NULL when there is no such quiz), then the newest question
    version's id (a start's draw checks its blueprint against it: draw._blueprint). Parameters: the quiz id, the
    account id."""
    learner = Learner._meta.db_table
    learner_columns = ", ".join(f'l."{f.column}"' for f in Learner._meta.concrete_fields)
    quiz_columns = ", ".join(f'q."{f.column}"' for f in Quiz._meta.concrete_fields)
    # `_quiz_row_sql` with the learner's columns in place of its parameters: one rule for both.
    row = (_quiz_row_sql().replace("SELECT q.*,", f"SELECT {learner_columns}, {quiz_columns},", 1)
           .replace("lu.id = %s", "lu.id = l.unit_id")
           .replace("g.targetgroup_id = %s", "g.targetgroup_id = l.target_group_id")
           .replace("o.learner_id = %s", "o.learner_id = l.id").replace("a.learner_id = %s", "a.learner_id = l.id"))
    assert "%s" not in row.rsplit(" WHERE q.id = %s", 1)[0]
    quiz_table = Quiz._meta.db_table
    head, _where = row.rsplit(" WHERE q.id = %s", 1)
    head = head.replace(f"FROM {quiz_table} q", f"FROM {learner} l LEFT JOIN {quiz_table} q ON q.id = %s")
    head = head.replace(f"FROM {learner} l", f", (SELECT MAX(id) FROM {QuestionVersion._meta.db_table}) "
                        f"FROM {learner} l", 1)
    return f"{head} WHERE l.user_id = %s"


@functools.cache
def _quiz_row_sql(every: bool = False) -> str:
    """The quiz's columns, `in_audience` (published, for everyone or for the learner's unit or one above it — its
    path a prefix of the learner's unit's path — and for every group or the learner's target group), and whether
    the learner has an override or attempts. Parameters: the learner's unit id, target group id, id (twice) and
    the quiz id; with `every`, no quiz id: all the quizzes `quizzes_for_learner` lists."""
    quiz, groups, unit = Quiz._meta.db_table, Quiz.audience_groups.through._meta.db_table, Unit._meta.db_table
    in_subtree = (f"EXISTS (SELECT 1 FROM {unit} au, {unit} lu WHERE au.id = q.audience_unit_id AND lu.id = %s "
                  "AND substr(lu.path, 1, length(au.path)) = au.path)")
    columns = (
        f"SELECT q.*, (q.is_published AND (q.audience_unit_id IS NULL OR {in_subtree}) "
        f"AND (NOT EXISTS (SELECT 1 FROM {groups} g WHERE g.quiz_id = q.id) "
        f"OR EXISTS (SELECT 1 FROM {groups} g WHERE g.quiz_id = q.id AND g.targetgroup_id = %s))) AS in_audience, "
        f"EXISTS (SELECT 1 FROM {QuizOverride._meta.db_table} o WHERE o.quiz_id = q.id AND o.learner_id = %s) "
        "AS has_override, "
        f"EXISTS (SELECT 1 FROM {Attempt._meta.db_table} a WHERE a.quiz_id = q.id AND a.learner_id = %s) "
        f"AS has_attempts FROM {quiz} q"
    )
    if every:
        return f"SELECT * FROM ({columns}) AS r WHERE r.in_audience OR r.has_attempts"
    return f"{columns} WHERE q.id = %s"


# --- attempts ------------------------------------------------------------------------------------------------


def attempt_for_learner(*, learner: Learner | None, pk: int) -> Attempt:
    """One of the learner's own attempts, or 404 (someone else's attempt does not exist for them)."""
    attempt = (
        Attempt.objects.filter(pk=pk, learner=learner).select_related("quiz").first() if learner is not None else None
    )
    if attempt is None:
        raise Http404(_("Attempt not found."))
    return attempt
