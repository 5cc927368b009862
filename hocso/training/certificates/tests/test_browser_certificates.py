"""A real headless Chromium: an instructor issues certificates to the whole class from the class page (the task runs
through django-tasks' immediate backend once the request commits), then revokes one from its verification page."""

from __future__ import annotations

import pytest

from hocso.core.actors import SYSTEM
from hocso.tests.browser import sign_in
from hocso.tests.factories import make_learner
from hocso.training.classes import services as class_services
from hocso.training.courses import services
from hocso.training.models import Certificate, CourseMode, LessonKind
from hocso.training.tests.factories import make_class, make_course, make_lesson, make_module

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_instructor_issues_to_the_class_then_revokes_one(page, live_server, instructor, learner_in_a,
                                                        school_a, media_root):
    page.context.add_cookies([{"name": "hocso_language", "value": "en", "url": live_server.url}])
    course = make_course("Kỹ năng số tại lớp", mode=CourseMode.IN_PERSON, self_enrolment=False, hours=6)
    lesson = make_lesson(make_module(course), LessonKind.HTML)
    klass = make_class(course)
    klass.instructors.add(instructor)
    course.owner = instructor
    course.save(update_fields=["owner"])
    waiting = make_learner(school_a, "Lê Văn Cường")
    for learner in (learner_in_a, waiting):
        class_services.enrol_learner(actor=SYSTEM, klass=klass, learner=learner)
    done = klass.enrolments.get(learner=learner_in_a)
    services.lesson_open(enrolment=done, lesson=lesson, complete=True)

    sign_in(page, live_server.url, instructor.username)
    page.goto(f"{live_server.url}/dao-tao/lop/{klass.pk}/")
    page.click("text=Issue certificates to the whole class")
    page.wait_for_url(f"**/dao-tao/lop/{klass.pk}/")
    section = page.locator("#certificates")
    assert "1 of 2 enrolled learners hold a certificate." in section.inner_text()
    assert "Issued: 1; already had one: 0; not completed yet: 1." in section.inner_text()
    certificate = Certificate.objects.get()
    assert certificate.learner_id == learner_in_a.pk

    page.click(f"a[href='/dao-tao/xac-minh/{certificate.code}/']")
    page.click("text=Revoke the certificate")
    page.fill("textarea[name=reason]", "Cấp nhầm lớp")
    page.click("button[type=submit].danger")
    page.wait_for_url(f"**/dao-tao/xac-minh/{certificate.code}/")
    assert "Cấp nhầm lớp" in page.locator("main").inner_text()
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Cấp nhầm lớp"
