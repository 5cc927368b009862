"""Certificates (issue on completion, PDF, public verification) and the .ics calendar feed."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from hocso.tests.factories import SYSTEM, make_user
from hocso.training.certificates import services as certificates
from hocso.training.classes import attendance, calendar
from hocso.training.classes import services as services_classes
from hocso.training.courses import services
from hocso.training.models import Certificate, CourseMode, Enrolment, LessonKind
from hocso.training.tests.factories import enrol, make_class, make_course, make_lesson, make_module

EN = {"hocso_language": "en"}


def completed_course(learner):
    course = make_course("Chuyển đổi số cơ bản", hours=8)
    lesson = make_lesson(make_module(course), LessonKind.HTML)
    enrolment = enrol(learner, course)
    services.lesson_open(enrolment=enrolment, lesson=lesson, complete=True)
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
    certificate = certificates.certificate_issue(actor=learner_user, enrolment=enrolment)
    url = reverse("training:certificate_pdf", args=[certificate.code])
    client.force_login(focal_a)
    assert client.get(url).status_code == 404
    client.force_login(province_admin)
    assert client.get(url).status_code == 200


def test_public_verification(client, learner_user, learner_in_a):
    _course, enrolment = completed_course(learner_in_a)
    certificate = certificates.certificate_issue(actor=learner_user, enrolment=enrolment)
    client.cookies.load(EN)
    response = client.get(reverse("training:certificate_verify", args=[certificate.code]))
    body = response.content.decode()
    assert response.status_code == 200 and "Đặng Thị Ánh" in body and "This certificate is valid." in body
    assert client.get(reverse("training:certificate_verify", args=["KHONGCOMA234"])).status_code == 404
    certificate.revoked_at = timezone.now()
    certificate.save()
    assert "was revoked" in client.get(reverse("training:certificate_verify", args=[certificate.code])).content.decode()


def test_font_is_an_installed_dejavu():
    assert certificates.font_path().name == "DejaVuSans.ttf"


def test_calendar_feed_lists_the_learners_sessions(client, learner_user, learner_in_a):
    klass = make_class(make_course("Kỹ năng số; nâng cao", mode=CourseMode.IN_PERSON, self_enrolment=False))
    services_classes.enrol_learner(actor=SYSTEM, klass=klass, learner=learner_in_a)
    attendance.session_create(actor=SYSTEM, klass=klass, date=dt.date(2026, 12, 3), start_time=dt.time(8),
                              end_time=dt.time(11), place="Hội trường, tầng 2")
    other = make_class(make_course("Khoá khác", mode=CourseMode.IN_PERSON, self_enrolment=False), name="Lớp khác")
    attendance.session_create(actor=SYSTEM, klass=other, date=dt.date(2026, 12, 4), start_time=dt.time(8),
                              end_time=dt.time(9), place="Nơi khác")
    url = reverse("training:calendar_feed", args=[calendar.feed_token(learner_user)])
    response = client.get(url)  # calendar apps do not sign in
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert body.count("BEGIN:VEVENT") == 1
    assert "DTSTART:20261203T010000Z" in body  # 08:00 in Hanoi
    assert "LOCATION:Hội trường\\, tầng 2" in body and "Kỹ năng số\\; nâng cao" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert client.get(url.replace(".ics", "x.ics")).status_code == 404


def test_withdrawn_learner_has_no_sessions_in_the_feed(learner_in_a):
    klass = make_class()
    services_classes.enrol_learner(actor=SYSTEM, klass=klass, learner=learner_in_a)
    attendance.session_create(actor=SYSTEM, klass=klass, date=dt.date(2026, 12, 3), start_time=dt.time(8),
                              end_time=dt.time(9), place="Hội trường")
    assert len(calendar.sessions_for_learner(learner_in_a)) == 1
    services_classes.withdraw(actor=SYSTEM, enrolment=Enrolment.objects.get())
    assert calendar.sessions_for_learner(learner_in_a) == []


def test_long_lines_are_folded():
    folded = calendar._fold("SUMMARY:" + "Chuyển đổi số " * 20)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "SUMMARY:" + "Chuyển đổi số " * 20


def test_inactive_account_feed_is_404(client, learner_in_a):
    user = make_user(username="nghiviec", is_active=False)
    learner_in_a.user = user
    learner_in_a.save(update_fields=["user"])
    assert client.get(reverse("training:calendar_feed", args=[calendar.feed_token(user)])).status_code == 404
