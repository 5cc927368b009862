"""Question-bank, quiz and attempt builders for tests, going through the services."""

from __future__ import annotations

from decimal import Decimal

from hocso.assessment.bank.services import category_create, question_create
from hocso.assessment.exam.services import answer_save, attempt_start, attempt_submit
from hocso.assessment.models import Attempt, Category, Question, QuestionType, Quiz, QuizSlot
from hocso.tests.factories import SYSTEM

SINGLE_DATA = {"options": [
    {"id": "a", "text": "Đúng", "fraction": 1},
    {"id": "b", "text": "Sai", "fraction": 0},
    {"id": "c", "text": "Không biết", "fraction": 0},
]}


def make_category(name: str = "Chuyển đổi số", parent: Category | None = None) -> Category:
    return category_create(actor=SYSTEM, name=name, parent=parent)


def make_question(category: Category, qtype: str = QuestionType.SINGLE, data: dict | None = None,
                  name: str | None = None, text: str = "<p>Câu hỏi?</p>", **extra) -> Question:
    return question_create(actor=SYSTEM, category=category, qtype=qtype, name=name or f"Q {qtype}",
                           text=text, data=data if data is not None else SINGLE_DATA, audited=False, **extra)


def make_quiz(*, questions: list[Question] = (), random_from: Category | None = None, random_count: int = 0,
              **fields) -> Quiz:
    fields.setdefault("title", "Kiểm tra định kỳ Quý IV/2026")
    fields.setdefault("is_published", True)
    quiz = Quiz.objects.create(**fields)
    position = 1
    for question in questions:
        QuizSlot.objects.create(quiz=quiz, position=position, question=question)
        position += 1
    if random_from is not None:
        QuizSlot.objects.create(quiz=quiz, position=position, category=random_from, count=random_count,
                                mark=Decimal(1))
    return quiz


def pick(attempt, slot: int, option_id: str) -> dict:
    """A single-choice response naming `option_id` of the bank as the exam page sends it: under the attempt's alias."""
    return {"choice": attempt.option_ids.alias(slot, option_id)}


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
