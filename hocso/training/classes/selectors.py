"""Reads for classes, their enrolments, sessions and attendance rates, scoped to the acting user."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from hocso.access.models import Role
from hocso.core.actors import Actor
from hocso.core.text import is_digits
from hocso.org.models import Unit
from hocso.people.models import Learner, LearnerStatus

from ..models import Attendance, Course, CourseClass, Enrolment, EnrolmentStatus, Session
from ..permissions import can_author, can_see_every_class, class_people_scope

# Enrolments that hold or wait for a seat; the others can be renewed by enrolling again.
LIVE = (EnrolmentStatus.ACTIVE, EnrolmentStatus.WAITING, EnrolmentStatus.PENDING)

# --- classes and their people --------------------------------------------------------------------------------


def classes_visible(*, actor: Actor) -> QuerySet[CourseClass]:
    """Admins and focal points (who enrol their people) see every class; instructors the ones they teach or own."""
    if can_see_every_class(actor):
        qs = CourseClass.objects.all()
    elif can_author(actor):  # an instructor
        qs = CourseClass.objects.filter(Q(instructors=actor) | Q(course__owner=actor)).distinct()
    else:
        qs = CourseClass.objects.none()
    return qs.select_related("course").annotate(
        active_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ACTIVE), distinct=True),
        waiting_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING), distinct=True),
    )


def class_get(*, actor: Actor, pk: int) -> CourseClass:
    klass = classes_visible(actor=actor).filter(pk=pk).first()
    if klass is None:
        raise Http404
    return klass


def class_enrolments(*, actor: Actor, klass: CourseClass, status: str = "") -> QuerySet[Enrolment]:
    """Everyone for those who run the class; a focal point sees only the people of their subtree."""
    qs = klass.enrolments.select_related("learner__unit").filter(
        class_people_scope(actor, klass).q("learner__unit__path"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "learner__sort_key", "id")


def learner_to_enrol(pk: int | str | None) -> Learner | None:
    """The person named by an enrol form or API call (whether the actor may enrol them is the service's check);
    None for an id that names no one, including one that is not a number."""
    if isinstance(pk, str) and not is_digits(pk):
        return None
    return Learner.objects.select_related("unit").filter(pk=pk or 0).first()


def learner_candidates(*, actor: Actor, klass: CourseClass, query: str, limit: int = 20) -> list[Learner]:
    """People the actor may enrol in the class, found by name or CCCD."""
    if not query.strip():
        return []
    base = Learner.objects.filter(class_people_scope(actor, klass).q("unit__path"))
    return list(base.filter(status=LearnerStatus.ACTIVE).search(query).select_related("unit")[:limit])


def units_for_bulk(*, actor: Actor, klass: CourseClass) -> QuerySet[Unit]:
    """The units whose people the actor may enrol in the class all at once."""
    return Unit.objects.current().filter(class_people_scope(actor, klass).q("path")).order_by("path")


def class_open_to_requests(pk: int) -> CourseClass | None:
    """A class of a published course, for a learner asking to join (the service checks that it takes requests)."""
    return CourseClass.objects.select_related("course").filter(pk=pk, course__is_published=True).first()


def enrolment_of(learner: Learner, course_id: int) -> Enrolment | None:
    """The learner's enrolment in a course (in whichever class), with their unit."""
    return Enrolment.objects.select_related("learner__unit").filter(learner=learner, course_id=course_id).first()


def enrolment_get(pk: int) -> Enrolment:
    """An enrolment to decide or withdraw (whether the actor may is the service's check); 404 when there is none."""
    enrolment = Enrolment.objects.select_related("klass__course", "learner__unit", "course").filter(pk=pk).first()
    if enrolment is None:
        raise Http404
    return enrolment


def seats_taken(klass: CourseClass) -> int:
    return klass.enrolments.filter(status=EnrolmentStatus.ACTIVE).count()


def has_seat(klass: CourseClass, taken: int) -> bool:
    return klass.capacity is None or taken < klass.capacity


# Where enrolling someone in a class puts them (`placement`).
ENROL, WAITING, ALREADY, OTHER_CLASS = "enrol", "waiting", "already", "other_class"


def placement(klass: CourseClass, enrolment: Enrolment | None, taken: int) -> str:
    """Where enrolling a person in the class puts them, given their enrolment in its course (if any) and the seats
    taken: ALREADY in this class (a pending request is not "in"), in an OTHER_CLASS of the course, a seat (ENROL),
    or the WAITING list. The enrolment services and the class-list preview both decide with this."""
    live = enrolment is not None and enrolment.status in LIVE
    if live and enrolment.klass_id == klass.pk and enrolment.status != EnrolmentStatus.PENDING:
        return ALREADY
    if live and enrolment.klass_id not in (None, klass.pk):
        return OTHER_CLASS
    return ENROL if has_seat(klass, taken) else WAITING


def open_classes(*, course: Course) -> QuerySet[CourseClass]:
    """The classes of a course that learners may ask to join."""
    return course.classes.filter(self_enrolment=True).order_by("start_date", "id")


def instructor_choices() -> QuerySet:
    """The accounts that can be named a class's instructors."""
    return get_user_model().objects.filter(roles__role=Role.INSTRUCTOR).distinct().order_by("username")


# --- sessions and attendance ---------------------------------------------------------------------------------


def session_get(*, actor: Actor, pk: int) -> Session:
    """A session of a class the actor may see; 404 otherwise."""
    session = Session.objects.select_related("klass__course").filter(pk=pk).first()
    if session is None:
        raise Http404
    class_get(actor=actor, pk=session.klass_id)  # 404 outside what the actor may see
    return session


def class_roll(klass: CourseClass) -> QuerySet[Learner]:
    """The people who are in the class (active enrolments), in name order."""
    return Learner.objects.filter(enrolments__klass=klass, enrolments__status=EnrolmentStatus.ACTIVE).select_related(
        "unit").order_by("sort_key", "id")


def class_roll_for(*, actor: Actor, klass: CourseClass, runs_class: bool | None = None) -> QuerySet[Learner]:
    """The class's people the actor may see: all of them for those who run it, their own people for a focal point
    (`runs_class` as for `permissions.class_people_scope`)."""
    return class_roll(klass).filter(class_people_scope(actor, klass, runs_class=runs_class).q("unit__path"))


def held_sessions(klass: CourseClass, today: dt.date | None = None) -> QuerySet[Session]:
    return klass.sessions.filter(date__lte=today or timezone.localdate())


def class_rates(klass: CourseClass, today: dt.date | None = None) -> tuple[int, dict[int, int]]:
    """(sessions held so far, {learner id: sessions attended}) in two queries."""
    held = held_sessions(klass, today)
    attended = dict(
        Attendance.objects.filter(session__in=held).values("learner_id").annotate(n=Count("id"))
        .values_list("learner_id", "n")
    )
    return held.count(), attended


def rate(attended: int, held: int) -> float | None:
    return None if not held else 100 * attended / held


def learner_course_rate(*, course: Course, learner: Learner, today: dt.date | None = None) -> float | None:
    """The learner's attendance in their class of this course; None when not in a class or nothing was held."""
    enrolment = Enrolment.objects.filter(learner=learner, course=course, klass__isnull=False).first()
    if enrolment is None:
        return None
    held = held_sessions(enrolment.klass, today)
    count = held.count()
    if not count:
        return None
    return rate(Attendance.objects.filter(session__in=held, learner=learner).count(), count)


# --- the home page -------------------------------------------------------------------------------------------


def sessions_upcoming(*, actor: Actor, days: int = 14, limit: int = 8, today: dt.date | None = None) -> list[Session]:
    """Sessions from today for `days` days, soonest first, of the classes the actor sees (every class for admins
    and focal points, an instructor's own)."""
    today = today or timezone.localdate()
    if can_see_every_class(actor):
        qs = Session.objects.all()
    elif can_author(actor):
        qs = Session.objects.filter(
            klass_id__in=CourseClass.objects.filter(Q(instructors=actor) | Q(course__owner=actor)).values("pk"))
    else:
        return []
    qs = qs.filter(date__gte=today, date__lt=today + dt.timedelta(days=days))
    return list(qs.select_related("klass__course").order_by("date", "start_time", "pk")[:limit])


def sessions_taught(*, actor: Actor, limit: int = 6, today: dt.date | None = None) -> list[Session]:
    """An instructor's sessions from today on (their classes' or their courses'), soonest first."""
    today = today or timezone.localdate()
    classes = CourseClass.objects.filter(Q(instructors=actor) | Q(course__owner=actor)).values("pk")
    return list(Session.objects.filter(klass_id__in=classes, date__gte=today).select_related("klass__course")
                .order_by("date", "start_time", "pk")[:limit])


def classes_taught(*, actor: Actor, limit: int = 8, today: dt.date | None = None) -> list[CourseClass]:
    """An instructor's classes not finished for more than a month, the newest first, with their enrolled count."""
    today = today or timezone.localdate()
    ids = CourseClass.objects.filter(Q(instructors=actor) | Q(course__owner=actor)).values("pk")
    qs = CourseClass.objects.filter(pk__in=ids).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today - dt.timedelta(days=30)))
    return list(qs.select_related("course").annotate(
        active_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ACTIVE)),
    ).order_by("-start_date", "-pk")[:limit])


def sessions_for_learner(*, learner: Learner, limit: int = 5, today: dt.date | None = None) -> list[Session]:
    """The next sessions of the classes the learner is enrolled in (enrolment active), soonest first."""
    today = today or timezone.localdate()
    classes = Enrolment.objects.filter(learner=learner, status=EnrolmentStatus.ACTIVE,
                                       klass__isnull=False).values("klass_id")
    return list(Session.objects.filter(klass_id__in=classes, date__gte=today).select_related("klass__course")
                .order_by("date", "start_time", "pk")[:limit])
