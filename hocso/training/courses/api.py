"""/api/v1/training/…, the courses part: the learner's courses with completion, their progress lesson by lesson,
and the course list for staff. The routes (paths, responses, summaries) are declared in `hocso.training.api`, in the
order of the OpenAPI document.

The "my" endpoints are for the signed-in person (session authentication) and read their own learner profile only,
so another person's progress cannot be asked for.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema

from hocso.core.actors import Actor
from hocso.core.api_common import ApiError, Id, Page, PageParams, actor_of, paginate_queryset
from hocso.core.permissions import ensure
from hocso.people.models import Learner
from hocso.people.selectors import learner_of

from ..certificates.selectors import certificate_codes
from ..models import Course, EnrolmentStatus, LessonKind
from ..permissions import can_author, can_see_classes
from . import completion, selectors


def learner_or_403(request: HttpRequest) -> Learner:
    """The signed-in person's learner profile, for the "my" endpoints; 403 not_a_learner without one."""
    learner = learner_of(actor_of(request))
    if learner is None:
        raise ApiError(403, "not_a_learner", _("Your account has no learner profile."))
    return learner


def ensure_staff(actor: Actor) -> None:
    ensure(can_see_classes(actor), _("Only administrators, instructors and unit focal points can see classes."))


# --- schemas -------------------------------------------------------------------------------------------------


class CompletionOut(Schema):
    lessons_total: int = Field(description="Required lessons of the course.")
    lessons_done: int
    percent: int = Field(description="Required lessons done, in %.")
    quiz_passed: bool | None = Field(description="null: the course sets no final quiz.")
    attendance_percent: int | None = Field(description="null: attendance is not counted (or nothing held yet).")
    complete: bool = Field(description="The course's completion rule holds.")


class MyCourseOut(Schema):
    id: int
    title: str
    summary: str
    topic: str
    hours: float
    mode: str
    self_enrolment: bool
    enrolment_status: str | None = Field(description='null: not enrolled; else "active", "waiting", "pending", …')
    class_id: int | None
    completion: CompletionOut | None = Field(description="Only while the enrolment is active.")
    resume_lesson_id: int | None = Field(description="The lesson opened last, to continue from.")
    certificate_code: str | None


class MyCoursePage(Page[MyCourseOut]):
    pass


class MyCourseFilters(Schema):
    q: str = Field("", description="Search in titles and topics.")
    enrolled: bool | None = Field(None, description="true: only courses you are enrolled in; false: only others.")


class LessonProgressOut(Schema):
    id: int
    title: str
    kind: str
    is_required: bool
    done: bool
    opened_at: dt.datetime | None
    completed_at: dt.datetime | None
    position_seconds: float | None = Field(description="Videos: where to resume playing.")
    watched_seconds: float | None
    duration_seconds: float | None


class ModuleProgressOut(Schema):
    id: int
    title: str
    lessons: list[LessonProgressOut]


class CourseProgressOut(Schema):
    course_id: int
    title: str
    enrolment_status: str
    completion: CompletionOut | None
    resume_lesson_id: int | None = Field(
        description="The lesson opened last, or else the first required lesson not done yet.")
    modules: list[ModuleProgressOut]


class CourseOut(Schema):
    id: int
    title: str
    topic: str
    hours: float
    mode: str
    is_published: bool
    self_enrolment: bool
    class_count: int


class CoursePage(Page[CourseOut]):
    pass


# --- handlers ------------------------------------------------------------------------------------------------


def _completion(status: completion.CourseStatus) -> dict:
    return {"lessons_total": status.lessons_total, "lessons_done": status.lessons_done, "percent": status.percent,
            "quiz_passed": status.quiz_passed, "attendance_percent": status.attendance_percent,
            "complete": status.complete}


def my_courses(request: HttpRequest, filters: Query[MyCourseFilters], paging: Query[PageParams]):
    """The catalogue as the learner sees it (published courses for their target group, and any they are enrolled
    in), with their enrolment, completion and certificate. Withdrawn enrolments count as not enrolled."""
    actor = actor_of(request)
    learner = learner_or_403(request)
    qs = selectors.course_catalogue(actor=actor, query=filters.q).order_by("title", "id")
    mine = selectors.enrolments_of(learner)
    if filters.enrolled is True:
        qs = qs.filter(pk__in=mine.values("course_id"))
    elif filters.enrolled is False:
        qs = qs.exclude(pk__in=mine.values("course_id"))

    def rows(courses: list[Course]) -> list[dict]:
        enrolments = {e.course_id: e for e in mine.filter(course__in=courses)}
        codes = certificate_codes(learner, courses)
        out = []
        for course in courses:
            enrolment = enrolments.get(course.pk)
            active = enrolment is not None and enrolment.status == EnrolmentStatus.ACTIVE
            out.append({
                "id": course.pk, "title": course.title, "summary": course.summary, "topic": course.topic,
                "hours": float(course.hours), "mode": course.mode, "self_enrolment": course.self_enrolment,
                "enrolment_status": enrolment.status if enrolment else None,
                "class_id": enrolment.klass_id if enrolment else None,
                "completion": _completion(completion.course_status(course, learner)) if active else None,
                "resume_lesson_id": enrolment.last_lesson_id if enrolment else None,
                "certificate_code": codes.get(course.pk),
            })
        return out

    return paginate_queryset(qs, paging, transform=rows)


def my_course_progress(request: HttpRequest, course_id: Id):
    """Your own progress only: a course you are not enrolled in answers 404."""
    actor = actor_of(request)
    learner = learner_or_403(request)
    course = selectors.course_get_for_learner(actor=actor, pk=course_id)
    enrolment = selectors.enrolment_for(actor=actor, course=course)
    if enrolment is None or enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise Http404(_("You are not enrolled in this course."))
    outline = selectors.course_outline(course)
    lessons = [lesson for module in outline for lesson in module.lessons.all()]
    done = completion.done_lesson_ids(learner, lessons)
    progress = selectors.progress_by_lesson(learner=learner, course=course)
    active = enrolment.status == EnrolmentStatus.ACTIVE
    resume = enrolment.last_lesson_id or next(
        (lesson.pk for lesson in lessons if lesson.is_required and lesson.pk not in done), None)
    modules = []
    for module in outline:
        items = []
        for lesson in module.lessons.all():
            p = progress.get(lesson.pk)
            video = lesson.kind == LessonKind.VIDEO
            items.append({
                "id": lesson.pk, "title": lesson.title, "kind": lesson.kind, "is_required": lesson.is_required,
                "done": lesson.pk in done, "opened_at": p.opened_at if p else None,
                "completed_at": p.completed_at if p else None,
                "position_seconds": p.position_seconds if p and video else None,
                "watched_seconds": p.watched_seconds if p and video else None,
                "duration_seconds": p.duration_seconds if p and video else None,
            })
        modules.append({"id": module.pk, "title": module.title, "lessons": items})
    return {
        "course_id": course.pk, "title": course.title, "enrolment_status": enrolment.status,
        "completion": _completion(completion.course_status(course, learner)) if active else None,
        "resume_lesson_id": resume if active else None, "modules": modules,
    }


def list_courses(request: HttpRequest, paging: Query[PageParams], q: str = ""):
    """Administrators see every course and instructors the courses they own (as on the authoring pages); focal
    points and API keys see the published courses."""
    actor = actor_of(request)
    if can_author(actor):
        qs = selectors.authored_courses(actor=actor, query=q)
    else:
        ensure_staff(actor)
        qs = selectors.course_catalogue(actor=None, query=q)
    qs = qs.annotate(class_count=Count("classes", distinct=True)).order_by("title", "id")
    return paginate_queryset(qs, paging)
