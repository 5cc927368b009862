"""/api/v1/training/…: the learner's calendar, and classes for staff: scoping (instructors, focal points, API keys),
enrolling through the API, attendance rates."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from hocso.core.actors import SYSTEM
from hocso.identity.services import api_key_issue
from hocso.training.classes import services
from hocso.training.models import Attendance, CourseMode, Enrolment, EnrolmentStatus
from hocso.training.tests.factories import make_class, make_course

API = "/api/v1/training"


def test_my_calendar_lists_upcoming_sessions_and_deadlines(client, learner_user, learner_in_a):
    today = timezone.localdate()
    klass = make_class(make_course("Kỹ năng số nâng cao", mode=CourseMode.IN_PERSON, self_enrolment=False),
                       end_date=today + dt.timedelta(days=30))
    services.enrol_learner(actor=SYSTEM, klass=klass, learner=learner_in_a)
    past = services.session_create(actor=SYSTEM, klass=klass, date=today - dt.timedelta(days=2),
                                     start_time=dt.time(8), end_time=dt.time(9), place="Hội trường")
    coming = services.session_create(actor=SYSTEM, klass=klass, date=today + dt.timedelta(days=3),
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
        services.enrol_learner(actor=SYSTEM, klass=klass, learner=learner)
    session = services.session_create(actor=SYSTEM, klass=klass, date=timezone.localdate(),
                                        start_time=dt.time(8), end_time=dt.time(9), place="Hội trường")
    services.mark_attendance(actor=SYSTEM, session=session, present={learner_in_a.pk})
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
        services.enrol_learner(actor=SYSTEM, klass=klass, learner=learner)
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


def test_attendance_rows_do_not_count_future_sessions(client, province_admin, learner_in_a):
    klass = make_class()
    services.enrol_learner(actor=SYSTEM, klass=klass, learner=learner_in_a)
    today = timezone.localdate()
    held = services.session_create(actor=SYSTEM, klass=klass, date=today - dt.timedelta(days=1),
                                     start_time=dt.time(8), end_time=dt.time(9), place="Hội trường")
    services.session_create(actor=SYSTEM, klass=klass, date=today + dt.timedelta(days=1),
                              start_time=dt.time(8), end_time=dt.time(9), place="Hội trường")
    Attendance.objects.create(session=held, learner=learner_in_a, method="instructor")
    client.force_login(province_admin)
    data = client.get(f"{API}/classes/{klass.pk}/attendance").json()
    assert (data["sessions_held"], data["sessions_total"]) == (1, 2)
    assert data["items"][0]["rate"] == 100.0
