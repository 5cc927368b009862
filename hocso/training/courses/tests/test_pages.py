"""Learner pages over HTTP: catalogue, enrolment, lessons of each kind, files, video progress and resuming."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hocso.training.models import CourseMode, Enrolment, EnrolmentStatus, LessonKind, LessonProgress
from hocso.training.tests.factories import enrol, make_course, make_lesson, make_module

EN = {"hocso_language": "en"}


@pytest.fixture
def en_client(client):
    client.cookies.load(EN)
    return client


def test_catalogue_lists_published_courses_only(en_client, learner_user, django_assert_max_num_queries):
    for n in range(5):
        make_course(f"Khoá công khai {n}")
    make_course("Khoá nháp", is_published=False)
    en_client.force_login(learner_user)
    with django_assert_max_num_queries(12):
        response = en_client.get(reverse("training:catalogue"))
    body = response.content.decode()
    assert "Khoá công khai 4" in body and "Khoá nháp" not in body


def test_learner_enrols_in_open_online_course(en_client, learner_user, learner_in_a):
    course = make_course()
    en_client.force_login(learner_user)
    assert "Enrol" in en_client.get(reverse("training:course", args=[course.pk])).content.decode()
    response = en_client.post(reverse("training:course_enrol", args=[course.pk]))
    assert response.status_code == 302
    assert Enrolment.objects.get(learner=learner_in_a, course=course).status == EnrolmentStatus.ACTIVE


def test_cannot_self_enrol_in_closed_course(client, learner_user, learner_in_a):
    course = make_course(mode=CourseMode.IN_PERSON, self_enrolment=False)
    client.force_login(learner_user)
    assert client.post(reverse("training:course_enrol", args=[course.pk])).status_code == 403
    assert not Enrolment.objects.filter(course=course).exists()


def test_unpublished_course_is_404_for_learner(client, learner_user):
    course = make_course(is_published=False)
    client.force_login(learner_user)
    assert client.get(reverse("training:course", args=[course.pk])).status_code == 404


def test_lesson_needs_active_enrolment(client, learner_user, learner_in_a):
    course = make_course()
    lesson = make_lesson(make_module(course))
    client.force_login(learner_user)
    assert client.get(reverse("training:lesson", args=[lesson.pk])).status_code == 404
    enrol(learner_in_a, course, status=EnrolmentStatus.PENDING)
    assert client.get(reverse("training:lesson", args=[lesson.pk])).status_code == 404


def test_html_lesson_is_sanitised_and_completes_on_reading(en_client, learner_user, learner_in_a):
    course = make_course()
    lesson = make_lesson(make_module(course), LessonKind.HTML,
                         html='<p>Bảo mật</p><script>alert(1)</script><a href="javascript:x()">x</a>')
    assert "<script" not in lesson.html and "javascript:" not in lesson.html
    enrol(learner_in_a, course)
    en_client.force_login(learner_user)
    body = en_client.get(reverse("training:lesson", args=[lesson.pk])).content.decode()
    assert "<p>Bảo mật</p>" in body and "alert(1)" not in body
    assert LessonProgress.objects.get(learner=learner_in_a, lesson=lesson).completed_at is not None


def test_link_lesson_completes_when_followed(client, learner_user, learner_in_a):
    course = make_course()
    lesson = make_lesson(make_module(course), LessonKind.LINK, url="https://dichvucong.gov.vn/p/home")
    enrol(learner_in_a, course)
    client.force_login(learner_user)
    client.get(reverse("training:lesson", args=[lesson.pk]))
    assert LessonProgress.objects.get(lesson=lesson).completed_at is None
    response = client.get(reverse("training:lesson_go", args=[lesson.pk]))
    assert response.status_code == 302 and response["Location"] == "https://dichvucong.gov.vn/p/home"
    assert LessonProgress.objects.get(lesson=lesson).completed_at is not None


def test_document_lesson_completes_when_the_file_is_opened(client, learner_user, learner_in_a, media_root):
    course = make_course()
    upload = SimpleUploadedFile("Hướng dẫn.pdf", b"%PDF-1.4 tai lieu", content_type="application/pdf")
    lesson = make_lesson(make_module(course), LessonKind.DOCUMENT, upload=upload)
    assert (media_root / lesson.file_name).read_bytes() == b"%PDF-1.4 tai lieu"
    enrol(learner_in_a, course)
    client.force_login(learner_user)
    response = client.get(reverse("training:lesson_file", args=[lesson.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 tai lieu"
    assert LessonProgress.objects.get(lesson=lesson).completed_at is not None


def _video_setup(learner, media_root=None):
    course = make_course()
    lesson = make_lesson(make_module(course), LessonKind.VIDEO,
                         upload=SimpleUploadedFile("bai1.mp4", b"\x00\x00\x00\x18ftypmp42", content_type="video/mp4"))
    return course, lesson, enrol(learner, course)


def _report(client, lesson, **data):
    return client.post(reverse("training:lesson_progress", args=[lesson.pk]), data=json.dumps(data),
                       content_type="application/json")


def test_video_progress_is_kept_bounded_and_completes_at_ninety_percent(client, learner_user, learner_in_a,
                                                                        media_root):
    _course, lesson, _enrolment = _video_setup(learner_in_a)
    client.force_login(learner_user)
    response = _report(client, lesson, position=30, watched=30, duration=200)
    assert response.json() == {"ok": True, "position": 30.0, "watched": 30.0, "completed": False}
    # A smaller total (another tab, an old report) never lowers what was watched; the position follows the player.
    assert _report(client, lesson, position=10, watched=12, duration=200).json()["watched"] == 30.0
    # More than the video's length is capped to it.
    data = _report(client, lesson, position=199, watched=5000, duration=200).json()
    assert data["watched"] == 200.0 and data["completed"] is True
    progress = LessonProgress.objects.get(lesson=lesson)
    assert progress.position_seconds == 199 and progress.completed_at is not None


def test_video_progress_rejects_nonsense(client, learner_user, learner_in_a, media_root):
    _course, lesson, _enrolment = _video_setup(learner_in_a)
    client.force_login(learner_user)
    assert _report(client, lesson, position=-1, watched=0, duration=10).status_code == 422
    assert client.post(reverse("training:lesson_progress", args=[lesson.pk]), data="nope",
                       content_type="application/json").status_code == 400
    assert _report(client, lesson, position="NaN", watched=0, duration=10).status_code == 422
    # The shared JSON reader: an array, a bare Infinity or a NUL is unreadable input, not a number.
    for body in ("[1, 2]", '{"position": Infinity, "watched": 0}', '{"position": 1, "note": "a\\u0000b"}'):
        response = client.post(reverse("training:lesson_progress", args=[lesson.pk]), data=body,
                               content_type="application/json")
        assert response.status_code == 400, body


def test_progress_of_a_course_not_enrolled_is_404(client, learner_user, learner_in_a, learner_in_b, media_root):
    _course, lesson, _enrolment = _video_setup(learner_in_b)
    client.force_login(learner_user)
    assert _report(client, lesson, position=5, watched=5, duration=10).status_code == 404
    assert client.get(reverse("training:lesson_file", args=[lesson.pk])).status_code == 404


def test_progress_endpoint_needs_csrf(learner_user, learner_in_a, media_root):
    from django.test import Client

    _course, lesson, _enrolment = _video_setup(learner_in_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner_user)
    assert _report(client, lesson, position=5, watched=5, duration=10).status_code == 403


def test_resume_position_and_last_lesson_are_rendered(en_client, learner_user, learner_in_a, media_root):
    course, lesson, _enrolment = _video_setup(learner_in_a)
    en_client.force_login(learner_user)
    en_client.get(reverse("training:lesson", args=[lesson.pk]))
    _report(en_client, lesson, position=42.5, watched=40, duration=300)
    page = en_client.get(reverse("training:lesson", args=[lesson.pk])).content.decode()
    assert 'data-start="42.5"' in page and "Resuming at 43 seconds." in page
    assert "training/lesson-video.js" in page and "<script>" not in page
    detail = en_client.get(reverse("training:course", args=[course.pk])).content.decode()
    assert f'href="{reverse("training:lesson", args=[lesson.pk])}"' in detail
    assert "Continue where you left off" in detail
    catalogue = en_client.get(reverse("training:catalogue")).content.decode()
    assert "Continue: " in catalogue


def test_course_page_shows_progress(en_client, learner_user, learner_in_a):
    course = make_course()
    module = make_module(course)
    first = make_lesson(module, LessonKind.HTML)
    make_lesson(module, LessonKind.LINK)
    enrol(learner_in_a, course)
    en_client.force_login(learner_user)
    en_client.get(reverse("training:lesson", args=[first.pk]))
    body = en_client.get(reverse("training:course", args=[course.pk])).content.decode()
    assert "1 of 2 required lessons done." in body


@pytest.mark.parametrize(("header", "status", "body", "content_range"), [
    ("bytes=2-5", 206, b"2345", "bytes 2-5/10"),
    ("bytes=7-", 206, b"789", "bytes 7-9/10"),
    ("bytes=-3", 206, b"789", "bytes 7-9/10"),
    ("bytes=8-100", 206, b"89", "bytes 8-9/10"),
    ("bytes=10-", 416, b"", "bytes */10"),
    ("", 200, b"0123456789", None),
    ("bytes=1-2,4-5", 200, b"0123456789", None),  # several ranges: the whole file instead
])
def test_video_file_answers_range_requests(client, learner_user, learner_in_a, media_root, header, status, body,
                                           content_range):
    course = make_course()
    lesson = make_lesson(make_module(course), LessonKind.VIDEO,
                         upload=SimpleUploadedFile("v.mp4", b"0123456789", content_type="video/mp4"))
    enrol(learner_in_a, course)
    client.force_login(learner_user)
    extra = {"HTTP_RANGE": header} if header else {}
    response = client.get(reverse("training:lesson_file", args=[lesson.pk]), **extra)
    assert response.status_code == status
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content == body
    assert response.get("Content-Range") == content_range
    if status != 416:
        assert response["Accept-Ranges"] == "bytes"


def test_self_enrolment_respects_target_groups(client, learner_user, learner_in_a):
    from hocso.tests.factories import target_group

    learner_in_a.target_group = target_group("civil_servants")
    learner_in_a.save(update_fields=["target_group"])
    other = make_course("Dành cho lãnh đạo", target_groups=[target_group("leaders")])
    mine = make_course("Dành cho công chức", target_groups=[target_group("civil_servants")])
    client.force_login(learner_user)
    catalogue = client.get(reverse("training:catalogue")).content.decode()
    assert "Dành cho công chức" in catalogue and "Dành cho lãnh đạo" not in catalogue
    assert client.post(reverse("training:course_enrol", args=[other.pk])).status_code == 403
    assert client.post(reverse("training:course_enrol", args=[mine.pk])).status_code == 302
    assert list(Enrolment.objects.values_list("course_id", flat=True)) == [mine.pk]


def test_external_video_completes_when_followed(client, learner_user, learner_in_a):
    course = make_course()
    lesson = make_lesson(make_module(course), LessonKind.VIDEO, url="https://www.youtube.com/watch?v=abc")
    enrol(learner_in_a, course)
    client.force_login(learner_user)
    assert client.get(reverse("training:lesson_go", args=[lesson.pk]))["Location"] == lesson.url
    assert LessonProgress.objects.get(lesson=lesson).completed_at is not None
