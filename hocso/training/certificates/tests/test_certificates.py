"""Certificates: issued once the course is completed, as a PDF with an installed DejaVu font, downloaded by their
holder and administrators, verified publicly."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from hocso.training.certificates import pdf, services
from hocso.training.courses import services as course_services
from hocso.training.models import Certificate, LessonKind
from hocso.training.tests.factories import enrol, make_course, make_lesson, make_module

EN = {"hocso_language": "en"}


def completed_course(learner):
    course = make_course("Chuyển đổi số cơ bản", hours=8)
    lesson = make_lesson(make_module(course), LessonKind.HTML)
    enrolment = enrol(learner, course)
    course_services.lesson_open(enrolment=enrolment, lesson=lesson, complete=True)
    return course, enrolment


def test_learner_gets_a_pdf_certificate_once_complete(client, learner_user, learner_in_a):
    course, enrolment = completed_course(learner_in_a)
    client.force_login(learner_user)
    response = client.post(reverse("training:certificate_claim", args=[course.pk]))
    certificate = Certificate.objects.get()
    assert response["Location"] == reverse("training:certificate_pdf", args=[certificate.code])
    assert certificate.learner_name == "Đặng Thị Ánh" and certificate.hours == 8
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    pdf = client.get(response["Location"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and b"DejaVu" in pdf.content
    # Claiming again returns the same certificate.
    client.post(reverse("training:certificate_claim", args=[course.pk]))
    assert Certificate.objects.count() == 1


def test_no_certificate_before_completion(client, learner_user, learner_in_a):
    course = make_course()
    make_lesson(make_module(course), LessonKind.HTML)
    enrol(learner_in_a, course)
    client.cookies.load(EN)
    client.force_login(learner_user)
    response = client.post(reverse("training:certificate_claim", args=[course.pk]), follow=True)
    assert "The course is not completed yet." in response.content.decode()
    assert not Certificate.objects.exists()


def test_only_the_holder_and_admins_download(client, learner_user, learner_in_a, province_admin, focal_a):
    _course, enrolment = completed_course(learner_in_a)
    certificate = services.certificate_issue(actor=learner_user, enrolment=enrolment)
    url = reverse("training:certificate_pdf", args=[certificate.code])
    client.force_login(focal_a)
    assert client.get(url).status_code == 404
    client.force_login(province_admin)
    assert client.get(url).status_code == 200


def test_public_verification(client, learner_user, learner_in_a):
    _course, enrolment = completed_course(learner_in_a)
    certificate = services.certificate_issue(actor=learner_user, enrolment=enrolment)
    client.cookies.load(EN)
    response = client.get(reverse("training:certificate_verify", args=[certificate.code]))
    body = response.content.decode()
    assert response.status_code == 200 and "Đặng Thị Ánh" in body and "This certificate is valid." in body
    assert client.get(reverse("training:certificate_verify", args=["KHONGCOMA234"])).status_code == 404
    certificate.revoked_at = timezone.now()
    certificate.save()
    assert "was revoked" in client.get(reverse("training:certificate_verify", args=[certificate.code])).content.decode()


def test_font_is_an_installed_dejavu():
    assert pdf.font_path().name == "DejaVuSans.ttf"
