"""/api/v1/training/…: the learner's courses, progress, certificates and calendar; classes for staff; and the
public certificate check.

The "my" endpoints are for the signed-in person (session authentication) and read their own learner profile only,
so another person's progress or certificates cannot be asked for. Staff endpoints reuse the web pages' selectors,
so an instructor sees the classes they teach, a focal point the people of their subtree, and an API key reads like a
focal point of its unit scope (API keys cannot enrol anyone). Learners appear with their name and unit only, as on
the class page.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import Count, Q
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from hocso.core.api_common import (
    ApiError,
    Id,
    JsonId,
    Page,
    PageParams,
    SessionAuth,
    actor_of,
    errors,
    paginate_queryset,
)
from hocso.identity.scoping import ensure, is_province_admin, scope_of
from hocso.people.models import Learner

from .certificates.services import verify_url_for
from .classes import attendance, calendar
from .classes import selectors as selectors_classes
from .classes import services as services_classes
from .courses import completion, selectors
from .models import Certificate, Course, CourseClass, Enrolment, EnrolmentStatus, LessonKind
from .permissions import can_author

router = Router(tags=["training"])

EnrolmentStatusValue = Literal[tuple(EnrolmentStatus.values)]  # type: ignore[valid-type]


def _learner(request: HttpRequest) -> Learner:
    learner = selectors.learner_for(actor_of(request))
    if learner is None:
        raise ApiError(403, "not_a_learner", _("Your account has no learner profile."))
    return learner


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _ensure_staff(actor) -> None:
    ensure(selectors_classes.can_see_classes(actor),
           _("Only administrators, instructors and unit focal points can see classes."))


# --- schemas: learner ----------------------------------------------------------------------------------------


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


class MyCertificateOut(Schema):
    code: str
    course_id: int
    course_title: str
    hours: float
    issued_at: dt.datetime
    revoked_at: dt.datetime | None
    verify_url: str
    pdf_url: str


class CalendarSessionOut(Schema):
    id: int
    course_id: int
    course_title: str
    class_id: int
    class_name: str
    title: str
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    place: str
    meeting_url: str


class DeadlineOut(Schema):
    kind: Literal["class_end", "quiz_close"]
    date: dt.date
    at: dt.datetime | None = Field(description="The exact time, for a quiz closing.")
    course_id: int
    course_title: str
    class_id: int | None
    title: str


class MyCalendarOut(Schema):
    from_date: dt.date
    sessions: list[CalendarSessionOut]
    deadlines: list[DeadlineOut]
    feed_url: str = Field(description="The .ics address for calendar apps (secret: it needs no sign-in).")


# --- schemas: staff ------------------------------------------------------------------------------------------


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


class CourseRef(Schema):
    id: int
    title: str


class ClassOut(Schema):
    id: int
    name: str
    course: CourseRef
    mode: str
    capacity: int | None = Field(description="null: no limit.")
    start_date: dt.date | None
    end_date: dt.date | None
    self_enrolment: bool
    active_count: int = Field(description="Learners holding a seat.")
    waiting_count: int = Field(description="Learners on the waiting list.")


class ClassPage(Page[ClassOut]):
    pass


class ClassFilters(Schema):
    course: Id | None = Field(None, description="Only classes of this course.")
    q: str = Field("", description="Search in class names.")


class UnitRef(Schema):
    id: int
    name: str


class LearnerRef(Schema):
    id: int
    full_name: str
    unit: UnitRef | None


class EnrolmentOut(Schema):
    id: int
    learner: LearnerRef
    status: str
    enrolled_at: dt.datetime
    completed_at: dt.datetime | None


class EnrolmentPage(Page[EnrolmentOut]):
    pass


class EnrolmentFilters(Schema):
    status: EnrolmentStatusValue | None = None  # type: ignore[valid-type]


class EnrolIn(Schema):
    learner_id: JsonId


class EnrolResultOut(Schema):
    enrolled: int = Field(description="1 when the learner took a seat.")
    waiting: int = Field(description="1 when the class was full and the learner went on the waiting list.")
    skipped: int = Field(description="1 when the learner was already in this (or another) class of the course.")
    enrolment: EnrolmentOut | None


class AttendanceRowOut(Schema):
    learner: LearnerRef
    attended: int
    rate: float | None = Field(description="attended / sessions held, in %; null while nothing was held.")


class AttendancePage(Page[AttendanceRowOut]):
    sessions_held: int
    sessions_total: int


class VerifyOut(Schema):
    code: str
    valid: bool = Field(description="false once revoked.")
    learner_name: str
    course_title: str
    hours: float
    issued_at: dt.datetime
    revoked_at: dt.datetime | None


# --- learner endpoints ---------------------------------------------------------------------------------------


def _completion(status: completion.CourseStatus) -> dict:
    return {"lessons_total": status.lessons_total, "lessons_done": status.lessons_done, "percent": status.percent,
            "quiz_passed": status.quiz_passed, "attendance_percent": status.attendance_percent,
            "complete": status.complete}


@router.get("/training/my/courses", response={200: MyCoursePage, **errors(401, 403, 422)}, auth=SessionAuth(),
            summary="My courses: enrolled and available, with completion")
def my_courses(request: HttpRequest, filters: Query[MyCourseFilters], paging: Query[PageParams]):
    """The catalogue as the learner sees it (published courses for their target group, and any they are enrolled
    in), with their enrolment, completion and certificate. Withdrawn enrolments count as not enrolled."""
    actor = actor_of(request)
    learner = _learner(request)
    qs = selectors.course_catalogue(actor=actor, query=filters.q).order_by("title", "id")
    mine = Enrolment.objects.filter(learner=learner).exclude(status=EnrolmentStatus.WITHDRAWN)
    if filters.enrolled is True:
        qs = qs.filter(pk__in=mine.values("course_id"))
    elif filters.enrolled is False:
        qs = qs.exclude(pk__in=mine.values("course_id"))

    def rows(courses: list[Course]) -> list[dict]:
        enrolments = {e.course_id: e for e in mine.filter(course__in=courses)}
        codes = dict(Certificate.objects.filter(learner=learner, course__in=courses).values_list("course_id", "code"))
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


@router.get("/training/my/courses/{course_id}/progress",
            response={200: CourseProgressOut, **errors(401, 403, 404, 422)}, auth=SessionAuth(),
            summary="My progress in one course, lesson by lesson")
def my_course_progress(request: HttpRequest, course_id: Id):
    """Your own progress only: a course you are not enrolled in answers 404."""
    actor = actor_of(request)
    learner = _learner(request)
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


@router.get("/training/my/certificates", response={200: list[MyCertificateOut], **errors(401, 403)}, auth=SessionAuth(),
            summary="My certificates")
def my_certificates(request: HttpRequest):
    learner = _learner(request)
    base = _base_url(request)
    return [{
        "code": c.code, "course_id": c.course_id, "course_title": c.course_title, "hours": float(c.hours),
        "issued_at": c.issued_at, "revoked_at": c.revoked_at, "verify_url": verify_url_for(c, base),
        "pdf_url": request.build_absolute_uri(reverse("training:certificate_pdf", args=[c.code])),
    } for c in Certificate.objects.filter(learner=learner).order_by("-issued_at", "-id")]


@router.get("/training/my/calendar", response={200: MyCalendarOut, **errors(401, 403)}, auth=SessionAuth(),
            summary="My upcoming sessions and deadlines")
def my_calendar(request: HttpRequest):
    learner = _learner(request)
    today = timezone.localdate()
    sessions, deadlines = calendar.upcoming_for_learner(learner, today)
    return {
        "from_date": today,
        "sessions": [{
            "id": s.pk, "course_id": s.klass.course_id, "course_title": s.klass.course.title, "class_id": s.klass_id,
            "class_name": s.klass.name, "title": s.title, "date": s.date, "start_time": s.start_time,
            "end_time": s.end_time, "place": s.place, "meeting_url": s.meeting_url,
        } for s in sessions],
        "deadlines": deadlines,
        "feed_url": request.build_absolute_uri(
            reverse("training:calendar_feed", args=[calendar.feed_token(actor_of(request))])),
    }


# --- staff endpoints -----------------------------------------------------------------------------------------


@router.get("/training/courses", response={200: CoursePage, **errors(401, 403, 422)}, summary="List courses (staff)")
def list_courses(request: HttpRequest, paging: Query[PageParams], q: str = ""):
    """Administrators see every course and instructors the courses they own (as on the authoring pages); focal
    points and API keys see the published courses."""
    actor = actor_of(request)
    if can_author(actor):
        qs = selectors.authored_courses(actor=actor, query=q)
    else:
        _ensure_staff(actor)
        qs = selectors.course_catalogue(actor=None, query=q)
    qs = qs.annotate(class_count=Count("classes", distinct=True)).order_by("title", "id")
    return paginate_queryset(qs, paging)


@router.get("/training/classes", response={200: ClassPage, **errors(401, 403, 422)}, summary="List classes (staff)")
def list_classes(request: HttpRequest, filters: Query[ClassFilters], paging: Query[PageParams]):
    actor = actor_of(request)
    _ensure_staff(actor)
    qs = selectors_classes.classes_visible(actor=actor)
    if filters.course is not None:
        qs = qs.filter(course_id=filters.course)
    if filters.q.strip():
        qs = qs.filter(Q(name__icontains=filters.q.strip()))
    return paginate_queryset(qs.order_by("-start_date", "id"), paging)


def _class(request: HttpRequest, class_id: int) -> CourseClass:
    actor = actor_of(request)
    _ensure_staff(actor)
    return selectors_classes.class_get(actor=actor, pk=class_id)


@router.get("/training/classes/{class_id}/enrolments", response={200: EnrolmentPage, **errors(401, 403, 404, 422)},
            summary="Enrolments of a class (staff)")
def class_enrolments(request: HttpRequest, class_id: Id, filters: Query[EnrolmentFilters],
                     paging: Query[PageParams]):
    """Everyone for those who run the class; a focal point (or an API key) sees only the people of their units."""
    klass = _class(request, class_id)
    qs = selectors_classes.class_enrolments(actor=actor_of(request), klass=klass, status=filters.status or "")
    return paginate_queryset(qs, paging)


@router.post("/training/classes/{class_id}/enrolments", response={200: EnrolResultOut, **errors(401, 403, 404, 422)},
             summary="Enrol a learner in a class (staff)")
def enrol_in_class(request: HttpRequest, class_id: Id, payload: EnrolIn):
    """As the class page: a seat while there is one, else the waiting list. Focal points enrol people of their
    subtree only (anyone else is 404); API keys cannot enrol."""
    actor = actor_of(request)
    if selectors_classes.is_api_key(actor):
        raise ApiError(403, "permission_denied", _("API keys cannot change enrolments."))
    klass = _class(request, class_id)
    learner = Learner.objects.select_related("unit").filter(pk=payload.learner_id).first()
    if learner is None:
        raise Http404(_("Learner not found."))
    result = services_classes.enrol_learner(actor=actor, klass=klass, learner=learner)
    enrolment = Enrolment.objects.select_related("learner__unit").filter(learner=learner, course=klass.course).first()
    return {"enrolled": result.enrolled, "waiting": result.waiting, "skipped": result.skipped,
            "enrolment": enrolment}


@router.get("/training/classes/{class_id}/attendance", response={200: AttendancePage, **errors(401, 403, 404, 422)},
            summary="Attendance rate per learner of a class (staff)")
def class_attendance(request: HttpRequest, class_id: Id, paging: Query[PageParams]):
    actor = actor_of(request)
    klass = _class(request, class_id)
    roll = attendance.class_roll(klass)
    if not (services_classes.can_run_class(actor, klass) or is_province_admin(actor)):
        roll = roll.filter(scope_of(actor).q("unit__path"))
    held, attended = attendance.class_rates(klass)
    data = paginate_queryset(roll, paging, transform=lambda learners: [
        {"learner": learner, "attended": attended.get(learner.pk, 0),
         "rate": attendance.rate(attended.get(learner.pk, 0), held)} for learner in learners
    ])
    data["sessions_held"] = held
    data["sessions_total"] = klass.sessions.count()
    return data


# --- public --------------------------------------------------------------------------------------------------


@router.get("/training/certificates/{code}/verify", response={200: VerifyOut, **errors(404)}, auth=None,
            summary="Verify a certificate by its code (public)")
def verify_certificate(request: HttpRequest, code: str):
    """No authentication: the same facts as the public verification page (the name on the certificate, the
    course, the hours, the dates), and whether it was revoked."""
    certificate = Certificate.objects.filter(code=code.strip().upper()).first()
    if certificate is None:
        raise Http404(_("No certificate has this code."))
    return {"code": certificate.code, "valid": certificate.revoked_at is None,
            "learner_name": certificate.learner_name, "course_title": certificate.course_title,
            "hours": float(certificate.hours), "issued_at": certificate.issued_at,
            "revoked_at": certificate.revoked_at}  # not the reason: it may be personal (kept in the audit log)
