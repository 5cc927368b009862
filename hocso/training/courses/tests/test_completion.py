"""The completion rule: each criterion alone and in combination, and the facts behind it."""

from __future__ import annotations

import pytest

from hocso.assessment.tests.factories import make_quiz
from hocso.training.courses import services
from hocso.training.courses.completion import course_status, done_lesson_ids, evaluate_rule
from hocso.training.models import Course, CourseMode, LessonKind
from hocso.training.tests.factories import enrol, graded_attempt, make_course, make_lesson, make_module


def rule(**fields) -> Course:
    fields.setdefault("require_lessons", False)
    course = Course(title="x", **fields)
    return course


@pytest.mark.parametrize(("lessons_done", "expected"), [(True, True), (False, False)])
def test_rule_lessons_only(lessons_done, expected):
    assert evaluate_rule(rule(require_lessons=True), lessons_done=lessons_done, quiz_passed=None,
                         attendance_percent=None) is expected


@pytest.mark.parametrize(("quiz_passed", "expected"), [(True, True), (False, False), (None, False)])
def test_rule_quiz_only(quiz_passed, expected):
    course = rule(final_quiz_id=7)
    assert evaluate_rule(course, lessons_done=False, quiz_passed=quiz_passed, attendance_percent=None) is expected


@pytest.mark.parametrize(("rate", "expected"), [(80, True), (79.9, False), (100, True), (None, False)])
def test_rule_attendance_only(rate, expected):
    course = rule(min_attendance_percent=80)
    assert evaluate_rule(course, lessons_done=False, quiz_passed=None, attendance_percent=rate) is expected


def test_rule_without_criteria_is_met():
    assert evaluate_rule(rule(), lessons_done=False, quiz_passed=None, attendance_percent=None) is True


@pytest.mark.parametrize(("lessons_done", "quiz_passed", "rate", "expected"), [
    (True, True, 90, True),
    (False, True, 90, False),
    (True, False, 90, False),
    (True, True, 50, False),
    (False, False, 0, False),
])
def test_rule_all_three_must_hold(lessons_done, quiz_passed, rate, expected):
    course = rule(require_lessons=True, final_quiz_id=3, min_attendance_percent=75)
    assert evaluate_rule(course, lessons_done=lessons_done, quiz_passed=quiz_passed,
                         attendance_percent=rate) is expected


def test_lessons_of_each_kind_complete_by_their_own_evidence(learner_in_a):
    quiz = make_quiz(title="Bài kiểm tra chương 1", pass_percent=60)
    course = make_course()
    module = make_module(course)
    page = make_lesson(module, LessonKind.HTML)
    link = make_lesson(module, LessonKind.LINK)
    video = make_lesson(module, LessonKind.VIDEO)
    quiz_lesson = make_lesson(module, LessonKind.QUIZ, quiz=quiz)
    optional = make_lesson(module, LessonKind.HTML, title="Đọc thêm", is_required=False)
    enrolment = enrol(learner_in_a, course)
    lessons = [page, link, video, quiz_lesson, optional]
    assert done_lesson_ids(learner_in_a, lessons) == set()

    services.lesson_open(enrolment=enrolment, lesson=page, complete=True)
    services.lesson_open(enrolment=enrolment, lesson=link, complete=True)
    services.video_progress(enrolment=enrolment, lesson=video, position=50, watched=50, duration=100)
    graded_attempt(quiz, learner_in_a, 40)
    assert done_lesson_ids(learner_in_a, lessons) == {page.pk, link.pk}
    status = course_status(course, learner_in_a)
    assert (status.lessons_done, status.lessons_total, status.complete) == (2, 4, False)

    services.video_progress(enrolment=enrolment, lesson=video, position=95, watched=91, duration=100)
    graded_attempt(quiz, learner_in_a, 75, number=2)  # highest grade counts by default
    status = course_status(course, learner_in_a)
    assert (status.lessons_done, status.complete, status.percent) == (4, True, 100)


def test_quiz_lesson_uses_the_quiz_grading_method(learner_in_a):
    quiz = make_quiz(pass_percent=60, grading_method="last")
    module = make_module(make_course())
    lesson = make_lesson(module, LessonKind.QUIZ, quiz=quiz)
    graded_attempt(quiz, learner_in_a, 90)
    graded_attempt(quiz, learner_in_a, 30, number=2)
    assert done_lesson_ids(learner_in_a, [lesson]) == set()


def test_final_quiz_and_lessons_combined(learner_in_a):
    quiz = make_quiz(pass_percent=50)
    course = make_course(final_quiz=quiz)
    module = make_module(course)
    page = make_lesson(module, LessonKind.HTML)
    enrolment = enrol(learner_in_a, course)
    services.lesson_open(enrolment=enrolment, lesson=page, complete=True)
    status = course_status(course, learner_in_a)
    assert status.lessons_done == 1 and status.quiz_passed is False and status.complete is False
    graded_attempt(quiz, learner_in_a, 50)
    status = course_status(course, learner_in_a)
    assert status.quiz_passed is True and status.complete is True


def test_attendance_rule_not_met_without_sessions(learner_in_a):
    course = make_course(mode=CourseMode.IN_PERSON, require_lessons=False, min_attendance_percent=80)
    enrol(learner_in_a, course)
    status = course_status(course, learner_in_a)
    assert status.attendance_percent is None and status.complete is False
