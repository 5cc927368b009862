"""Shared builders for the quiz authoring, results and statistics tests (no tests here).

Fixtures are registered under a name different from the function's, so a test module imports `bank_fixture`
and its tests ask for `bank` without shadowing an import.
"""

from __future__ import annotations

import pytest

from hocso.assessment.attempts import answer_save, attempt_start, attempt_submit
from hocso.assessment.models import Attempt, Question, Quiz
from hocso.identity.models import Role
from hocso.tests.factories import make_user

from .factories import make_category, make_question

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def sit(quiz: Quiz, learner, answers: dict[Question, dict] | None = None, *, submit: bool = True) -> Attempt:
    """Start an attempt, answer those of the questions in `answers` (in the bank's option ids) that are on its paper
    (whatever slot they landed in), as the exam page would send them, and submit."""
    attempt = attempt_start(learner=learner, quiz=quiz)
    paper = {aq.version.question_id: aq for aq in attempt.questions.select_related("version")}
    for question, response in (answers or {}).items():
        aq = paper.get(question.pk)
        if aq is None:
            continue
        # `response` names the bank's options; the page would send the attempt's aliases.
        sent = attempt.option_ids.encode(aq.slot, question.qtype, aq.version.data, response)
        answer_save(token=attempt.token, slot=aq.slot, response=sent, seq=1)
    if submit:
        attempt = attempt_submit(attempt=attempt)
    return Attempt.objects.select_related("quiz").get(pk=attempt.pk)


def english(client):
    client.cookies["hocso_language"] = "en"
    return client


@pytest.fixture(name="instructor")
def instructor_fixture(province):
    return make_user(Role.INSTRUCTOR, province, username="giangvien")


@pytest.fixture(name="other_instructor")
def other_instructor_fixture(province):
    return make_user(Role.INSTRUCTOR, province, username="giangvien2")


@pytest.fixture(name="bank")
def bank_fixture(db):
    category = make_category()
    return category, [make_question(category, name=f"Câu {i}") for i in range(1, 11)]
