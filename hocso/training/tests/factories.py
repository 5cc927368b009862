"""Builders of courses, classes, enrolments and graded attempts for training's tests, going through the services
(not a test module: every training test may import it)."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.utils import timezone

from hocso.assessment.models import Attempt, AttemptState, Quiz
from hocso.core.actors import SYSTEM
from hocso.training.classes import services as services_classes
from hocso.training.courses import services
from hocso.training.models import Course, CourseClass, CourseMode, Enrolment, Lesson, LessonKind, Module


def make_course(title: str = "Kỹ năng số cơ bản", **fields) -> Course:
    fields.setdefault("is_published", True)
    fields.setdefault("mode", CourseMode.ONLINE)
    fields.setdefault("self_enrolment", fields["mode"] == CourseMode.ONLINE)
    return services.course_create(actor=SYSTEM, title=title, **fields)


def make_module(course: Course, title: str = "Chương 1") -> Module:
    return services.module_create(actor=SYSTEM, course=course, title=title)


def make_lesson(module: Module, kind: str = LessonKind.HTML, title: str | None = None, **fields) -> Lesson:
    if kind == LessonKind.HTML:
        fields.setdefault("html", "<p>Nội dung bài học</p>")
    if kind in (LessonKind.LINK, LessonKind.VIDEO, LessonKind.DOCUMENT) and "upload" not in fields:
        fields.setdefault("url", "https://dichvucong.gov.vn/")
    return services.lesson_create(actor=SYSTEM, module=module, title=title or f"Bài {kind}", kind=kind, **fields)


def enrol(learner, course: Course, **fields) -> Enrolment:
    return Enrolment.objects.create(learner=learner, course=course, **fields)


def graded_attempt(quiz: Quiz, learner, percent: str | int, number: int = 1) -> Attempt:
    now = timezone.now()
    return Attempt.objects.create(
        quiz=quiz, learner=learner, number=number, state=AttemptState.GRADED, token=secrets.token_hex(16),
        started_at=now, submitted_at=now, score=Decimal(percent), max_score=Decimal(100), percent=Decimal(percent),
        passed=Decimal(percent) >= quiz.pass_percent,
    )


def make_class(course: Course | None = None, **fields) -> CourseClass:
    fields.setdefault("name", "Lớp 01/2026")
    return services_classes.class_create(actor=SYSTEM, course=course or make_course(mode=CourseMode.IN_PERSON,
                                                                                    self_enrolment=False), **fields)
