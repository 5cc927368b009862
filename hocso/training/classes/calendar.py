"""An iCalendar (.ics, RFC 5545) feed of a learner's sessions, at a secret address calendar apps can poll."""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.utils import timezone

from hocso.assessment.quizzes.policies import effective_window
from hocso.core.actors import Actor
from hocso.people.models import Learner

from ..models import Enrolment, EnrolmentStatus, Session

FEED_SALT = "hocso.training.calendar"


def feed_token(user: Actor) -> str:
    return signing.Signer(salt=FEED_SALT).sign(str(user.pk))


def user_id_for_token(token: str) -> int | None:
    try:
        return int(signing.Signer(salt=FEED_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None


def sessions_for_learner(learner: Learner) -> list[Session]:
    return list(
        Session.objects.filter(klass__enrolments__learner=learner, klass__enrolments__status=EnrolmentStatus.ACTIVE)
        .select_related("klass__course").order_by("date", "start_time")
    )


def upcoming_for_learner(learner: Learner, today: dt.date) -> tuple[list[Session], list[dict]]:
    """The learner's sessions from `today` on, and their deadlines: class end dates and final quizzes closing,
    for courses they are active in and have not completed."""
    sessions = [s for s in sessions_for_learner(learner) if s.date >= today]
    deadlines: list[dict] = []
    enrolments = (Enrolment.objects.filter(learner=learner, status=EnrolmentStatus.ACTIVE, completed_at__isnull=True)
                  .select_related("course__final_quiz", "klass"))
    now = timezone.now()
    for enrolment in enrolments:
        course = enrolment.course
        if enrolment.klass is not None and enrolment.klass.end_date and enrolment.klass.end_date >= today:
            deadlines.append({"kind": "class_end", "date": enrolment.klass.end_date, "at": None,
                              "course_id": course.pk, "course_title": course.title,
                              "class_id": enrolment.klass_id, "title": enrolment.klass.name})
        quiz = course.final_quiz
        # The learner's own window: an override may give them a later close than the quiz's.
        close_at = effective_window(quiz, learner).close_at if quiz is not None else None
        if close_at and close_at >= now:
            deadlines.append({"kind": "quiz_close", "date": timezone.localtime(close_at).date(),
                              "at": close_at, "course_id": course.pk, "course_title": course.title,
                              "class_id": enrolment.klass_id, "title": quiz.title})
    deadlines.sort(key=lambda item: (item["date"], item["course_title"]))
    return sessions, deadlines


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n")
            .replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space, without splitting a character."""
    parts, current = [], ""
    for char in line:
        if len((current + char).encode()) > (75 if not parts else 74):
            parts.append(current)
            current = ""
        current += char
    parts.append(current)
    return "\r\n ".join(parts)


def _utc(date: dt.date, time: dt.time) -> str:
    aware = timezone.make_aware(dt.datetime.combine(date, time))
    return aware.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def ics(sessions: list[Session], *, host: str, name: str) -> str:
    stamp = timezone.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Hoc So//Training//VI", "CALSCALE:GREGORIAN",
             f"X-WR-CALNAME:{_escape(name)}"]
    for session in sessions:
        summary = session.title or f"{session.klass.course.title} — {session.klass.name}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:session-{session.pk}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(session.date, session.start_time)}",
            f"DTEND:{_utc(session.date, session.end_time)}",
            f"SUMMARY:{_escape(summary)}",
        ]
        if session.place:
            lines.append(f"LOCATION:{_escape(session.place)}")
        if session.meeting_url:
            lines.append(f"URL:{session.meeting_url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def learner_for_feed(user_id: int) -> Learner | None:
    """The learner whose feed a token opens, while their account is active."""
    return Learner.objects.filter(user_id=user_id, user__is_active=True).first()
