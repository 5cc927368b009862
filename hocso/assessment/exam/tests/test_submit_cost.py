"""A submit from the exam page costs a fixed handful of SQL statements whatever the paper's length: the person's
own attempt found and locked with one, the paper and its answers read with one, the grades of both tables written
with one on PostgreSQL (two on SQLite, the ORM's bulk update)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hocso.assessment.exam.services import answer_save, attempt_start
from hocso.assessment.exam.services.grading import paper_rows
from hocso.assessment.models import Attempt, AttemptState, QuestionType
from hocso.assessment.tests.exam_helpers import RIGHT, as_sent, make_mixed_quiz

pytestmark = pytest.mark.django_db


def _work(queries) -> list[str]:
    """The statements that do the work (not the transaction's BEGIN, COMMIT or savepoints)."""
    return [q["sql"] for q in queries if q["sql"] not in ("BEGIN", "COMMIT") and "SAVEPOINT" not in q["sql"]]


def test_submit_statements(learner_client, learner_in_a, learner_in_b):
    quiz, _questions = make_mixed_quiz()
    attempt = attempt_start(learner=learner_in_a, quiz=quiz)
    for slot, qtype in enumerate([QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE], start=1):
        answer_save(token=attempt.token, slot=slot, response=as_sent(attempt, slot, qtype, RIGHT[qtype]), seq=1)
    url = reverse("assessment:exam_submit", kwargs={"attempt_id": attempt.pk})
    learner_client.get(reverse("assessment:exam_my_quizzes"))  # the session and the gates settled, as in a real exam
    paper_rows([attempt.pk])  # the question versions read once per process, as by the first submit of the day
    with CaptureQueriesContext(connection) as submit:
        response = learner_client.post(url, {"pending": "[]"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["state"] == AttemptState.GRADED
    work = _work(submit.captured_queries)
    # The session with its account (one statement), then: the attempt locked (joined with its learner by account
    # and its quiz), the paper with its answers, the questions' grades and the attempt's totals (one statement on
    # PostgreSQL). Was 9: the learner and the attempt were read apart, the attempt again to lock it, the answers
    # apart from the paper, the two tables written apart (as SQLite still does), the session and the user apart.
    assert len(work) == (4 if connection.vendor == "postgresql" else 5), work
    assert sum("assessment_attemptquestion" in sql and sql.lstrip().upper().startswith("SELECT") for sql in work) == 1
    attempt.refresh_from_db()
    assert attempt.score == 3

    # Someone else's attempt: a 404, and nothing happens to it.
    theirs = attempt_start(learner=learner_in_b, quiz=quiz)
    response = learner_client.post(reverse("assessment:exam_submit", kwargs={"attempt_id": theirs.pk}),
                                   {"pending": "[]"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 404
    assert Attempt.objects.get(pk=theirs.pk).state == AttemptState.IN_PROGRESS
