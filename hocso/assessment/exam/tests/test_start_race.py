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
