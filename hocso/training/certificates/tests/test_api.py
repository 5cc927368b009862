"""/api/v1/training/…: the learner's certificates with their links, and the public check of a code."""

from __future__ import annotations

from hocso.training.certificates import services
from hocso.training.courses import services as course_services
from hocso.training.models import LessonKind
from hocso.training.tests.factories import enrol, make_course, make_lesson, make_module

API = "/api/v1/training"


def test_my_certificates_have_verify_and_pdf_links(client, learner_user, learner_in_a):
    course = make_course("Chuyển đổi số", hours=8)
    lesson = make_lesson(make_module(course), LessonKind.HTML)
    enrolment = enrol(learner_in_a, course)
    course_services.lesson_open(enrolment=enrolment, lesson=lesson, complete=True)
    certificate = services.certificate_issue(actor=learner_user, enrolment=enrolment)
    client.force_login(learner_user)
    [item] = client.get(f"{API}/my/certificates").json()
    assert item["code"] == certificate.code and item["course_title"] == "Chuyển đổi số" and item["hours"] == 8
    assert item["verify_url"] == f"http://testserver/dao-tao/xac-minh/{certificate.code}/"
    pdf = client.get(item["pdf_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_verify_is_public_and_shows_revocation(client, learner_user, learner_in_a, province_admin):
    course = make_course("Chuyển đổi số", hours=8)
    lesson = make_lesson(make_module(course), LessonKind.HTML)
    enrolment = enrol(learner_in_a, course)
    course_services.lesson_open(enrolment=enrolment, lesson=lesson, complete=True)
    certificate = services.certificate_issue(actor=learner_user, enrolment=enrolment)
    data = client.get(f"{API}/certificates/{certificate.code.lower()}/verify").json()
    assert data["valid"] is True and data["learner_name"] == "Đặng Thị Ánh" and data["hours"] == 8
    assert set(data) == {"code", "valid", "learner_name", "course_title", "hours", "issued_at", "revoked_at"}
    services.certificate_revoke(actor=province_admin, certificate=certificate, reason="Cấp nhầm")
    data = client.get(f"{API}/certificates/{certificate.code}/verify").json()
    assert data["valid"] is False and data["revoked_at"] and "Cấp nhầm" not in str(data)  # the reason stays private
    assert client.get(f"{API}/certificates/KHONGCOMA234/verify").status_code == 404
