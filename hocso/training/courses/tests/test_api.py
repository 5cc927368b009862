"""/api/v1/training/…: the learner's courses and progress (their own only), and the course list for staff."""

from __future__ import annotations

import pytest

from hocso.tests.factories import make_user
from hocso.training.certificates import services as certificate_services
from hocso.training.courses import services
from hocso.training.models import LessonKind
from hocso.training.tests.factories import enrol, make_course, make_lesson, make_module

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
    certificate_services.certificate_issue(actor=learner_user, enrolment=lone_enrolment)
    client.force_login(other_learner_user)
    response = client.get(f"{API}/my/courses/{course.pk}/progress")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert client.get(f"{API}/my/certificates").json() == []
    client.force_login(learner_user)
    assert [c["course_id"] for c in client.get(f"{API}/my/certificates").json()] == [lone.pk]


def test_staff_without_learner_profile_gets_403_on_my_endpoints(client, province_admin):
    client.force_login(province_admin)
    response = client.get(f"{API}/my/courses")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_a_learner"


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
