"""The training part of a person's personal-data copy: their enrolments and lesson progress."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import Attendance, Enrolment, LessonProgress


def enrolment_rows(subject) -> list[dict[str, Any]]:
    if subject.learner is None:
        return []
    enrolments = Enrolment.objects.filter(learner=subject.learner).select_related("course", "klass").order_by(
        "enrolled_at")
    return [
        {
            "course": enrolment.course.title,
            "class": enrolment.klass.name if enrolment.klass_id else "",
            "status": enrolment.get_status_display(),
            "enrolled_at": enrolment.enrolled_at,
            "completed_at": enrolment.completed_at,
        }
        for enrolment in enrolments
    ]


def progress_rows(subject) -> list[dict[str, Any]]:
    if subject.learner is None:
        return []
    rows = LessonProgress.objects.filter(learner=subject.learner).select_related("lesson__module__course")
    return [
        {
            "course": progress.lesson.module.course.title,
            "lesson": progress.lesson.title,
            "opened_at": progress.opened_at,
            "position": round(progress.position_seconds),
            "watched": round(progress.watched_seconds),
            "completed_at": progress.completed_at,
        }
        for progress in rows.order_by("lesson__module__course_id", "lesson__module__position", "lesson__position")
    ]


def attendance_rows(subject) -> list[dict[str, Any]]:
    if subject.learner is None:
        return []
    rows = Attendance.objects.filter(learner=subject.learner).select_related("session__klass")
    return [
        {
            "class": row.session.klass.name,
            "date": row.session.date,
            "method": row.get_method_display(),
            "marked_at": row.marked_at,
        }
        for row in rows.order_by("session__date", "session__start_time")
    ]


def register() -> None:
    from hocso.people.privacy import Column, register_section

    register_section(
        "training_enrolments", _("Course enrolments"), order=40, rows=enrolment_rows,
        columns=[
            Column("course", _("Course")), Column("class", _("Class")), Column("status", _("Status")),
            Column("enrolled_at", _("Enrolled")), Column("completed_at", _("Completed")),
        ],
    )
    register_section(
        "training_lesson_progress", _("Lesson progress"), order=41, rows=progress_rows,
        columns=[
            Column("course", _("Course")), Column("lesson", _("Lesson")), Column("opened_at", _("Last opened")),
            Column("position", _("Position (seconds)")), Column("watched", _("Watched (seconds)")),
            Column("completed_at", _("Completed")),
        ],
    )
    register_section(
        "training_attendance", _("Attendance"), order=42, rows=attendance_rows,
        columns=[
            Column("class", _("Class")), Column("date", _("Date")), Column("method", _("How")),
            Column("marked_at", _("Recorded")),
        ],
    )
