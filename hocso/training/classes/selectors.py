"""Reads for classes and their enrolments, scoped to the acting user."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from hocso.identity.models import ApiKey, Role
from hocso.identity.scoping import is_province_admin, roles_of, scope_of
from hocso.org.models import Unit
from hocso.people.models import Learner, LearnerStatus
from hocso.training.classes.services import can_run_class
from hocso.training.models import Certificate, CourseClass, Enrolment, EnrolmentStatus


def is_api_key(actor) -> bool:
    return isinstance(actor, ApiKey)


def can_see_classes(actor) -> bool:
    """Staff who run or fill classes; an integration's API key reads them like a focal point of its unit scope."""
    return is_api_key(actor) or bool(roles_of(actor) & {Role.PROVINCE_ADMIN, Role.INSTRUCTOR, Role.FOCAL_POINT})


def classes_visible(*, actor) -> QuerySet[CourseClass]:
    """Admins and focal points (who enrol their people) see every class; instructors the ones they teach or own."""
    roles = roles_of(actor)
    if roles & {Role.PROVINCE_ADMIN, Role.FOCAL_POINT} or is_api_key(actor):
        qs = CourseClass.objects.all()
    elif Role.INSTRUCTOR in roles:
        qs = CourseClass.objects.filter(Q(instructors=actor) | Q(course__owner=actor)).distinct()
    else:
        qs = CourseClass.objects.none()
    return qs.select_related("course").annotate(
        active_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ACTIVE), distinct=True),
        waiting_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING), distinct=True),
    )


def class_get(*, actor, pk: int) -> CourseClass:
    klass = classes_visible(actor=actor).filter(pk=pk).first()
    if klass is None:
        raise Http404
    return klass


def class_enrolments(*, actor, klass: CourseClass, status: str = "") -> QuerySet[Enrolment]:
    """Everyone for those who run the class; a focal point sees only the people of their subtree."""
    qs = klass.enrolments.select_related("learner__unit")
    if not (is_province_admin(actor) or can_run_class(actor, klass)):
        qs = qs.filter(scope_of(actor).q("learner__unit__path"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "learner__sort_key", "id")


def learner_candidates(*, actor, klass: CourseClass, query: str, limit: int = 20) -> list[Learner]:
    if not query.strip():
        return []
    base = Learner.objects.all() if (is_province_admin(actor) or can_run_class(actor, klass)) \
        else Learner.objects.filter(scope_of(actor).q("unit__path"))
    return list(base.filter(status=LearnerStatus.ACTIVE).search(query).select_related("unit")[:limit])


def units_for_bulk(*, actor, klass: CourseClass) -> QuerySet[Unit]:
    qs = Unit.objects.current() if (is_province_admin(actor) or can_run_class(actor, klass)) \
        else Unit.objects.current().filter(scope_of(actor).q("path"))
    return qs.order_by("path")


def open_classes(*, course) -> QuerySet[CourseClass]:
    return course.classes.filter(self_enrolment=True).order_by("start_date", "id")


def class_certificate_counts(klass: CourseClass) -> dict[str, int]:
    """How many of the class's enrolled learners hold a (valid) certificate of its course, and how many do not."""
    learners = klass.enrolments.filter(status=EnrolmentStatus.ACTIVE).values("learner_id")
    held = Certificate.objects.filter(course_id=klass.course_id, learner_id__in=learners, revoked_at__isnull=True)
    active = klass.enrolments.filter(status=EnrolmentStatus.ACTIVE).count()
    issued = held.count()
    return {"active": active, "issued": issued, "without": active - issued}


def with_certificate_codes(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Each enrolment with the code of the learner's certificate for the course (or None), in the same query."""
    codes = Certificate.objects.filter(learner_id=OuterRef("learner_id"), course_id=OuterRef("course_id"))
    return enrolments.annotate(certificate_code=Subquery(codes.values("code")[:1]),
                               certificate_revoked=Subquery(codes.values("revoked_at")[:1]))
