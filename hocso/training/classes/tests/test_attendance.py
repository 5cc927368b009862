"""Sessions and attendance: instructor marking, QR check-in (expired, replayed, forged, someone else's code),
attendance rates and the attendance criterion of the completion rule."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hocso.core.actors import SYSTEM
from hocso.training.classes import checkin, selectors, services
from hocso.training.courses.completion import course_status
from hocso.training.models import Attendance, AttendanceMethod, CourseMode
from hocso.training.tests.factories import make_class, make_course

EN = {"hocso_language": "en"}


@pytest.fixture
def klass(instructor, learner_in_a, learner_in_b):
    course = make_course(mode=CourseMode.IN_PERSON, self_enrolment=False, require_lessons=False,
                         min_attendance_percent=50)
    klass = make_class(course)
    klass.instructors.add(instructor)
    for learner in (learner_in_a, learner_in_b):
        services.enrol_learner(actor=SYSTEM, klass=klass, learner=learner)
    return klass


def make_session(klass, days_ago: int = 0, **fields):
    fields.setdefault("place", "Hội trường UBND xã")
    return services.session_create(actor=SYSTEM, klass=klass, date=timezone.localdate() - dt.timedelta(days=days_ago),
                                     start_time=dt.time(8), end_time=dt.time(11), **fields)


def test_instructor_adds_a_session_and_the_form_reports_every_problem(client, instructor, klass):
    client.force_login(instructor)
    url = reverse("training:session_create", args=[klass.pk])
    response = client.post(url, {"date": "2026-12-01", "start_time": "10:00", "end_time": "09:00"})
    errors = response.context["form"].errors
    assert "end_time" in errors and "place" in errors
    response = client.post(url, {"date": "2026-12-01", "start_time": "08:00", "end_time": "11:00",
                                 "meeting_url": "https://meet.example.vn/abc"})
    assert response.status_code == 302 and klass.sessions.get().meeting_url == "https://meet.example.vn/abc"


def test_instructor_marks_attendance(client, instructor, klass, learner_in_a, learner_in_b, focal_a):
    session = make_session(klass)
    client.force_login(instructor)
    client.post(reverse("training:session", args=[session.pk]), {"present": [learner_in_a.pk, learner_in_b.pk]})
    assert set(session.attendances.values_list("learner_id", flat=True)) == {learner_in_a.pk, learner_in_b.pk}
    client.post(reverse("training:session", args=[session.pk]), {"present": [learner_in_a.pk]})
    assert list(session.attendances.values_list("learner_id", "method")) == [
        (learner_in_a.pk, AttendanceMethod.INSTRUCTOR)]
    # Focal points may look but not mark.
    client.force_login(focal_a)
    assert client.post(reverse("training:session", args=[session.pk]), {"present": []}).status_code == 403
    assert session.attendances.count() == 1


def test_cannot_mark_someone_outside_the_class(instructor, klass, commune_b):
    from hocso.tests.factories import make_learner

    outsider = make_learner(commune_b, "Hoàng Văn Giang")
    session = make_session(klass)
    with pytest.raises(ValidationError, match="Chỉ có thể điểm danh có mặt cho người đã ghi danh"):
        services.mark_attendance(actor=instructor, session=session, present={outsider.pk})
    assert not session.attendances.exists()


def test_qr_page_shows_a_code_for_the_session(client, instructor, klass):
    session = make_session(klass)
    client.force_login(instructor)
    response = client.get(reverse("training:session_qr", args=[session.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and "<svg" in body and "/dao-tao/diem-danh/" in body
    assert 'http-equiv="refresh"' in body


def test_learner_checks_in_once(client, learner_user, learner_in_a, klass):
    session = make_session(klass)
    url = reverse("training:checkin", args=[checkin.checkin_token(session)])
    client.force_login(learner_user)
    assert client.get(url).status_code == 200 and not Attendance.objects.exists()
    assert client.post(url).status_code == 302
    row = Attendance.objects.get()
    assert (row.learner, row.session, row.method) == (learner_in_a, session, AttendanceMethod.QR)
    # The same code again (a replay, or a second scan) is refused.
    assert client.post(url).status_code == 409
    assert Attendance.objects.count() == 1


def test_expired_code_is_refused(client, settings, learner_user, learner_in_a, klass):
    session = make_session(klass)
    token = checkin.checkin_token(session)
    settings.HOCSO_CHECKIN_TOKEN_SECONDS = 1
    time.sleep(2.1)  # the real clock moves past the code's lifetime; nothing is patched
    client.force_login(learner_user)
    response = client.post(reverse("training:checkin", args=[token]))
    assert response.status_code == 410 and not Attendance.objects.exists()


def test_forged_code_is_refused(client, learner_user, learner_in_a, klass):
    session = make_session(klass)
    other = make_session(klass, days_ago=1)
    token = checkin.checkin_token(session)
    forged = f"{other.pk}:{token.split(':', 1)[1]}"
    client.force_login(learner_user)
    assert client.post(reverse("training:checkin", args=[forged])).status_code == 400
    assert client.post(reverse("training:checkin", args=["12:abc:def"])).status_code == 400
    assert not Attendance.objects.exists()


def test_code_of_another_class_is_refused(client, learner_user, learner_in_a):
    other_class = make_class(make_course("Khoá khác", mode=CourseMode.IN_PERSON, self_enrolment=False))
    session = make_session(other_class)
    client.cookies.load(EN)
    client.force_login(learner_user)
    response = client.post(reverse("training:checkin", args=[checkin.checkin_token(session)]))
    assert response.status_code == 403 and "not enrolled" in response.content.decode()
    assert not Attendance.objects.exists()


def test_rates_per_learner_and_class_and_completion(client, instructor, focal_a, klass, learner_in_a, learner_in_b):
    first, second = make_session(klass, days_ago=2), make_session(klass, days_ago=1)
    make_session(klass, days_ago=-3)  # not held yet: does not count
    services.mark_attendance(actor=instructor, session=first, present={learner_in_a.pk, learner_in_b.pk})
    services.mark_attendance(actor=instructor, session=second, present={learner_in_a.pk})
    held, attended = selectors.class_rates(klass)
    assert held == 2 and attended == {learner_in_a.pk: 2, learner_in_b.pk: 1}
    assert selectors.learner_course_rate(course=klass.course, learner=learner_in_b) == 50
    assert course_status(klass.course, learner_in_b).complete is True  # 50 % required
    klass.course.min_attendance_percent = 80
    assert course_status(klass.course, learner_in_b).complete is False
    assert course_status(klass.course, learner_in_a).complete is True

    client.force_login(instructor)
    body = client.get(reverse("training:class_attendance", args=[klass.pk])).content.decode()
    assert "100,0%" in body and "50,0%" in body
    client.force_login(focal_a)
    body = client.get(reverse("training:class_attendance", args=[klass.pk])).content.decode()
    assert learner_in_a.full_name in body and learner_in_b.full_name not in body


def test_session_of_an_invisible_class_is_404(client, other_instructor, klass):
    session = make_session(klass)
    client.force_login(other_instructor)
    assert client.get(reverse("training:session", args=[session.pk])).status_code == 404
    assert client.get(reverse("training:session_qr", args=[session.pk])).status_code == 404
