"""Deleting a module: confirmed first, refused once a learner has progress in it, for the course's editors only."""

from __future__ import annotations

from django.urls import reverse

from hocso.core.models import AuditEntry
from hocso.training.courses import services
from hocso.training.models import Lesson, LessonKind, LessonProgress, Module
from hocso.training.tests.factories import enrol, make_course, make_lesson, make_module

EN = {"hocso_language": "en"}


def test_module_without_progress_is_deleted_with_its_lessons_after_confirmation(client, instructor):
    course = services.course_create(actor=instructor, title="Khóa của tôi")
    module = make_module(course)
    make_lesson(module, LessonKind.HTML, title="Bài chưa ai mở")
    keep = make_module(course, "Chương 2")
    url = reverse("training:manage_module_delete", args=[module.pk])
    client.cookies.load(EN)
    client.force_login(instructor)
    page = client.get(url)
    assert page.status_code == 200 and "Bài chưa ai mở" in page.content.decode()
    assert Module.objects.filter(pk=module.pk).exists()  # GET only asks
    response = client.post(url)
    assert response["Location"] == reverse("training:manage_course", args=[course.pk])
    assert list(Module.objects.values_list("pk", flat=True)) == [keep.pk]
    assert not Lesson.objects.filter(module_id=module.pk).exists()
    assert AuditEntry.objects.get(action="course.module_delete").changes["title"] == "Chương 1"


def test_module_with_progress_is_refused_with_a_clear_message(client, instructor, learner_in_a):
    course = services.course_create(actor=instructor, title="Khóa của tôi", is_published=True)
    module = make_module(course)
    lesson = make_lesson(module, LessonKind.HTML)
    services.lesson_open(enrolment=enrol(learner_in_a, course), lesson=lesson)
    url = reverse("training:manage_module_delete", args=[module.pk])
    client.cookies.load(EN)
    client.force_login(instructor)
    message = "Learners have already made progress in this module, so it cannot be deleted."
    page = client.get(url).content.decode()
    assert message in page and 'type="submit"' not in page.split("<main", 1)[-1]
    response = client.post(url, follow=True)
    assert message in response.content.decode()
    assert Module.objects.filter(pk=module.pk).exists() and LessonProgress.objects.count() == 1
    assert not AuditEntry.objects.filter(action="course.module_delete").exists()


def test_only_course_editors_delete_modules(client, other_instructor):
    module = make_module(make_course())
    client.force_login(other_instructor)
    assert client.post(reverse("training:manage_module_delete", args=[module.pk])).status_code == 404
    assert Module.objects.filter(pk=module.pk).exists()
