"""Reads for courses, lessons and the learner's progress: each takes the acting user and returns only what they may
see."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.text import fold
from hocso.people.models import Learner
from hocso.people.selectors import learner_of

from ..models import Course, Enrolment, EnrolmentStatus, Lesson, LessonProgress, Module
from ..permissions import can_author, can_edit_every_course


def require_learner(actor: Actor) -> Learner:
    """The learner profile (`people.selectors.learner_of`), for what only a learner can do: refused (403) for an
    account without one."""
    learner = learner_of(actor)
    if learner is None:
        raise PermissionDenied(_("Your account has no learner profile."))
    return learner


def _filter_query(qs: QuerySet[Course], query: str) -> QuerySet[Course]:
    # Titles are few and short; icontains on the raw title plus the folded form covers "dao tao" and "đào tạo".
    query = (query or "").strip()
    if not query:
        return qs
    return qs.filter(Q(title__icontains=query) | Q(topic__icontains=query) | Q(title__icontains=fold(query)))


def course_catalogue(*, actor: Actor | None, query: str = "") -> QuerySet[Course]:
    """Published courses meant for the learner's target group (or for everyone), and any they are enrolled in."""
    learner = learner_of(actor)
    qs = Course.objects.filter(is_published=True)
    if learner is not None:
        group = Q(target_groups__isnull=True)
        if learner.target_group_id:
            group |= Q(target_groups=learner.target_group_id)
        qs = Course.objects.filter(Q(is_published=True) & group | Q(enrolments__learner=learner)).distinct()
    return _filter_query(qs, query).annotate(lesson_count=Count("modules__lessons", distinct=True))


def enrolments_of(learner: Learner) -> QuerySet[Enrolment]:
    """The learner's enrolments, withdrawn ones left out (they count as not enrolled)."""
    return Enrolment.objects.filter(learner=learner).exclude(status=EnrolmentStatus.WITHDRAWN)


def my_enrolments(*, actor: Actor) -> QuerySet[Enrolment]:
    learner = learner_of(actor)
    if learner is None:
        return Enrolment.objects.none()
    return enrolments_of(learner).select_related("course", "last_lesson")


def course_get_for_learner(*, actor: Actor, pk: int) -> Course:
    course = Course.objects.filter(pk=pk).first()
    if course is None:
        raise Http404
    if course.is_published or can_author(actor):
        return course
    learner = learner_of(actor)
    if learner is not None and Enrolment.objects.filter(learner=learner, course=course).exists():
        return course
    raise Http404


def enrolment_for(*, actor: Actor, course: Course) -> Enrolment | None:
    learner = learner_of(actor)
    if learner is None:
        return None
    return Enrolment.objects.filter(learner=learner, course=course).select_related("learner", "last_lesson").first()


def course_outline(course: Course) -> list[Module]:
    """Modules with their lessons, in order (two queries)."""
    return list(course.modules.prefetch_related(
        Prefetch("lessons", queryset=Lesson.objects.select_related("quiz").order_by("position", "id"))
    ))


def progress_by_lesson(*, learner: Learner, course: Course) -> dict[int, LessonProgress]:
    return {p.lesson_id: p for p in LessonProgress.objects.filter(learner=learner, lesson__module__course=course)}


def lesson_for_learner(*, actor: Actor, pk: int) -> tuple[Lesson, Enrolment]:
    """A lesson of a course the actor is actively enrolled in; anything else is 404."""
    lesson = Lesson.objects.select_related("module__course", "quiz").filter(pk=pk).first()
    if lesson is None:
        raise Http404
    enrolment = enrolment_for(actor=actor, course=lesson.module.course)
    if enrolment is None or enrolment.status != EnrolmentStatus.ACTIVE:
        raise Http404
    return lesson, enrolment


def authored_courses(*, actor: Actor, query: str = "") -> QuerySet[Course]:
    """Every course for administrators, their own for instructors, none for anyone else."""
    if can_edit_every_course(actor):
        qs = Course.objects.all()
    elif can_author(actor):
        qs = Course.objects.filter(owner_id=actor.pk)
    else:
        qs = Course.objects.none()
    return _filter_query(qs, query).select_related("owner").annotate(
        module_count=Count("modules", distinct=True),
        enrolment_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ACTIVE), distinct=True),
    )


def authored_course(*, actor: Actor, pk: int) -> Course:
    course = authored_courses(actor=actor).filter(pk=pk).first()
    if course is None:
        raise Http404
    return course


def authored_module(*, actor: Actor, pk: int) -> Module:
    module = Module.objects.select_related("course").filter(pk=pk).first()
    if module is None or not authored_courses(actor=actor).filter(pk=module.course_id).exists():
        raise Http404
    return module


def authored_lesson(*, actor: Actor, pk: int) -> Lesson:
    lesson = Lesson.objects.select_related("module__course").filter(pk=pk).first()
    if lesson is None or not authored_courses(actor=actor).filter(pk=lesson.module.course_id).exists():
        raise Http404
    return lesson


def module_progress_count(module: Module) -> int:
    """How many progress records (learners who opened or finished a lesson) the module's lessons carry."""
    return LessonProgress.objects.filter(lesson__module=module).count()


def courses_in_progress(*, learner: Learner, limit: int = 5) -> list[Enrolment]:
    """The learner's active enrolments not completed yet, the one opened last first (the home page's "continue")."""
    return list(
        enrolments_of(learner).filter(status=EnrolmentStatus.ACTIVE, completed_at__isnull=True)
        .select_related("course", "last_lesson")
        .order_by(F("last_opened_at").desc(nulls_last=True), "-enrolled_at", "-pk")[:limit]
    )
