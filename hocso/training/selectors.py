"""Reads across training's parts for one learner's home page: the courses they are taking, their next class
sessions and their newest certificates, in one statement.

Every learner opens the home page (on exam day, all at once before the test), and building and compiling the ORM's
three queries with their joins cost more CPU than the rest of the page, so this is one plain UNION of the three
lists, each filtered to the learner, read as plain rows with only the columns the page shows.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import NamedTuple

from hocso.core.prepared import prepared_cursor
from hocso.people.models import Learner

from .models import Certificate, Course, CourseClass, Enrolment, EnrolmentStatus, Session


class CourseRow(NamedTuple):
    """An active enrolment not completed yet: "continue" goes to the last lesson opened, "begin" to the course."""

    course_id: int
    course_title: str
    last_lesson_id: int | None


class SessionRow(NamedTuple):
    pk: int
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    class_name: str
    place: str


class CertificateRow(NamedTuple):
    code: str
    course_title: str  # the course's title now, as on the course page (not the one frozen on the certificate)
    issued_at: dt.datetime
    revoked_at: dt.datetime | None


class Learning(NamedTuple):
    courses: list[CourseRow]
    sessions: list[SessionRow]
    certificates: list[CertificateRow]


@functools.cache
def _learning_sql() -> str:
    """Three branches with the same columns (kind, position, id, course or lesson id, text, text, date, time, time,
    moment, moment); each is ordered and limited inside its own sub-select, and `pos` keeps that order outside.
    Parameters: learner id, limit (courses); learner id, today, limit (sessions); learner id, limit (certificates)."""
    enrolment, course, klass = Enrolment._meta.db_table, Course._meta.db_table, CourseClass._meta.db_table
    session, certificate = Session._meta.db_table, Certificate._meta.db_table
    active = EnrolmentStatus.ACTIVE.value
    no_date, no_time, no_moment = ("CAST(NULL AS date)", "CAST(NULL AS time)",
                                  "CAST(NULL AS timestamp with time zone)")
    # The same rules as courses.selectors.courses_in_progress, classes.selectors.sessions_for_learner and
    # certificates.selectors.recent_certificates (checked against them in the tests).
    courses = (
        "SELECT 'c' AS kind, ROW_NUMBER() OVER (ORDER BY e.last_opened_at DESC NULLS LAST, e.enrolled_at DESC, "
        "e.id DESC) AS pos, e.course_id AS id, e.last_lesson_id AS ref, c.title AS text1, '' AS text2, "
        f"{no_date} AS day, {no_time} AS t1, {no_time} AS t2, {no_moment} AS m1, {no_moment} AS m2 "
        f"FROM {enrolment} e JOIN {course} c ON c.id = e.course_id "
        f"WHERE e.learner_id = %s AND e.status = '{active}' AND e.completed_at IS NULL ORDER BY pos LIMIT %s"
    )
    sessions = (
        "SELECT 's' AS kind, ROW_NUMBER() OVER (ORDER BY s.date, s.start_time, s.id) AS pos, s.id AS id, "
        "CAST(NULL AS bigint) AS ref, k.name AS text1, s.place AS text2, s.date AS day, s.start_time AS t1, "
        f"s.end_time AS t2, {no_moment} AS m1, {no_moment} AS m2 FROM {session} s JOIN {klass} k ON k.id = s.klass_id "
        f"WHERE s.klass_id IN (SELECT e.klass_id FROM {enrolment} e WHERE e.learner_id = %s "
        f"AND e.status = '{active}' AND e.klass_id IS NOT NULL) AND s.date >= %s ORDER BY pos LIMIT %s"
    )
    certificates = (
        "SELECT 'k' AS kind, ROW_NUMBER() OVER (ORDER BY t.issued_at DESC, t.id DESC) AS pos, t.id AS id, "
        f"CAST(NULL AS bigint) AS ref, c.title AS text1, t.code AS text2, {no_date} AS day, {no_time} AS t1, "
        f"{no_time} AS t2, t.issued_at AS m1, t.revoked_at AS m2 "
        f"FROM {certificate} t JOIN {course} c ON c.id = t.course_id WHERE t.learner_id = %s ORDER BY pos LIMIT %s"
    )
    return (f"SELECT * FROM ({courses}) AS a UNION ALL SELECT * FROM ({sessions}) AS b "
            f"UNION ALL SELECT * FROM ({certificates}) AS d ORDER BY 1, 2")


# SQLite answers dates, times and moments as text (moments in UTC, without a zone); PostgreSQL as Python values.
def _date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _time(value) -> dt.time:
    return dt.time.fromisoformat(value) if isinstance(value, str) else value


def _moment(value) -> dt.datetime | None:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def learning_of(*, learner: Learner, today: dt.date, limit: int = 5) -> Learning:
    """The learner's courses in progress (the one opened last first), the next sessions of the classes they are
    enrolled in (soonest first, from today) and their newest certificates (revoked ones too: the page says so),
    at most `limit` of each. A prepared statement on PostgreSQL: planning the three-part union at every home page
    cost PostgreSQL more than running it."""
    with prepared_cursor() as cursor:
        cursor.execute(_learning_sql(), [learner.pk, limit, learner.pk, today, limit, learner.pk, limit])
        rows = cursor.fetchall()
    learning = Learning([], [], [])
    for kind, _pos, pk, ref, text1, text2, day, t1, t2, m1, m2 in rows:
        if kind == "c":
            learning.courses.append(CourseRow(pk, text1, ref))
        elif kind == "s":
            learning.sessions.append(SessionRow(pk, _date(day), _time(t1), _time(t2), text1, text2))
        else:
            learning.certificates.append(CertificateRow(text2, text1, _moment(m1), _moment(m2)))
    return learning
