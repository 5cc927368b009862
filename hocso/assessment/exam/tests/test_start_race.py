"""Two starts of the same attempt at once (two tabs, a double click): the one that loses the race resumes the
winner's attempt, and nothing of its own draw is written (PostgreSQL writes the attempt and its paper in one
statement that gives way on a conflict; SQLite's savepoint undoes its insert)."""

from __future__ import annotations

import pytest

from hocso.assessment.exam.services import attempt_start
from hocso.assessment.models import Attempt, AttemptQuestion
from hocso.assessment.tests.factories import make_category, make_question, make_quiz


@pytest.mark.django_db
def test_a_start_that_loses_the_race_resumes_the_winner(learner_in_a):
    category = make_category("Cuộc đua")
    quiz = make_quiz(questions=[make_question(category, name=f"Câu {n}") for n in range(3)])
    first = attempt_start(learner=learner_in_a, quiz=quiz)
    # A second start that read the learner's attempts before the first was written: it sees none and draws again.
    second = attempt_start(learner=learner_in_a, quiz=quiz, attempts=[], eligible=True)
    assert second.pk == first.pk
    assert Attempt.objects.filter(quiz=quiz).count() == 1
    assert AttemptQuestion.objects.filter(attempt__quiz=quiz).count() == 3
    assert list(first.questions.order_by("slot").values_list("slot", flat=True)) == [1, 2, 3]


@pytest.mark.django_db
def test_deleting_an_attempt_deletes_its_paper_without_a_database_constraint(learner_in_a):
    """The paper's rows have no foreign-key constraint in the database (the start writes them in the statement that
    writes their attempt): Django's cascade is what removes them, and it must leave no row behind."""
    category = make_category("Xoá bài làm")
    quiz = make_quiz(questions=[make_question(category, name=f"Câu {n}") for n in range(3)], attempts_allowed=2)
    kept = attempt_start(learner=learner_in_a, quiz=quiz)
    Attempt.objects.filter(pk=kept.pk).update(state="submitted")
    removed = attempt_start(learner=learner_in_a, quiz=quiz)
    assert removed.pk != kept.pk
    Attempt.objects.filter(pk=removed.pk).delete()
    assert not AttemptQuestion.objects.filter(attempt_id=removed.pk).exists()
    assert AttemptQuestion.objects.filter(attempt_id=kept.pk).count() == 3
