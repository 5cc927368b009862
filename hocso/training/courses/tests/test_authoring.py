"""Authoring pages: who may create and edit courses, lessons with uploads, and the storage API only."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hocso.core.models import AuditEntry
from hocso.training.models import Course, Lesson, LessonKind, Module
from hocso.training.tests.factories import enrol, make_course, make_lesson, make_module

EN = {"hocso_language": "en"}


def _course_post(**extra):
    data = {"title": "An toàn thông tin", "summary": "", "topic": "Bảo mật", "hours": "4", "mode": "online",
            "require_lessons": "on", "is_published": "on", "self_enrolment": "on"}
    data.update(extra)
    return data


def test_instructor_creates_course_module_and_lesson(client, instructor, media_root):
    client.force_login(instructor)
    response = client.post(reverse("training:manage_create"), _course_post())
    course = Course.objects.get(title="An toàn thông tin")
    assert response.status_code == 302 and course.owner == instructor
    assert AuditEntry.objects.filter(action="course.create").exists()
    client.post(reverse("training:manage_module_create", args=[course.pk]), {"title": "Chương 1"})
    module = Module.objects.get(course=course)
    upload = SimpleUploadedFile("gioi-thieu.mp4", b"video-bytes", content_type="video/mp4")
    response = client.post(reverse("training:manage_lesson_create", args=[module.pk]),
                           {"title": "Giới thiệu", "kind": "video", "is_required": "on", "upload": upload})
    assert response.status_code == 302
    lesson = Lesson.objects.get(module=module)
    assert lesson.original_name == "gioi-thieu.mp4" and (media_root / lesson.file_name).read_bytes() == b"video-bytes"


def test_course_form_reports_every_problem(client, province_admin):
    client.cookies.load(EN)
    client.force_login(province_admin)
    response = client.post(reverse("training:manage_create"),
                           _course_post(title="", mode="in_person", min_attendance_percent="150"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "title" in form.errors and "min_attendance_percent" in form.errors
    response = client.post(reverse("training:manage_create"), _course_post(mode="in_person"))
    assert "Only online courses can be open for self-enrolment." in response.content.decode()
    assert not Course.objects.exists()


def test_lesson_form_requires_what_the_kind_needs(client, province_admin):
    client.cookies.load(EN)
    module = make_module(make_course())
    client.force_login(province_admin)
    url = reverse("training:manage_lesson_create", args=[module.pk])
    body = client.post(url, {"title": "Trang", "kind": "html", "html": ""}).content.decode()
    assert "Write the content of the page." in body
    body = client.post(url, {"title": "Liên kết", "kind": "link"}).content.decode()
    assert "Give the address of the page." in body
    body = client.post(url, {"title": "KT", "kind": "quiz"}).content.decode()
    assert "Choose the quiz." in body
    assert not Lesson.objects.exists()


def test_learner_and_focal_point_cannot_author(client, learner_user, focal_a):
    for user in (learner_user, focal_a):
        client.force_login(user)
        assert client.get(reverse("training:manage_list")).status_code == 403
        assert client.post(reverse("training:manage_create"), _course_post()).status_code == 403
    assert not Course.objects.exists()


def test_instructor_cannot_open_another_instructors_course(client, instructor, other_instructor, province_admin):
    client.force_login(instructor)
    client.post(reverse("training:manage_create"), _course_post())
    course = Course.objects.get()
    module = make_module(course)
    lesson = make_lesson(module)
    client.force_login(other_instructor)
    assert client.get(reverse("training:manage_course", args=[course.pk])).status_code == 404
    assert client.get(reverse("training:manage_lesson", args=[lesson.pk])).status_code == 404
    assert client.post(reverse("training:manage_lesson_delete", args=[lesson.pk])).status_code == 404
    assert "An toàn thông tin" not in client.get(reverse("training:manage_list")).content.decode()
    client.force_login(province_admin)
    assert client.get(reverse("training:manage_course", args=[course.pk])).status_code == 200


def test_manage_list_query_count(client, province_admin, django_assert_max_num_queries):
    for n in range(8):
        make_module(make_course(f"Khoá {n}"))
    client.force_login(province_admin)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("training:manage_list"))
    assert "Khoá 7" in response.content.decode()


def test_editing_a_course_is_audited_with_before_and_after(client, province_admin):
    course = make_course("Cũ")
    client.force_login(province_admin)
    client.post(reverse("training:manage_course", args=[course.pk]), _course_post(title="Mới"))
    entry = AuditEntry.objects.filter(action="course.update").get()
    assert entry.changes["title"] == ["Cũ", "Mới"]


def test_files_go_through_the_storage_api_only(client, province_admin, learner_user, learner_in_a, dict_storage):
    course = make_course()
    module = make_module(course)
    client.force_login(province_admin)
    upload = SimpleUploadedFile("tai-lieu.pdf", b"%PDF bytes", content_type="application/pdf")
    client.post(reverse("training:manage_lesson_create", args=[module.pk]),
                {"title": "Tài liệu", "kind": "document", "is_required": "on", "upload": upload})
    lesson = Lesson.objects.get(module=module)
    assert dict_storage == {lesson.file_name: b"%PDF bytes"}
    enrol(learner_in_a, course)
    client.force_login(learner_user)
    response = client.get(reverse("training:lesson_file", args=[lesson.pk]))
    assert b"".join(response.streaming_content) == b"%PDF bytes"
    ranged = client.get(reverse("training:lesson_file", args=[lesson.pk]), HTTP_RANGE="bytes=1-3")
    assert ranged.status_code == 206 and b"".join(ranged.streaming_content) == b"PDF"
    # Replacing the file deletes the old one once committed; switching to a page drops the file.
    client.force_login(province_admin)
    new = SimpleUploadedFile("v2.pdf", b"%PDF v2", content_type="application/pdf")
    with_commit = {"title": "Tài liệu", "kind": "document", "is_required": "on", "upload": new}
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("training:manage_lesson", args=[lesson.pk]), with_commit)
    lesson.refresh_from_db()
    assert dict_storage == {lesson.file_name: b"%PDF v2"}
    client.post(reverse("training:manage_lesson", args=[lesson.pk]),
                {"title": "Tài liệu", "kind": "html", "html": "<p>x</p>", "is_required": "on"})
    assert dict_storage == {}
    assert Lesson.objects.get().kind == LessonKind.HTML
