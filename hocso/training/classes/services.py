"""Writes for classes and enrolment: one by one, in bulk by unit subtree and target group, self-enrolment with
approval, and the waiting list. Keyword-only, one transaction, permission-checked, audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from hocso.core.audit import audit, snapshot
from hocso.identity.scoping import ensure, is_province_admin, scope_of
from hocso.org.models import TargetGroup, Unit
from hocso.people.models import Learner, LearnerStatus
from hocso.training.courses.services import learner_of
from hocso.training.models import CourseClass, Enrolment, EnrolmentStatus
from hocso.training.permissions import can_edit_course

CLASS_FIELDS = ["name", "mode", "capacity", "start_date", "end_date", "self_enrolment"]
# Enrolments that hold or wait for a seat; the others can be renewed by enrolling again.
LIVE = (EnrolmentStatus.ACTIVE, EnrolmentStatus.WAITING, EnrolmentStatus.PENDING)


def can_run_class(actor, klass: CourseClass) -> bool:
    """Course editors and the class's instructors run a class (enrol anyone, decide requests)."""
    if not getattr(actor, "is_authenticated", False):
        return False  # anonymous, or an API key (whose pk is not a user's)
    if can_edit_course(actor, klass.course):
        return True
    return klass.instructors.filter(pk=getattr(actor, "pk", None)).exists()


def can_enrol_learner(actor, klass: CourseClass, learner: Learner) -> bool:
    """Focal points enrol only people of their subtree; those who run the class enrol anyone."""
    if is_province_admin(actor) or can_run_class(actor, klass):
        return True
    return learner.unit_id is not None and scope_of(actor).covers(learner.unit.path)


def _check(fields: dict[str, Any]) -> None:
    start, end = fields.get("start_date"), fields.get("end_date")
    if start and end and end < start:
        raise ValidationError({"end_date": [_("The class cannot end before it starts.")]})


@transaction.atomic
def class_create(*, actor, course, instructors=(), **fields: Any) -> CourseClass:
    ensure(can_edit_course(actor, course), _("You cannot change this course."))
    _check(fields)
    klass = CourseClass.objects.create(course=course, **fields)
    klass.instructors.set(instructors)
    audit(actor, "class.create", klass, after={**snapshot(klass, CLASS_FIELDS), "course": course.pk})
    return klass


@transaction.atomic
def class_update(*, actor, klass: CourseClass, instructors=None, **fields: Any) -> CourseClass:
    ensure(can_edit_course(actor, klass.course), _("You cannot change this class."))
    before = snapshot(klass, CLASS_FIELDS)
    _check({**before, **fields})
    for name, value in fields.items():
        setattr(klass, name, value)
    klass.save()
    if instructors is not None:
        klass.instructors.set(instructors)
    _fill_from_waiting_list(actor, klass)
    audit(actor, "class.update", klass, before=before, after=snapshot(klass, CLASS_FIELDS))
    return klass


def _locked(klass: CourseClass) -> CourseClass:
    # Serialises seat-taking on this class, so two enrolments cannot both take the last seat.
    return CourseClass.objects.select_for_update().get(pk=klass.pk)


def seats_taken(klass: CourseClass) -> int:
    return klass.enrolments.filter(status=EnrolmentStatus.ACTIVE).count()


def _has_seat(klass: CourseClass, taken: int) -> bool:
    return klass.capacity is None or taken < klass.capacity


@dataclass
class EnrolResult:
    enrolled: int = 0
    waiting: int = 0
    skipped: int = 0


def _place(actor, klass: CourseClass, learner: Learner, taken: int, result: EnrolResult,
           action: str = "enrolment.create") -> int:
    """Enrol one learner (a seat or the waiting list); returns the seats now taken."""
    enrolment = Enrolment.objects.filter(learner=learner, course=klass.course).first()
    if enrolment is not None and enrolment.status in LIVE and enrolment.klass_id == klass.pk \
            and enrolment.status != EnrolmentStatus.PENDING:
        result.skipped += 1
        return taken
    if enrolment is not None and enrolment.status in LIVE and enrolment.klass_id not in (None, klass.pk):
        result.skipped += 1  # already in another class of this course
        return taken
    status = EnrolmentStatus.ACTIVE if _has_seat(klass, taken) else EnrolmentStatus.WAITING
    before = None
    if enrolment is None:
        enrolment = Enrolment.objects.create(learner=learner, course=klass.course, klass=klass, status=status)
    else:
        before = {"status": enrolment.status, "klass": enrolment.klass_id}
        enrolment.klass, enrolment.status = klass, status
        enrolment.save(update_fields=["klass", "status"])
    audit(actor, action, enrolment, before=before, after={"status": status, "klass": klass.pk})
    if status == EnrolmentStatus.ACTIVE:
        result.enrolled += 1
        return taken + 1
    result.waiting += 1
    return taken


@transaction.atomic
def enrol_learner(*, actor, klass: CourseClass, learner: Learner) -> EnrolResult:
    if not can_enrol_learner(actor, klass, learner):
        raise Http404  # the learner is outside the actor's scope
    klass = _locked(klass)
    result = EnrolResult()
    _place(actor, klass, learner, seats_taken(klass), result)
    return result


@transaction.atomic
def enrol_bulk(*, actor, klass: CourseClass, unit: Unit, target_group: TargetGroup | None = None) -> EnrolResult:
    """Everyone working in `unit` and its sub-units (optionally of one target group), in name order."""
    if not (is_province_admin(actor) or can_run_class(actor, klass) or scope_of(actor).covers(unit.path)):
        raise Http404
    learners = Learner.objects.filter(unit__path__startswith=unit.path, status=LearnerStatus.ACTIVE)
    if not (is_province_admin(actor) or can_run_class(actor, klass)):
        learners = learners.filter(scope_of(actor).q("unit__path"))
    if target_group is not None:
        learners = learners.filter(target_group=target_group)
    klass = _locked(klass)
    taken = seats_taken(klass)
    result = EnrolResult()
    for learner in learners.order_by("sort_key", "id"):
        taken = _place(actor, klass, learner, taken, result, action="enrolment.bulk")
    audit(actor, "class.enrol_bulk", klass, extra={"unit": unit.pk, "target_group": getattr(target_group, "pk", None),
                                                    "enrolled": result.enrolled, "waiting": result.waiting})
    return result


@transaction.atomic
def request_join(*, actor, klass: CourseClass) -> Enrolment:
    """A learner asks to join a class that accepts requests; someone who runs the class decides."""
    learner = learner_of(actor)
    ensure(klass.self_enrolment and klass.course.is_published, _("This class does not accept requests."))
    enrolment = Enrolment.objects.filter(learner=learner, course=klass.course).first()
    if enrolment is not None and enrolment.status in LIVE:
        return enrolment
    if enrolment is None:
        enrolment = Enrolment.objects.create(learner=learner, course=klass.course, klass=klass,
                                             status=EnrolmentStatus.PENDING)
    else:
        enrolment.klass, enrolment.status = klass, EnrolmentStatus.PENDING
        enrolment.save(update_fields=["klass", "status"])
    audit(actor, "enrolment.request", enrolment, after={"status": enrolment.status, "klass": klass.pk})
    return enrolment


def _ensure_may_decide(actor, enrolment: Enrolment) -> None:
    klass = enrolment.klass
    if klass is None:
        raise Http404
    if not can_enrol_learner(actor, klass, enrolment.learner):
        raise Http404


@transaction.atomic
def decide_request(*, actor, enrolment: Enrolment, approve: bool) -> Enrolment:
    _ensure_may_decide(actor, enrolment)
    if enrolment.status != EnrolmentStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    klass = _locked(enrolment.klass)
    if approve:
        status = EnrolmentStatus.ACTIVE if _has_seat(klass, seats_taken(klass)) else EnrolmentStatus.WAITING
    else:
        status = EnrolmentStatus.REJECTED
    enrolment.status = status
    enrolment.save(update_fields=["status"])
    audit(actor, "enrolment.decide", enrolment, before={"status": EnrolmentStatus.PENDING}, after={"status": status})
    return enrolment


@transaction.atomic
def withdraw(*, actor, enrolment: Enrolment) -> Enrolment:
    """Take a learner out of a class; the first on the waiting list takes the freed seat."""
    own = enrolment.learner.user_id is not None and enrolment.learner.user_id == getattr(actor, "pk", None)
    if not own:
        _ensure_may_decide(actor, enrolment)
    before = enrolment.status
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save(update_fields=["status"])
    audit(actor, "enrolment.withdraw", enrolment, before={"status": before},
          after={"status": EnrolmentStatus.WITHDRAWN})
    if enrolment.klass_id and before == EnrolmentStatus.ACTIVE:
        _fill_from_waiting_list(actor, _locked(enrolment.klass))
    return enrolment


def _fill_from_waiting_list(actor, klass: CourseClass) -> None:
    taken = seats_taken(klass)
    for waiting in klass.enrolments.filter(status=EnrolmentStatus.WAITING).order_by("enrolled_at", "id"):
        if not _has_seat(klass, taken):
            break
        waiting.status = EnrolmentStatus.ACTIVE
        waiting.save(update_fields=["status"])
        audit(actor, "enrolment.promote", waiting, before={"status": EnrolmentStatus.WAITING},
              after={"status": EnrolmentStatus.ACTIVE})
        taken += 1
