"""The demo's question bank, quizzes and past attempts: realistic, and exactly what the services would have written."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter
from decimal import Decimal
from io import StringIO
from random import Random

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from hocso.assessment.bank.question_data import clean_question_data
from hocso.assessment.bank.scoring import correct_response, grade
from hocso.assessment.exam.draw import draw_paper
from hocso.assessment.exam.services import grade_attempt
from hocso.assessment.models import (
    Answer,
    Attempt,
    AttemptQuestion,
    AttemptState,
    Category,
    Question,
    QuestionType,
    Quiz,
    Tag,
)
from hocso.assessment.option_ids import choice_ids
from hocso.assessment.permissions import can_edit_question, can_edit_quiz
from hocso.assessment.tests.factories import make_category, make_question
from hocso.demo import data
from hocso.demo.assessment import PRACTICE_TITLE, Q3_TAKERS, Q3_TITLE, Q4_TITLE, _Drawer
from hocso.people.models import Learner, LearnerStatus

PEOPLE = 200
GRACE = dt.timedelta(seconds=5)


@pytest.fixture
def seeded(db):
    call_command("seed_demo", learners=PEOPLE, stdout=StringIO())


def demo_quizzes() -> dict[str, Quiz]:
    return {q.title: q for q in Quiz.objects.filter(title__in=[Q3_TITLE, Q4_TITLE, PRACTICE_TITLE])}


def test_bank_is_a_topic_tree_with_every_question_type(seeded):
    root = Category.objects.get(parent=None, name="Chuyển đổi số")
    topics = set(root.children.values_list("name", flat=True))
    assert {"Chính phủ số", "An toàn thông tin", "Dữ liệu", "Trí tuệ nhân tạo"} <= topics
    questions = Question.objects.filter(category__path__startswith=root.path).select_related("current_version")
    assert questions.count() >= 60
    assert Counter(q.qtype for q in questions).keys() == set(QuestionType.values)
    assert min(Counter(q.qtype for q in questions).values()) >= 4
    assert set(questions.values_list("difficulty", flat=True)) == {1, 2, 3}
    assert Tag.objects.filter(questions__in=questions).distinct().count() >= 10
    for question in questions:
        version = question.current_version
        # Stored as the bank's own validation leaves it, and answerable: the key earns full marks.
        assert clean_question_data(question.qtype, version.data) == version.data, question.name
        if question.qtype != QuestionType.ESSAY:
            assert grade(question.qtype, version.data, correct_response(question.qtype, version.data)) == 1
        assert version.text.startswith("<p>") and question.search_key

    # The instructor demo account is an author of part of it.
    User = get_user_model()
    instructor, admin = User.objects.get(username="giangvien"), User.objects.get(username="admin")
    own = list(Question.objects.filter(owner=instructor).select_related("category"))
    assert len(own) >= 10
    assert all(can_edit_question(instructor, q) for q in own)
    assert Category.objects.filter(owner=instructor, name="Trí tuệ nhân tạo").exists()
    someone_elses = Question.objects.filter(owner=admin).select_related("category").first()
    assert not can_edit_question(instructor, someone_elses)


def test_quarter_three_is_closed_quarter_four_open_for_the_demo_learner_and_practice_unlimited(client, seeded):
    now = timezone.now()
    quizzes = demo_quizzes()
    q3, q4, practice = quizzes[Q3_TITLE], quizzes[Q4_TITLE], quizzes[PRACTICE_TITLE]
    assert all(q.is_published for q in (q3, q4, practice))
    assert q3.close_at < now and q3.open_at < q3.close_at
    assert q4.open_at <= now < q4.close_at
    assert practice.attempts_allowed == 0 and practice.open_at is None and practice.close_at is None
    assert all(slot.is_random for slot in q4.slots.all())
    assert sum(slot.count for slot in q4.slots.all()) == 27
    # The instructor wrote the tests, so grades their essays.
    instructor = get_user_model().objects.get(username="giangvien")
    assert {q3.owner, q4.owner, practice.owner} == {instructor}
    assert all(can_edit_quiz(instructor, quiz) for quiz in (q3, q4, practice))

    # The demo learner account sees Quý IV among their quizzes, and can start it.
    assert client.login(username="hocvien", password=data.DEMO_PASSWORD)
    page = client.get(reverse("assessment:exam_my_quizzes"))
    assert page.status_code == 200 and Q4_TITLE in page.content.decode()

    response = client.post(reverse("assessment:exam_start", kwargs={"quiz_id": q4.pk}))
    attempt = Attempt.objects.get(quiz=q4, learner__user__username="hocvien")
    assert response.status_code == 200  # the exam page itself, which names the attempt's own address
    assert reverse("assessment:exam_attempt", kwargs={"attempt_id": attempt.pk}) in response.content.decode()
    assert attempt.question_count == 27 and attempt.state == AttemptState.IN_PROGRESS
    # The demo bank's option ids ("b" is right in most of its questions) never reach the page: the attempt's own do.
    values = set(re.findall(r'<input type="(?:radio|checkbox)"[^>]* value="([^"]*)"', response.content.decode()))
    assert values and not values & {"a", "b", "c", "d", "e"}
    assert len(values - {"true", "false"}) == sum(
        len(aq.option_order) for aq in attempt.questions.all())  # one identifier per option, none repeated


def test_past_attempts_look_like_a_real_quarter(seeded):
    q3 = demo_quizzes()[Q3_TITLE]
    attempts = list(Attempt.objects.filter(quiz=q3))
    # The crowd (a realistic 85 % of the active staff, so that agencies reach the ranking's participation floor)
    # and the demo learner.
    active = Learner.objects.filter(status=LearnerStatus.ACTIVE).count()
    assert Q3_TAKERS[0] == 0.85
    assert len(attempts) == round(active * Q3_TAKERS[0]) + 1
    assert len({a.learner_id for a in attempts}) == len(attempts)
    assert not Attempt.objects.filter(state=AttemptState.IN_PROGRESS).exists()
    for attempt in attempts:
        assert q3.open_at <= attempt.started_at < attempt.submitted_at <= attempt.deadline + GRACE
        assert attempt.deadline == min(attempt.started_at + dt.timedelta(minutes=45), q3.close_at)
        assert attempt.unit_id == Learner.objects.get(pk=attempt.learner_id).unit_id
    graded = [float(a.percent) for a in attempts if a.state == AttemptState.GRADED]
    assert 50 <= statistics.mean(graded) <= 80
    assert statistics.pstdev(graded) >= 8  # people differ
    passed = [a.passed for a in attempts if a.passed is not None]
    assert 0.6 <= sum(passed) / len(passed) < 1

    essays = AttemptQuestion.objects.filter(version__question__qtype=QuestionType.ESSAY)
    assert essays.filter(attempt__quiz=q3, graded_by__username="giangvien").count() >= len(attempts) // 2
    assert essays.filter(attempt__quiz__title=Q4_TITLE, attempt__state=AttemptState.NEEDS_GRADING).exists()
    mine = Attempt.objects.get(quiz=q3, learner__user__username="hocvien")
    assert mine.state == AttemptState.GRADED and mine.passed
    assert Attempt.objects.filter(quiz__title=PRACTICE_TITLE, learner__user__username="hocvien").count() == 2


def test_bulk_written_attempts_are_what_the_services_compute(seeded):
    """The same draw as the service's; regrading every attempt with the service changes nothing; papers follow the
    blueprint; answers fit the paper."""
    for quiz in demo_quizzes().values():
        ours = _Drawer(quiz).draw(Random(7))
        theirs = draw_paper(quiz, Random(7))
        assert [(v.pk, mark, order) for v, mark, order in ours] == [
            (q.version_id, q.mark, q.option_order) for q in theirs]

    attempts = list(Attempt.objects.select_related("quiz"))
    assert len(attempts) > 40

    def snapshot(attempt):
        rows = AttemptQuestion.objects.filter(attempt=attempt).order_by("slot").values_list(
            "slot", "fraction", "score", "chosen")
        return attempt.score, attempt.percent, attempt.state, attempt.passed, attempt.max_score, list(rows)

    for attempt in attempts:
        before = snapshot(attempt)
        assert before == snapshot(grade_attempt(attempt=attempt)), attempt.pk
        assert attempt.max_score == sum(aq.mark for aq in attempt.questions.all())

    q3 = demo_quizzes()[Q3_TITLE]
    per_topic = dict(q3.slots.values_list("category__name", "count"))
    for attempt in attempts[:60]:
        paper = list(attempt.questions.select_related("version__question__category"))
        assert [aq.slot for aq in paper] == list(range(1, attempt.question_count + 1))
        assert len({aq.version.question_id for aq in paper}) == len(paper)
        for aq in paper:
            assert sorted(aq.option_order) == sorted(choice_ids(aq.version.question.qtype, aq.version.data))
        if attempt.quiz_id == q3.pk:
            assert Counter(aq.version.question.category.name for aq in paper) == per_topic
        for answer in Answer.objects.filter(attempt=attempt):
            assert 1 <= answer.slot <= attempt.question_count and answer.seq in (1, 2)
            assert attempt.started_at < answer.saved_at <= attempt.submitted_at


def test_reset_removes_the_demo_bank_and_attempts_but_not_other_questions(seeded):
    own = make_category("Kỹ năng số của Sở")
    kept = make_question(own, name="Câu hỏi của Sở")
    before = Question.objects.count()
    output = StringIO()
    call_command("seed_demo", learners=PEOPLE, reset=True, stdout=output)
    assert "question bank:" in output.getvalue()
    assert Category.objects.filter(parent=None, name="Chuyển đổi số").count() == 1
    assert Question.objects.count() == before
    assert Question.objects.filter(pk=kept.pk).exists()
    assert Quiz.objects.filter(title=Q3_TITLE).count() == 1
    active = Learner.objects.filter(status=LearnerStatus.ACTIVE).count()
    assert Attempt.objects.filter(quiz__title=Q3_TITLE).count() == round(active * Q3_TAKERS[0]) + 1
    assert Decimal(0) < Attempt.objects.filter(quiz__title=Q3_TITLE).first().max_score
