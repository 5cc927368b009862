"""The deadline's automatic submission grades overdue attempts in batches, with the same grades as one by one, in a
number of SQL statements that does not grow with the attempts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hocso.assessment.exam.grading import grade_paper
from hocso.assessment.exam.services import answer_save, attempt_start, attempt_submit, submit_overdue_attempts
from hocso.assessment.models import Answer, Attempt, AttemptState, QuestionType
from hocso.assessment.tests.exam_helpers import RIGHT, make_mixed_quiz
from hocso.tests.factories import make_learner

pytestmark = pytest.mark.django_db

WRONG = {
    QuestionType.SINGLE: {"choice": "b"},
    QuestionType.MULTIPLE: {"choices": ["x", "z"]},
    QuestionType.TRUE_FALSE: {"value": False},
    QuestionType.SHORT_ANSWER: {"text": "không biết"},
    QuestionType.MATCHING: {"pairs": {"p1": "p2", "p2": "d1"}},
    QuestionType.ESSAY: {"text": "Chưa có kế hoạch cụ thể."},
}
PARTIAL = {**{qtype: r for qtype, r in WRONG.items() if qtype != QuestionType.ESSAY},  # the essay never saved
           QuestionType.MULTIPLE: {"choices": ["x"]}, QuestionType.MATCHING: {"pairs": {"p1": "p1"}},
           QuestionType.SHORT_ANSWER: {"text": "Dap-An-Ngan-Bi-Mat"}}
# What each learner answers: everything right (essay pending), everything wrong, some right, nothing at all, and
# only some questions (the essay left blank: nothing to grade, the attempt is graded).
PATTERNS = [RIGHT, WRONG, PARTIAL, {}, {QuestionType.SINGLE: {"choice": "a"}, QuestionType.TRUE_FALSE: {"value": True}}]


def _sit_overdue(quiz, learners, started):
    """Start an attempt per learner 40 minutes ago (30-minute limit) and save its pattern's answers in time."""
    attempts = []
    for index, learner in enumerate(learners):
        attempt = attempt_start(learner=learner, quiz=quiz, now=started)
        pattern = PATTERNS[index % len(PATTERNS)]
        for aq in attempt.questions.select_related("version__question"):
            qtype = aq.version.question.qtype
            if qtype in pattern:
                sent = attempt.option_ids.encode(aq.slot, qtype, aq.version.data, pattern[qtype])
                answer_save(token=attempt.token, slot=aq.slot, response=sent, seq=1,
                            now=started + dt.timedelta(minutes=5))
        attempts.append(attempt)
    return attempts


def _grades(attempt_ids):
    """Per attempt in order: its totals and every question's fraction, score and options chosen."""
    result = []
    for attempt in Attempt.objects.filter(pk__in=attempt_ids).order_by("pk"):
        questions = [(aq.slot, aq.fraction, aq.score, aq.chosen) for aq in attempt.questions.order_by("slot")]
        result.append((attempt.state, attempt.score, attempt.percent, attempt.passed, attempt.auto_submitted,
                       attempt.submitted_at, questions))
    return result


def _graded_with_the_orm(attempt):
    """The grades as the ORM-based grading computed them before the bulk path: model instances, answers decoded."""
    attempt = Attempt.objects.select_related("quiz").get(pk=attempt.pk)
    questions = list(attempt.questions.select_related("version__question").order_by("slot"))
    for aq in questions:
        if aq.version.question.qtype != QuestionType.ESSAY or aq.score is None:
            aq.fraction = aq.score = None  # as when the attempt was submitted
    answers = dict(Answer.objects.filter(attempt=attempt).values_list("slot", "response"))
    ids = attempt.option_ids
    responses = {aq.slot: ids.decode(aq.slot, aq.version.question.qtype, aq.version.data, answers.get(aq.slot))
                 for aq in questions}
    grade_paper(attempt, questions, responses, pass_percent=attempt.quiz.pass_percent)
    return (attempt.state, attempt.score, attempt.percent, attempt.passed,
            [(aq.slot, aq.fraction, aq.score, aq.chosen) for aq in questions])


@pytest.fixture
def learners(school_a):
    return [make_learner(school_a, f"Nguyễn Văn Học Viên {n}") for n in range(2 * len(PATTERNS))]


def test_bulk_deadline_grades_exactly_as_one_by_one(learners):
    quiz, _questions = make_mixed_quiz(time_limit_minutes=30, pass_percent=Decimal(50))
    started = timezone.now() - dt.timedelta(minutes=40)
    one_by_one = _sit_overdue(quiz, learners[: len(PATTERNS)], started)
    in_bulk = _sit_overdue(quiz, learners[len(PATTERNS):], started)
    now = timezone.now()
    for attempt in one_by_one:
        attempt_submit(attempt=attempt, auto=True, now=now)
    assert submit_overdue_attempts(now=now, batch=2) == len(PATTERNS)  # three batches of at most two

    def comparable(grades):
        return [(state, score, percent, passed, auto, questions) for state, score, percent, passed, auto, _at,
                questions in grades]

    single, bulk = _grades([a.pk for a in one_by_one]), _grades([a.pk for a in in_bulk])
    assert comparable(bulk) == comparable(single)
    # …and as the ORM-based grading would have: every question type, the essay answered left pending.
    for attempt, (state, score, percent, passed, _auto, _at, questions) in zip(in_bulk, bulk, strict=True):
        assert _graded_with_the_orm(attempt) == (state, score, percent, passed, questions)
    states = [grades[0] for grades in bulk]
    assert states == [AttemptState.NEEDS_GRADING, AttemptState.NEEDS_GRADING, AttemptState.GRADED,
                      AttemptState.GRADED, AttemptState.GRADED]
    assert bulk[0][1] == Decimal("5.000") and bulk[3][1] == Decimal("0.000")  # all right but the essay; nothing
    assert all(grades[4] and grades[5] <= attempt.deadline + dt.timedelta(seconds=5)
               for grades, attempt in zip(bulk, in_bulk, strict=True))
    assert submit_overdue_attempts(now=now) == 0  # nothing left: no attempt is graded twice


def test_bulk_deadline_statements_do_not_grow_with_the_attempts(learners):
    quiz, _questions = make_mixed_quiz(time_limit_minutes=30)
    started = timezone.now() - dt.timedelta(minutes=40)
    _sit_overdue(quiz, learners, started)
    attempt_submit(attempt=Attempt.objects.filter(quiz=quiz).first(), auto=True)  # versions read once per process
    with CaptureQueriesContext(connection) as batch:
        assert submit_overdue_attempts(now=timezone.now(), batch=100) == len(learners) - 1
    statements = [q["sql"] for q in batch.captured_queries
                  if q["sql"] not in ("BEGIN", "COMMIT") and "SAVEPOINT" not in q["sql"]]  # the transaction
    # Lock the batch, read its papers and answers, write its questions and its attempts (one statement on
    # PostgreSQL, two or more on SQLite); no next batch, as the first was not full.
    assert len(statements) <= (3 if connection.vendor == "postgresql" else 6), statements
    if connection.vendor == "postgresql":
        assert "SKIP LOCKED" in statements[0]


@pytest.mark.django_db(transaction=True)
def test_an_attempt_locked_by_its_learner_is_left_to_them(school_a):
    """SKIP LOCKED: while a learner's own submit holds their attempt, the worker grades the others without waiting,
    and takes that one in a later round if it is still open (PostgreSQL: SQLite locks the whole file)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    from django.db import connections

    learners = [make_learner(school_a, f"Trần Thị Khoá {n}") for n in range(3)]
    quiz, _questions = make_mixed_quiz(time_limit_minutes=30)
    attempts = _sit_overdue(quiz, learners, timezone.now() - dt.timedelta(minutes=40))
    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:  # the learner's submit, holding the row
            cursor.execute("SELECT id FROM assessment_attempt WHERE id = %s FOR UPDATE", [attempts[0].pk])
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")  # were it to wait, it would fail instead of hanging
        assert submit_overdue_attempts(now=timezone.now()) == 2
        assert Attempt.objects.get(pk=attempts[0].pk).state == AttemptState.IN_PROGRESS
        other.rollback()
        assert submit_overdue_attempts(now=timezone.now()) == 1
    finally:
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
