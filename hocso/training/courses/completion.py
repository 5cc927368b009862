"""Course completion by the course's rule: every criterion the course sets (all required lessons done, the quiz
passed, attendance at least X %) must hold. `evaluate_rule` is the rule itself; `course_status` gathers the facts."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hocso.assessment.exam.grading import final_grade
from hocso.assessment.models import Attempt, Quiz
from hocso.people.models import Learner

from ..classes.selectors import learner_course_rate
from ..models import Course, Lesson, LessonKind, LessonProgress


@dataclass(frozen=True)
class CourseStatus:
    lessons_total: int
    lessons_done: int
    quiz_passed: bool | None  # None: the course sets no quiz
    attendance_percent: int | None  # None: the course does not count attendance
    complete: bool

    @property
    def percent(self) -> int:
        return round(100 * self.lessons_done / self.lessons_total) if self.lessons_total else 0


def evaluate_rule(course: Course, *, lessons_done: bool, quiz_passed: bool | None,
                  attendance_percent: float | None) -> bool:
    if course.require_lessons and not lessons_done:
        return False
    if course.final_quiz_id is not None and not quiz_passed:
        return False
    return course.min_attendance_percent is None or (
        attendance_percent is not None and attendance_percent >= course.min_attendance_percent
    )


def quizzes_passed(learner: Learner, quizzes: list[Quiz]) -> set[int]:
    """Ids of the quizzes whose final grade (by each quiz's grading method) reaches its pass mark."""
    if not quizzes:
        return set()
    by_quiz: dict[int, list[Attempt]] = {}
    for attempt in Attempt.objects.filter(learner=learner, quiz__in=quizzes).only(
        "quiz_id", "state", "number", "percent"
    ):
        by_quiz.setdefault(attempt.quiz_id, []).append(attempt)
    passed = set()
    for quiz in quizzes:
        grade = final_grade(by_quiz.get(quiz.pk, []), quiz.grading_method)
        if grade is not None and grade >= Decimal(quiz.pass_percent):
            passed.add(quiz.pk)
    return passed


def done_lesson_ids(learner: Learner, lessons: list[Lesson]) -> set[int]:
    """Lessons the learner has completed: from their progress, and for quiz lessons from their grade."""
    done = set(
        LessonProgress.objects.filter(learner=learner, lesson__in=lessons, completed_at__isnull=False)
        .values_list("lesson_id", flat=True)
    )
    quiz_lessons = [lesson for lesson in lessons if lesson.kind == LessonKind.QUIZ and lesson.quiz_id]
    if quiz_lessons:
        passed = quizzes_passed(learner, list({lesson.quiz for lesson in quiz_lessons}))
        done |= {lesson.pk for lesson in quiz_lessons if lesson.quiz_id in passed}
    return done


def attendance_percent(course: Course, learner: Learner) -> float | None:
    """The learner's attendance in this course's class; None while no session has taken place."""
    return learner_course_rate(course=course, learner=learner)


def course_status(course: Course, learner: Learner) -> CourseStatus:
    lessons = list(Lesson.objects.filter(module__course=course).select_related("quiz"))
    required = [lesson for lesson in lessons if lesson.is_required]
    done = done_lesson_ids(learner, lessons)
    required_done = sum(1 for lesson in required if lesson.pk in done)
    quiz_passed = None
    if course.final_quiz_id is not None:
        quiz_passed = course.final_quiz_id in quizzes_passed(learner, [course.final_quiz])
    rate = attendance_percent(course, learner) if course.min_attendance_percent is not None else None
    complete = evaluate_rule(course, lessons_done=required_done == len(required), quiz_passed=quiz_passed,
                             attendance_percent=rate)
    return CourseStatus(lessons_total=len(required), lessons_done=required_done, quiz_passed=quiz_passed,
                        attendance_percent=None if rate is None else round(rate), complete=complete)
