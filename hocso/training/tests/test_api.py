"""/api/v1/training/…: learners' own data, staff scoping, enrolment through the API and public verification."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hocso.identity.services import api_key_issue
from hocso.tests.factories import SYSTEM, make_user
from hocso.training.certificates import services as certificates
from hocso.training.classes import attendance
from hocso.training.classes import services as services_classes
from hocso.training.courses import services
from hocso.training.models import Attendance, CourseMode, Enrolment, EnrolmentStatus, LessonKind
from hocso.training.tests.factories import enrol, make_class, make_course, make_lesson, make_module

API = "/api/v1/training"


@pytest.fixture
def other_learner_user(learner_in_b):
    user = make_user(username="hocvien_b")
    learner_in_b.user = user
    learner_in_b.save(update_fields=["user"])
    return user


def _course_with_two_lessons(title="Kỹ năng số cơ bản"):
    course = make_course(title, hours=4)
    module = make_module(course)
    first = make_lesson(module, LessonKind.HTML, title="Bài 1")
    second = make_lesson(module, LessonKind.VIDEO, title="Bài 2")
    return course, first, second


# --- authentication ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/my/courses", "/my/certificates", "/my/calendar", "/my/courses/1/progress",
                                  "/courses", "/classes", "/classes/1/enrolments", "/classes/1/attendance"])
def test_unauthenticated_gets_401(client, db, path):
    response = client.get(API + path)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_learner_endpoints_refuse_api_keys(client, province_admin):
    _key, raw = api_key_issue(actor=province_admin, name="IOC", unit=None)
    response = client.get(f"{API}/my/courses", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401


def test_endpoints_are_in_the_openapi_schema(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ["/my/courses", "/my/courses/{course_id}/progress", "/my/certificates", "/my/calendar", "/courses",
                 "/classes", "/classes/{class_id}/enrolments", "/classes/{class_id}/attendance",
                 "/certificates/{code}/verify"]:
        operations = paths[f"{API}{path}"]
        for operation in operations.values():
            assert operation["tags"] == ["training"] and operation["summary"]
    assert "post" in paths[f"{API}/classes/{{class_id}}/enrolments"]


# --- learner -------------------------------------------------------------------------------------------------


def test_my_courses_with_completion_and_resume(client, learner_user, learner_in_a):
    course, first, _second = _course_with_two_lessons()
    other = make_course("Khóa chưa ghi danh")
    enrolment = enrol(learner_in_a, course)
    services.lesson_open(enrolment=enrolment, lesson=first, complete=True)
    client.force_login(learner_user)
    items = {item["title"]: item for item in client.get(f"{API}/my/courses").json()["items"]}
    mine = items[course.title]
    assert mine["enrolment_status"] == "active"
    assert mine["completion"]["lessons_done"] == 1 and mine["completion"]["lessons_total"] == 2
    assert mine["completion"]["percent"] == 50 and mine["completion"]["complete"] is False
    assert mine["resume_lesson_id"] == first.pk and mine["certificate_code"] is None
    assert items[other.title]["enrolment_status"] is None and items[other.title]["completion"] is None
    enrolled_only = client.get(f"{API}/my/courses", {"enrolled": "true"}).json()
    assert [item["id"] for item in enrolled_only["items"]] == [course.pk] and enrolled_only["count"] == 1


def test_progress_per_lesson_and_resume_point(client, learner_user, learner_in_a):
    course, first, second = _course_with_two_lessons()
    enrolment = enrol(learner_in_a, course)
    client.force_login(learner_user)
    data = client.get(f"{API}/my/courses/{course.pk}/progress").json()
    assert data["resume_lesson_id"] == first.pk  # nothing opened yet: the first required lesson
    services.lesson_open(enrolment=enrolment, lesson=first, complete=True)
    services.video_progress(enrolment=enrolment, lesson=second, position=30, watched=30, duration=100)
    data = client.get(f"{API}/my/courses/{course.pk}/progress").json()
    lessons = {lesson["id"]: lesson for lesson in data["modules"][0]["lessons"]}
    assert lessons[first.pk]["done"] is True and lessons[first.pk]["position_seconds"] is None
    assert lessons[second.pk]["done"] is False
    assert lessons[second.pk]["position_seconds"] == 30 and lessons[second.pk]["duration_seconds"] == 100
    assert data["resume_lesson_id"] == first.pk and data["completion"]["percent"] == 50


def test_a_learner_cannot_see_anothers_progress_or_certificates(client, learner_user, learner_in_a,
                                                                 other_learner_user):
    course, first, _second = _course_with_two_lessons()
    enrolment = enrol(learner_in_a, course)
    services.lesson_open(enrolment=enrolment, lesson=first, complete=True)
    lone = make_course("Một bài")
    lesson = make_lesson(make_module(lone), LessonKind.HTML)
    lone_enrolment = enrol(learner_in_a, lone)
    services.lesson_open(enrolment=lone_enrolment, lesson=lesson, complete=True)
    certificates.certificate_issue(actor=learner_user, enrolment=lone_enrolment)
    client.force_login(other_learner_user)
    response = client.get(f"{API}/my/courses/{course.pk}/progress")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert client.get(f"{API}/my/certificates").json() == []
    client.force_login(learner_user)
    assert [c["course_id"] for c in client.get(f"{API}/my/certificates").json()] == [lone.pk]


def test_my_certificates_have_verify_and_pdf_links(client, learner_user, learner_in_a):
    course = make_course("Chuyển đổi số", hours=8)
    lesson = make_lesson(make_module(course), LessonKind.HTML)
    enrolment = enrol(learner_in_a, course)
    services.lesson_open(enrolment=enrolment, lesson=lesson, complete=True)
    certificate = certificates.certificate_issue(actor=learner_user, enrolment=enrolment)
    client.force_login(learner_user)
    [item] = client.get(f"{API}/my/certificates").json()
    assert item["code"] == certificate.code and item["course_title"] == "Chuyển đổi số" and item["hours"] == 8
    assert item["verify_url"] == f"http://testserver/dao-tao/xac-minh/{certificate.code}/"
    pdf = client.get(item["pdf_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_my_calendar_lists_upcoming_sessions_and_deadlines(client, learner_user, learner_in_a):
    today = timezone.localdate()
    klass = make_class(make_course("Kỹ năng số nâng cao", mode=CourseMode.IN_PERSON, self_enrolment=False),
                       end_date=today + dt.timedelta(days=30))
    services_classes.enrol_learner(actor=SYSTEM, klass=klass, learner=learner_in_a)
    past = attendance.session_create(actor=SYSTEM, klass=klass, date=today - dt.timedelta(days=2),
                                     start_time=dt.time(8), end_time=dt.time(9), place="Hội trường")
    coming = attendance.session_create(actor=SYSTEM, klass=klass, date=today + dt.timedelta(days=3),
                                       start_time=dt.time(8), end_time=dt.time(11), place="Hội trường")
    client.force_login(learner_user)
    data = client.get(f"{API}/my/calendar").json()
    assert [s["id"] for s in data["sessions"]] == [coming.pk] and past.pk != coming.pk
    assert data["sessions"][0]["class_name"] == klass.name
    assert data["deadlines"] == [{
        "kind": "class_end", "date": (today + dt.timedelta(days=30)).isoformat(), "at": None,
        "course_id": klass.course_id, "course_title": "Kỹ năng số nâng cao", "class_id": klass.pk,
        "title": klass.name,
    }]
    assert data["feed_url"].endswith(".ics")


def test_staff_without_learner_profile_gets_403_on_my_endpoints(client, province_admin):
    client.force_login(province_admin)
    response = client.get(f"{API}/my/courses")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_a_learner"


# --- staff ---------------------------------------------------------------------------------------------------


def test_courses_for_admin_instructor_focal_point_and_learner(client, province_admin, instructor, focal_a,
                                                              learner_user):
    own = services.course_create(actor=instructor, title="Khóa của giảng viên", is_published=False)
    make_course("Khóa đã công bố")
    client.force_login(province_admin)
    assert client.get(f"{API}/courses").json()["count"] == 2
    assert [c["title"] for c in client.get(f"{API}/courses", {"q": "giảng viên"}).json()["items"]] == [own.title]
    client.force_login(instructor)
    assert [c["id"] for c in client.get(f"{API}/courses").json()["items"]] == [own.pk]
    client.force_login(focal_a)
    assert [c["title"] for c in client.get(f"{API}/courses").json()["items"]] == ["Khóa đã công bố"]
    client.force_login(learner_user)
    assert client.get(f"{API}/courses").status_code == 403


def test_classes_paginated_and_filtered_by_course(client, province_admin, instructor):
    course = make_course("Khóa A", mode=CourseMode.IN_PERSON, self_enrolment=False)
    for number in range(3):
        make_class(course, name=f"Lớp {number}")
    taught = make_class(name="Lớp khác")
    taught.instructors.add(instructor)
    client.force_login(province_admin)
    page = client.get(f"{API}/classes", {"course": course.pk, "page_size": 2}).json()
    assert page["count"] == 3 and page["pages"] == 2 and len(page["items"]) == 2
    assert page["items"][0]["course"] == {"id": course.pk, "title": "Khóa A"}
    client.force_login(instructor)
    assert [c["id"] for c in client.get(f"{API}/classes").json()["items"]] == [taught.pk]


def test_focal_point_sees_only_their_subtree_in_enrolments_and_attendance(client, focal_a, learner_in_a,
                                                                          learner_in_b, province_admin):
    klass = make_class()
    for learner in (learner_in_a, learner_in_b):
        services_classes.enrol_learner(actor=SYSTEM, klass=klass, learner=learner)
    session = attendance.session_create(actor=SYSTEM, klass=klass, date=timezone.localdate(),
                                        start_time=dt.time(8), end_time=dt.time(9), place="Hội trường")
    attendance.mark_attendance(actor=SYSTEM, session=session, present={learner_in_a.pk})
    client.force_login(focal_a)
    enrolments = client.get(f"{API}/classes/{klass.pk}/enrolments").json()
    assert [e["learner"]["id"] for e in enrolments["items"]] == [learner_in_a.pk]
    assert set(enrolments["items"][0]["learner"]) == {"id", "full_name", "unit"}  # no CCCD, no birth date
    rates = client.get(f"{API}/classes/{klass.pk}/attendance").json()
    assert rates["sessions_held"] == 1
    assert [(r["learner"]["id"], r["attended"], r["rate"]) for r in rates["items"]] == [(learner_in_a.pk, 1, 100.0)]
    client.force_login(province_admin)
    rates = client.get(f"{API}/classes/{klass.pk}/attendance").json()
    assert {r["learner"]["id"]: r["rate"] for r in rates["items"]} == {learner_in_a.pk: 100.0, learner_in_b.pk: 0.0}


def test_api_key_reads_like_a_focal_point_of_its_unit_and_cannot_enrol(client, province_admin, commune_a,
                                                                       learner_in_a, learner_in_b):
    klass = make_class()
    for learner in (learner_in_a, learner_in_b):
        services_classes.enrol_learner(actor=SYSTEM, klass=klass, learner=learner)
    _key, raw = api_key_issue(actor=province_admin, name="Website xã A", unit=commune_a)
    headers = {"HTTP_X_API_KEY": raw}
    assert client.get(f"{API}/classes", **headers).json()["count"] == 1
    items = client.get(f"{API}/classes/{klass.pk}/enrolments", **headers).json()["items"]
    assert [e["learner"]["id"] for e in items] == [learner_in_a.pk]
    response = client.post(f"{API}/classes/{klass.pk}/enrolments", {"learner_id": learner_in_a.pk},
                           content_type="application/json", **headers)
    assert response.status_code == 403


def test_enrol_through_the_api_fills_seats_then_the_waiting_list(client, province_admin, learner_in_a,
                                                                 learner_in_b):
    klass = make_class(capacity=1)
    client.force_login(province_admin)
    url = f"{API}/classes/{klass.pk}/enrolments"
    first = client.post(url, {"learner_id": learner_in_a.pk}, content_type="application/json").json()
    assert (first["enrolled"], first["waiting"], first["enrolment"]["status"]) == (1, 0, "active")
    second = client.post(url, {"learner_id": learner_in_b.pk}, content_type="application/json").json()
    assert (second["enrolled"], second["waiting"], second["enrolment"]["status"]) == (0, 1, "waiting")
    again = client.post(url, {"learner_id": learner_in_a.pk}, content_type="application/json").json()
    assert again["skipped"] == 1
    assert Enrolment.objects.filter(klass=klass, status=EnrolmentStatus.ACTIVE).count() == 1
    missing = client.post(url, {"learner_id": 999999}, content_type="application/json")
    assert missing.status_code == 404


def test_focal_point_cannot_enrol_someone_outside_their_subtree(client, focal_a, learner_in_a, learner_in_b):
    klass = make_class()
    client.force_login(focal_a)
    url = f"{API}/classes/{klass.pk}/enrolments"
    assert client.post(url, {"learner_id": learner_in_b.pk}, content_type="application/json").status_code == 404
    assert client.post(url, {"learner_id": learner_in_a.pk}, content_type="application/json").status_code == 200
    assert list(Enrolment.objects.values_list("learner_id", flat=True)) == [learner_in_a.pk]


def test_instructor_cannot_see_a_class_they_do_not_teach(client, instructor):
    klass = make_class()
    client.force_login(instructor)
    assert client.get(f"{API}/classes/{klass.pk}/enrolments").status_code == 404
    assert client.get(f"{API}/classes/{klass.pk}/attendance").status_code == 404


def test_session_auth_post_needs_csrf(learner_in_a, province_admin):
    from django.test import Client

    klass = make_class()
    client = Client(enforce_csrf_checks=True)
    client.force_login(province_admin)
    response = client.post(f"{API}/classes/{klass.pk}/enrolments", {"learner_id": learner_in_a.pk},
                           content_type="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "csrf_failed"
    assert not Enrolment.objects.exists()


# --- public verification -------------------------------------------------------------------------------------


def test_verify_is_public_and_shows_revocation(client, learner_user, learner_in_a, province_admin):
    course = make_course("Chuyển đổi số", hours=8)
    lesson = make_lesson(make_module(course), LessonKind.HTML)
    enrolment = enrol(learner_in_a, course)
    services.lesson_open(enrolment=enrolment, lesson=lesson, complete=True)
    certificate = certificates.certificate_issue(actor=learner_user, enrolment=enrolment)
    data = client.get(f"{API}/certificates/{certificate.code.lower()}/verify").json()
    assert data["valid"] is True and data["learner_name"] == "Đặng Thị Ánh" and data["hours"] == 8
    assert set(data) == {"code", "valid", "learner_name", "course_title", "hours", "issued_at", "revoked_at"}
    certificates.certificate_revoke(actor=province_admin, certificate=certificate, reason="Cấp nhầm")
    data = client.get(f"{API}/certificates/{certificate.code}/verify").json()
    assert data["valid"] is False and data["revoked_at"] and "Cấp nhầm" not in str(data)  # the reason stays private
    assert client.get(f"{API}/certificates/KHONGCOMA234/verify").status_code == 404


def test_attendance_rows_do_not_count_future_sessions(client, province_admin, learner_in_a):
    klass = make_class()
    services_classes.enrol_learner(actor=SYSTEM, klass=klass, learner=learner_in_a)
    today = timezone.localdate()
    held = attendance.session_create(actor=SYSTEM, klass=klass, date=today - dt.timedelta(days=1),
                                     start_time=dt.time(8), end_time=dt.time(9), place="Hội trường")
    attendance.session_create(actor=SYSTEM, klass=klass, date=today + dt.timedelta(days=1),
                              start_time=dt.time(8), end_time=dt.time(9), place="Hội trường")
    Attendance.objects.create(session=held, learner=learner_in_a, method="instructor")
    client.force_login(province_admin)
    data = client.get(f"{API}/classes/{klass.pk}/attendance").json()
    assert (data["sessions_held"], data["sessions_total"]) == (1, 2)
    assert data["items"][0]["rate"] == 100.0
