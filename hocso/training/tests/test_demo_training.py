"""The demo province comes with training: five specialist courses in three classes each, certificates that verify,
two online courses for everyone, and the demo learner part of the way through one of them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from hocso.demo.training import GENERAL, SPECIALIST
from hocso.training.models import (
    Attendance,
    Certificate,
    Course,
    CourseMode,
    Enrolment,
    EnrolmentStatus,
    LessonKind,
    LessonProgress,
)

EN = "hocso_language=en"


@pytest.fixture
def seeded(db):
    call_command("seed_demo", learners=150, stdout=StringIO())


def test_five_specialist_courses_with_three_classes_each(seeded):
    titles = [spec.title for spec in SPECIALIST]
    assert titles == ["AI và dữ liệu lớn", "Blockchain trong quản lý nhà nước", "Internet vạn vật (IoT)",
                      "Thực tế ảo", "An toàn thông tin"]
    for course in Course.objects.filter(title__in=titles):
        classes = list(course.classes.all())
        assert len(classes) == 3
        assert {k.mode for k in classes} == {CourseMode.IN_PERSON, CourseMode.ONLINE, CourseMode.HYBRID}
        for klass in classes:
            assert 80 <= klass.capacity <= 90 and klass.start_date.year == 2026
            assert [u.username for u in klass.instructors.all()] == ["giangvien"]
            assert all(s.place or s.meeting_url for s in klass.sessions.all())
        kinds = set(course.modules.values_list("lessons__kind", flat=True))
        assert {LessonKind.HTML, LessonKind.LINK, LessonKind.QUIZ} <= kinds
    assert Course.objects.filter(title__in=titles).count() == 5
    assert Attendance.objects.filter(session__klass__course__title__in=titles).exists()


def test_certificates_verify(seeded, client):
    certificates = list(Certificate.objects.select_related("course", "learner"))
    assert certificates
    assert {c.course.title for c in certificates} <= {spec.title for spec in SPECIALIST}
    client.cookies.load(EN)
    for certificate in certificates[:3]:
        body = client.get(reverse("training:certificate_verify", args=[certificate.code])).content.decode()
        assert "This certificate is valid." in body and certificate.learner.full_name in body
        assert Enrolment.objects.get(learner=certificate.learner, course=certificate.course).completed_at


def test_demo_learner_can_continue_an_online_course(seeded):
    enrolment = Enrolment.objects.get(learner__user__username="hocvien", course__title=GENERAL[0].title)
    assert enrolment.status == EnrolmentStatus.ACTIVE and enrolment.last_lesson is not None
    done = LessonProgress.objects.filter(learner=enrolment.learner, lesson__module__course=enrolment.course,
                                         completed_at__isnull=False).count()
    total = enrolment.course.modules.values("lessons").count()
    assert 0 < done < total
    assert Course.objects.get(title=GENERAL[1].title).enrolments.exists()


def test_reset_removes_the_demo_training(seeded):
    call_command("seed_demo", learners=150, reset=True, stdout=StringIO())
    assert Course.objects.filter(title=SPECIALIST[0].title).count() == 1
    assert Certificate.objects.exists()
