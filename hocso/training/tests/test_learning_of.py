"""The home page's one statement for a learner's training (training.selectors.learning_of) gives what the three
ORM selectors it replaces on that page give: the same rows, in the same order, with the same limits, and only the
learner's own."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from hocso.core.actors import SYSTEM
from hocso.tests.factories import make_learner
from hocso.training.certificates.selectors import recent_certificates
from hocso.training.classes.selectors import sessions_for_learner
from hocso.training.classes.services import session_create
from hocso.training.courses.selectors import courses_in_progress
from hocso.training.models import Certificate, CourseMode, EnrolmentStatus
from hocso.training.selectors import learning_of
from hocso.training.tests.factories import enrol, make_class, make_course, make_lesson, make_module


def test_learning_of_matches_the_orm_selectors(django_assert_num_queries, learner_in_a, learner_in_b):
    anh, binh = learner_in_a, learner_in_b
    now = timezone.now()
    today = timezone.localdate()
    # Courses: seven in progress (opened at different times, two never opened), one completed, one withdrawn, one
    # waiting for approval; Bình's own enrolment is not Ánh's.
    for n in range(7):
        course = make_course(f"Khoá {n}")
        lesson = make_lesson(make_module(course), title=f"Bài {n}") if n % 2 else None
        enrol(anh, course, status=EnrolmentStatus.ACTIVE, last_lesson=lesson,
              last_opened_at=None if n in (2, 5) else now - dt.timedelta(hours=n))
    enrol(anh, make_course("Đã xong"), status=EnrolmentStatus.ACTIVE, completed_at=now)
    enrol(anh, make_course("Đã rút"), status=EnrolmentStatus.WITHDRAWN)
    enrol(anh, make_course("Chờ duyệt"), status=EnrolmentStatus.PENDING)
    enrol(binh, make_course("Của Bình"), status=EnrolmentStatus.ACTIVE, last_opened_at=now)
    # Sessions: Ánh's class has one in the past and seven from today on (two on the same day); a class she left
    # and Bình's class have theirs too.
    in_person = {"mode": CourseMode.IN_PERSON, "self_enrolment": False}
    mine = make_class(make_course("Tại lớp", **in_person), name="Lớp của Ánh", start_date=today,
                      end_date=today + dt.timedelta(days=30))
    left = make_class(make_course("Đã rời", **in_person), name="Lớp đã rời")
    other = make_class(make_course("Lớp Bình", **in_person), name="Lớp của Bình")
    enrol(anh, mine.course, klass=mine, status=EnrolmentStatus.ACTIVE)
    enrol(anh, left.course, klass=left, status=EnrolmentStatus.WITHDRAWN)
    enrol(binh, other.course, klass=other, status=EnrolmentStatus.ACTIVE)
    for days, hour in ((-1, 8), (0, 14), (0, 8), (2, 8), (3, 8), (5, 8), (8, 8), (9, 8)):
        session_create(actor=SYSTEM, klass=mine, title="", date=today + dt.timedelta(days=days),
                       start_time=dt.time(hour), end_time=dt.time(hour + 2), place="Hội trường" if hour == 8 else "",
                       meeting_url="" if hour == 8 else "https://meet.example.vn/abc")
    for klass in (left, other):
        session_create(actor=SYSTEM, klass=klass, title="", date=today, start_time=dt.time(7), end_time=dt.time(9),
                       place="Phòng họp")
    # Certificates: six, one revoked; Bình's is not hers.
    for n in range(6):
        course = make_course(f"Chứng nhận {n}")
        Certificate.objects.create(code=f"HS-{n:06d}", learner=anh, course=course, learner_name=anh.full_name,
                                   course_title=course.title, issued_at=now - dt.timedelta(days=n),
                                   revoked_at=now if n == 1 else None)
    course = make_course("Của Bình 2")
    Certificate.objects.create(code="HS-BINH01", learner=binh, course=course, learner_name=binh.full_name,
                               course_title=course.title, issued_at=now)

    with django_assert_num_queries(1):
        learning = learning_of(learner=anh, today=today)

    assert [(c.course_id, c.course_title, c.last_lesson_id) for c in learning.courses] == [
        (e.course_id, e.course.title, e.last_lesson_id) for e in courses_in_progress(learner=anh)]
    assert len(learning.courses) == 5
    assert [tuple(s) for s in learning.sessions] == [
        (s.pk, s.date, s.start_time, s.end_time, s.klass.name, s.place)
        for s in sessions_for_learner(learner=anh, limit=5, today=today)]
    assert len(learning.sessions) == 5 and {s.class_name for s in learning.sessions} == {"Lớp của Ánh"}
    assert [tuple(c) for c in learning.certificates] == [
        (c.code, c.course.title, c.issued_at, c.revoked_at) for c in recent_certificates(anh)]
    assert len(learning.certificates) == 5 and learning.certificates[1].revoked_at is not None
    # Bình: his own two courses and his certificate, none of Ánh's; his class's session is today, none tomorrow.
    binhs = Certificate.objects.get(code="HS-BINH01")
    assert learning_of(learner=binh, today=today + dt.timedelta(days=1)) == (
        [(e.course_id, e.course.title, None) for e in courses_in_progress(learner=binh)], [],
        [("HS-BINH01", "Của Bình 2", binhs.issued_at, None)])
    assert {c.course_title for c in learning_of(learner=binh, today=today).courses} == {"Của Bình", "Lớp Bình"}
    # Someone with nothing at all: still one statement, three empty lists.
    newcomer = make_learner(anh.unit, "Người Mới")
    with django_assert_num_queries(1):
        assert learning_of(learner=newcomer, today=today) == ([], [], [])
