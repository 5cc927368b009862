from __future__ import annotations

from hocso.people.privacy import Subject, personal_data
from hocso.training.courses import services
from hocso.training.models import LessonKind
from hocso.training.tests.factories import enrol, make_course, make_lesson, make_module


def test_personal_data_copy_has_enrolments_and_progress(learner_user, learner_in_a, learner_in_b):
    course = make_course("Khoá riêng")
    lesson = make_lesson(make_module(course), LessonKind.HTML, title="Bài mở đầu")
    services.lesson_open(enrolment=enrol(learner_in_a, course), lesson=lesson, complete=True)
    enrol(learner_in_b, make_course("Khoá của người khác"))
    data = personal_data(actor=learner_user, subject=Subject(user=learner_user, learner=learner_in_a))
    by_key = {section["key"]: section for section in data["sections"]}
    assert [row["course"] for row in by_key["training_enrolments"]["rows"]] == ["Khoá riêng"]
    (row,) = by_key["training_lesson_progress"]["rows"]
    assert row["lesson"] == "Bài mở đầu" and row["completed_at"] is not None


def test_personal_data_copy_has_attendance(learner_user, learner_in_a):
    import datetime as dt

    from hocso.core.actors import SYSTEM
    from hocso.training.classes import services as class_services
    from hocso.training.models import CourseClass

    klass = CourseClass.objects.create(course=make_course("Lớp tập trung"), name="Lớp A")
    class_services.enrol_learner(actor=SYSTEM, klass=klass, learner=learner_in_a)
    session = class_services.session_create(actor=SYSTEM, klass=klass, date=dt.date(2026, 3, 2), start_time=dt.time(8),
                                        end_time=dt.time(9), place="Hội trường")
    class_services.mark_attendance(actor=SYSTEM, session=session, present={learner_in_a.pk})
    data = personal_data(actor=learner_user, subject=Subject(user=learner_user, learner=learner_in_a))
    (row,) = {s["key"]: s for s in data["sections"]}["training_attendance"]["rows"]
    assert row["class"] == "Lớp A" and row["date"] == dt.date(2026, 3, 2)
