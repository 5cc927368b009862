"""Writes for classes: the class itself, enrolment (one by one, in bulk by unit subtree and target group, from a
confirmed class list, requests to join with approval, the waiting list), sessions, attendance and QR check-in.
Keyword-only, one transaction, permission-checked, audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.audit import audit, snapshot
from hocso.core.permissions import ensure
from hocso.org.models import TargetGroup, Unit
from hocso.people.models import Learner, LearnerStatus

from ..courses.selectors import require_learner
from ..models import Attendance, AttendanceMethod, Course, CourseClass, Enrolment, EnrolmentStatus, Session
from ..permissions import (
    can_decide_enrolment,
    can_edit_course,
    can_enrol_learner,
    can_run_class,
    can_take_attendance,
    can_withdraw,
    class_people_scope,
    scope_covers_learner,
)
from . import class_list
from .checkin import CheckinError, session_for_token
from .selectors import ENROL, LIVE, WAITING, class_roll, has_seat, placement, seats_taken

CLASS_FIELDS = ["name", "mode", "capacity", "start_date", "end_date", "self_enrolment"]
SESSION_FIELDS = ["title", "date", "start_time", "end_time", "place", "meeting_url"]


# --- classes -------------------------------------------------------------------------------------------------


def _check(fields: dict[str, Any]) -> None:
    start, end = fields.get("start_date"), fields.get("end_date")
    if start and end and end < start:
        raise ValidationError({"end_date": [_("The class cannot end before it starts.")]})


@transaction.atomic
def class_create(*, actor: Actor, course: Course, instructors=(), **fields: Any) -> CourseClass:
    ensure(can_edit_course(actor, course), _("You cannot change this course."))
    _check(fields)
    klass = CourseClass.objects.create(course=course, **fields)
    klass.instructors.set(instructors)
    audit(actor, "class.create", klass, after={**snapshot(klass, CLASS_FIELDS), "course": course.pk})
    return klass


@transaction.atomic
def class_update(*, actor: Actor, klass: CourseClass, instructors=None, **fields: Any) -> CourseClass:
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


# --- enrolment -----------------------------------------------------------------------------------------------


@dataclass
class EnrolResult:
    enrolled: int = 0
    waiting: int = 0
    skipped: int = 0


def _place(actor: Actor, klass: CourseClass, learner: Learner, taken: int, result: EnrolResult,
           action: str = "enrolment.create") -> int:
    """Enrol one learner (a seat or the waiting list); returns the seats now taken."""
    enrolment = Enrolment.objects.filter(learner=learner, course=klass.course).first()
    where = placement(klass, enrolment, taken)
    if where not in (ENROL, WAITING):
        result.skipped += 1  # already in this class, or in another class of this course
        return taken
    status = EnrolmentStatus.ACTIVE if where == ENROL else EnrolmentStatus.WAITING
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
def enrol_learner(*, actor: Actor, klass: CourseClass, learner: Learner) -> EnrolResult:
    if not can_enrol_learner(actor, klass, learner):
        raise Http404  # the learner is outside the actor's scope
    klass = _locked(klass)
    result = EnrolResult()
    _place(actor, klass, learner, seats_taken(klass), result)
    return result


@transaction.atomic
def enrol_bulk(*, actor: Actor, klass: CourseClass, unit: Unit,
               target_group: TargetGroup | None = None) -> EnrolResult:
    """Everyone working in `unit` and its sub-units (optionally of one target group), in name order; a focal point
    takes only the people of their own units."""
    scope = class_people_scope(actor, klass)
    if not scope.covers(unit.path):
        raise Http404
    learners = Learner.objects.filter(unit__path__startswith=unit.path, status=LearnerStatus.ACTIVE)
    learners = learners.filter(scope.q("unit__path"))
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
def request_join(*, actor: Actor, klass: CourseClass) -> Enrolment:
    """A learner asks to join a class that accepts requests; someone who runs the class decides."""
    learner = require_learner(actor)
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


@transaction.atomic
def decide_request(*, actor: Actor, enrolment: Enrolment, approve: bool) -> Enrolment:
    if not can_decide_enrolment(actor, enrolment):
        raise Http404  # not a class's request, or someone outside the actor's people
    if enrolment.status != EnrolmentStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    klass = _locked(enrolment.klass)
    if approve:
        status = EnrolmentStatus.ACTIVE if has_seat(klass, seats_taken(klass)) else EnrolmentStatus.WAITING
    else:
        status = EnrolmentStatus.REJECTED
    enrolment.status = status
    enrolment.save(update_fields=["status"])
    audit(actor, "enrolment.decide", enrolment, before={"status": EnrolmentStatus.PENDING}, after={"status": status})
    return enrolment


@transaction.atomic
def withdraw(*, actor: Actor, enrolment: Enrolment) -> Enrolment:
    """Take a learner out of a class; the first on the waiting list takes the freed seat."""
    if not can_withdraw(actor, enrolment):
        raise Http404
    before = enrolment.status
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save(update_fields=["status"])
    audit(actor, "enrolment.withdraw", enrolment, before={"status": before},
          after={"status": EnrolmentStatus.WITHDRAWN})
    if enrolment.klass_id and before == EnrolmentStatus.ACTIVE:
        _fill_from_waiting_list(actor, _locked(enrolment.klass))
    return enrolment


def _fill_from_waiting_list(actor: Actor, klass: CourseClass) -> None:
    taken = seats_taken(klass)
    for waiting in klass.enrolments.filter(status=EnrolmentStatus.WAITING).order_by("enrolled_at", "id"):
        if not has_seat(klass, taken):
            break
        waiting.status = EnrolmentStatus.ACTIVE
        waiting.save(update_fields=["status"])
        audit(actor, "enrolment.promote", waiting, before={"status": EnrolmentStatus.WAITING},
              after={"status": EnrolmentStatus.ACTIVE})
        taken += 1


@transaction.atomic
def enrol_from_list(*, actor: Actor, klass: CourseClass, token: str) -> EnrolResult:
    """Enrol every matched row of a confirmed class-list preview (`class_list.make_token`) through `enrol_learner`,
    in one transaction: if any of them can no longer be enrolled (moved out of the actor's scope, deleted), nobody
    is."""
    class_list.ensure_can_enrol_from_list(actor, klass)
    data = class_list.read_token(actor=actor, klass=klass, token=token)
    ids = [int(pk) for pk in data.get("ids", [])]
    learners = Learner.objects.select_related("unit").in_bulk(ids)
    scope = class_people_scope(actor, klass)
    result = EnrolResult()
    for pk in ids:
        learner = learners.get(pk)
        if learner is None or learner.status != LearnerStatus.ACTIVE or not scope_covers_learner(scope, learner):
            raise class_list.stale_preview()  # leaving the atomic block undoes the rows already enrolled
        one = enrol_learner(actor=actor, klass=klass, learner=learner)
        result.enrolled += one.enrolled
        result.waiting += one.waiting
        result.skipped += one.skipped
    audit(actor, "class.enrol_list", klass, extra={
        "file": data.get("file", ""), "rows": data.get("rows", 0), "errors": data.get("errors", 0),
        "enrolled": result.enrolled, "waiting": result.waiting, "skipped": result.skipped,
    })
    return result


# --- sessions and attendance ---------------------------------------------------------------------------------


def check_session(fields: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    start, end = fields.get("start_time"), fields.get("end_time")
    if start and end and end <= start:
        errors["end_time"] = [_("The session must end after it starts.")]
    if not (fields.get("place") or "").strip() and not (fields.get("meeting_url") or "").strip():
        errors["place"] = [_("Give the place or the meeting link.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def session_create(*, actor: Actor, klass: CourseClass, **fields: Any) -> Session:
    ensure(can_run_class(actor, klass), _("You cannot change this class."))
    check_session(fields)
    session = Session.objects.create(klass=klass, **fields)
    audit(actor, "session.create", session, after=snapshot(session, SESSION_FIELDS))
    return session


@transaction.atomic
def session_update(*, actor: Actor, session: Session, **fields: Any) -> Session:
    ensure(can_run_class(actor, session.klass), _("You cannot change this class."))
    before = snapshot(session, SESSION_FIELDS)
    check_session({**before, **fields})
    for name, value in fields.items():
        setattr(session, name, value)
    session.save()
    audit(actor, "session.update", session, before=before, after=snapshot(session, SESSION_FIELDS))
    return session


@transaction.atomic
def session_delete(*, actor: Actor, session: Session) -> None:
    """Delete a session that nobody attended yet; once attendance is recorded it is part of the learners' record."""
    ensure(can_run_class(actor, session.klass), _("You cannot change this class."))
    # Locked first: a check-in being recorded at this moment (its row references the session) either finishes
    # before the check below sees it, or waits for the delete and fails; it is never deleted unseen.
    session = Session.objects.select_for_update().select_related("klass").get(pk=session.pk)
    if session.attendances.exists():
        raise ValidationError(_("Attendance has been recorded for this session, so it cannot be deleted."))
    audit(actor, "session.delete", session, before=snapshot(session, SESSION_FIELDS))
    session.delete()


@transaction.atomic
def mark_attendance(*, actor: Actor, session: Session, present: set[int]) -> tuple[int, int]:
    """Set who was present (learner ids); returns (added, removed). Only people in the class can be marked."""
    ensure(can_take_attendance(actor, session.klass), _("You cannot mark attendance for this class."))
    roll = set(class_roll(session.klass).values_list("pk", flat=True))
    unknown = present - roll
    if unknown:
        raise ValidationError(_("Only people enrolled in the class can be marked present."))
    before = set(session.attendances.values_list("learner_id", flat=True))
    added = present - before
    removed = (before - present) & roll
    Attendance.objects.bulk_create([
        Attendance(session=session, learner_id=pk, method=AttendanceMethod.INSTRUCTOR,
                   marked_by=actor if getattr(actor, "pk", None) else None)
        for pk in sorted(added)
    ])
    session.attendances.filter(learner_id__in=removed).delete()
    audit(actor, "session.attendance", session, before={"present": sorted(before)},
          after={"present": sorted((before | added) - removed)})
    return len(added), len(removed)


@transaction.atomic
def check_in(*, actor: Actor, token: str) -> Attendance:
    """A learner checks themself in by scanning the session's code."""
    learner = require_learner(actor)
    session = session_for_token(token)
    if not Enrolment.objects.filter(learner=learner, klass=session.klass, status=EnrolmentStatus.ACTIVE).exists():
        raise CheckinError("not_enrolled", _("This code is for a class you are not enrolled in."))
    if Attendance.objects.filter(session=session, learner=learner).exists():
        raise CheckinError("already", _("You have already checked in to this session."))
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(session=session, learner=learner, method=AttendanceMethod.QR,
                                                   marked_by=actor)
    except IntegrityError as exc:  # the same code scanned twice at once
        raise CheckinError("already", _("You have already checked in to this session.")) from exc
    audit(actor, "session.checkin", session, extra={"learner": learner.pk})
    return attendance
