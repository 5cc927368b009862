"""Sessions and attendance: sessions of a class, marking by the instructor, QR check-in with a time-limited signed
token, and attendance rates per learner and class."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.audit import audit, snapshot
from hocso.identity.scoping import ensure
from hocso.people.models import Learner
from hocso.training.classes.services import can_run_class
from hocso.training.courses.services import learner_of
from hocso.training.models import Attendance, AttendanceMethod, Course, CourseClass, Enrolment, EnrolmentStatus, Session

SESSION_FIELDS = ["title", "date", "start_time", "end_time", "place", "meeting_url"]
CHECKIN_SALT = "hocso.training.checkin"


def checkin_max_age() -> int:
    """Seconds a displayed QR code stays valid; the code page refreshes well before that."""
    return int(getattr(settings, "HOCSO_CHECKIN_TOKEN_SECONDS", 300))


class CheckinError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# --- sessions --------------------------------------------------------------------------------------------------


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
def session_create(*, actor, klass: CourseClass, **fields: Any) -> Session:
    ensure(can_run_class(actor, klass), _("You cannot change this class."))
    check_session(fields)
    session = Session.objects.create(klass=klass, **fields)
    audit(actor, "session.create", session, after=snapshot(session, SESSION_FIELDS))
    return session


@transaction.atomic
def session_update(*, actor, session: Session, **fields: Any) -> Session:
    ensure(can_run_class(actor, session.klass), _("You cannot change this class."))
    before = snapshot(session, SESSION_FIELDS)
    check_session({**before, **fields})
    for name, value in fields.items():
        setattr(session, name, value)
    session.save()
    audit(actor, "session.update", session, before=before, after=snapshot(session, SESSION_FIELDS))
    return session


@transaction.atomic
def session_delete(*, actor, session: Session) -> None:
    """Delete a session that nobody attended yet; once attendance is recorded it is part of the learners' record."""
    ensure(can_run_class(actor, session.klass), _("You cannot change this class."))
    # Locked first: a check-in being recorded at this moment (its row references the session) either finishes
    # before the check below sees it, or waits for the delete and fails; it is never deleted unseen.
    session = Session.objects.select_for_update().select_related("klass").get(pk=session.pk)
    if session.attendances.exists():
        raise ValidationError(_("Attendance has been recorded for this session, so it cannot be deleted."))
    audit(actor, "session.delete", session, before=snapshot(session, SESSION_FIELDS))
    session.delete()


# --- marking and checking in ---------------------------------------------------------------------------------


def class_roll(klass: CourseClass) -> QuerySet[Learner]:
    """The people who are in the class (active enrolments), in name order."""
    return Learner.objects.filter(enrolments__klass=klass, enrolments__status=EnrolmentStatus.ACTIVE).select_related(
        "unit").order_by("sort_key", "id")


@transaction.atomic
def mark_attendance(*, actor, session: Session, present: set[int]) -> tuple[int, int]:
    """Set who was present (learner ids); returns (added, removed). Only people in the class can be marked."""
    ensure(can_run_class(actor, session.klass), _("You cannot mark attendance for this class."))
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


def checkin_token(session: Session) -> str:
    return signing.TimestampSigner(salt=CHECKIN_SALT).sign(str(session.pk))


def session_for_token(token: str) -> Session:
    signer = signing.TimestampSigner(salt=CHECKIN_SALT)
    try:
        value = signer.unsign(token, max_age=checkin_max_age())
    except signing.SignatureExpired as exc:
        raise CheckinError("expired", _("This code has expired. Scan the code on the screen again.")) from exc
    except signing.BadSignature as exc:
        raise CheckinError("invalid", _("This code is not valid.")) from exc
    session = Session.objects.select_related("klass__course").filter(pk=int(value)).first()
    if session is None:
        raise CheckinError("invalid", _("This code is not valid."))
    return session


@transaction.atomic
def check_in(*, actor, token: str) -> Attendance:
    """A learner checks themself in by scanning the session's code."""
    learner = learner_of(actor)
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


# --- rates ---------------------------------------------------------------------------------------------------


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
