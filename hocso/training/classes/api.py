"""/api/v1/training/…, the classes part: the learner's calendar, and classes, their enrolments (read and enrol) and
attendance for staff. The routes are declared in `hocso.training.api`, in the order of the OpenAPI document.

Staff endpoints reuse the web pages' selectors, so an instructor sees the classes they teach, a focal point the people
of their subtree, and an API key reads like a focal point of its unit scope (API keys cannot enrol anyone). Learners
appear with their name and unit only, as on the class page.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema

from hocso.core.api_common import ApiError, Id, JsonId, Page, PageParams, actor_of, paginate_queryset

from ..courses.api import ensure_staff, learner_or_403
from ..models import CourseClass, EnrolmentStatus
from ..permissions import can_change_enrolments
from . import calendar, selectors, services

EnrolmentStatusValue = Literal[tuple(EnrolmentStatus.values)]  # type: ignore[valid-type]


# --- schemas -------------------------------------------------------------------------------------------------


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


# --- handlers ------------------------------------------------------------------------------------------------


def my_calendar(request: HttpRequest):
    learner = learner_or_403(request)
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


def list_classes(request: HttpRequest, filters: Query[ClassFilters], paging: Query[PageParams]):
    actor = actor_of(request)
    ensure_staff(actor)
    qs = selectors.classes_visible(actor=actor)
    if filters.course is not None:
        qs = qs.filter(course_id=filters.course)
    if filters.q.strip():
        qs = qs.filter(Q(name__icontains=filters.q.strip()))
    return paginate_queryset(qs.order_by("-start_date", "id"), paging)


def _class(request: HttpRequest, class_id: int) -> CourseClass:
    actor = actor_of(request)
    ensure_staff(actor)
    return selectors.class_get(actor=actor, pk=class_id)


def class_enrolments(request: HttpRequest, class_id: Id, filters: Query[EnrolmentFilters],
                     paging: Query[PageParams]):
    """Everyone for those who run the class; a focal point (or an API key) sees only the people of their units."""
    klass = _class(request, class_id)
    qs = selectors.class_enrolments(actor=actor_of(request), klass=klass, status=filters.status or "")
    return paginate_queryset(qs, paging)


def enrol_in_class(request: HttpRequest, class_id: Id, payload: EnrolIn):
    """As the class page: a seat while there is one, else the waiting list. Focal points enrol people of their
    subtree only (anyone else is 404); API keys cannot enrol."""
    actor = actor_of(request)
    if not can_change_enrolments(actor):
        raise ApiError(403, "permission_denied", _("API keys cannot change enrolments."))
    klass = _class(request, class_id)
    learner = selectors.learner_to_enrol(payload.learner_id)
    if learner is None:
        raise Http404(_("Learner not found."))
    result = services.enrol_learner(actor=actor, klass=klass, learner=learner)
    enrolment = selectors.enrolment_of(learner, klass.course_id)
    return {"enrolled": result.enrolled, "waiting": result.waiting, "skipped": result.skipped,
            "enrolment": enrolment}


def class_attendance(request: HttpRequest, class_id: Id, paging: Query[PageParams]):
    klass = _class(request, class_id)
    roll = selectors.class_roll_for(actor=actor_of(request), klass=klass)
    held, attended = selectors.class_rates(klass)
    data = paginate_queryset(roll, paging, transform=lambda learners: [
        {"learner": learner, "attended": attended.get(learner.pk, 0),
         "rate": selectors.rate(attended.get(learner.pk, 0), held)} for learner in learners
    ])
    data["sessions_held"] = held
    data["sessions_total"] = klass.sessions.count()
    return data
