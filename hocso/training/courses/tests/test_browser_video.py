"""A real headless Chromium plays part of a video lesson: the static player script reports the position and the
seconds played, the server keeps them, and reopening the lesson resumes where the learner left off.

There is no ffmpeg here, so the "video" is a short WAV file (the <video> element plays audio-only media too);
the reporting path is the same. Skipped without Debian's /usr/bin/chromium unless HOCSO_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import io
import wave

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hocso.tests.browser import sign_in
from hocso.training.models import LessonKind, LessonProgress
from hocso.training.tests.factories import enrol, make_course, make_lesson, make_module

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def silent_wav(seconds: int = 4, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x00" * rate * seconds)
    return buffer.getvalue()


def test_learner_watches_part_of_a_video_and_resumes(page, live_server, learner_user, learner_in_a,
                                                     media_root):
    from playwright.sync_api import expect

    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))

    def console(message) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(message.text)

    page.on("console", console)

    course = make_course("Kỹ năng số cơ bản")
    lesson = make_lesson(make_module(course), LessonKind.VIDEO, title="Video giới thiệu",
                         upload=SimpleUploadedFile("gioi-thieu.wav", silent_wav(), content_type="audio/wav"))
    enrol(learner_in_a, course)

    sign_in(page, live_server.url, learner_user.username)
    page.goto(f"{live_server.url}/dao-tao/khoa-hoc/{course.pk}/")
    page.click(f"a[href='/dao-tao/bai-hoc/{lesson.pk}/']")
    page.wait_for_url(f"**/dao-tao/bai-hoc/{lesson.pk}/")
    video = page.locator("#lesson-video")
    expect(video).to_be_visible()

    # Play (muted, as headless autoplay rules require) for a moment, then pause: the pause sends a report.
    page.evaluate("() => { const v = document.getElementById('lesson-video'); v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.getElementById('lesson-video').currentTime > 1.2")
    page.evaluate("() => document.getElementById('lesson-video').pause()")
    page.wait_for_function(
        "() => parseFloat(document.getElementById('lesson-video').getAttribute('data-reported')) > 1")
    progress = LessonProgress.objects.get(learner=learner_in_a, lesson=lesson)
    assert 1.0 <= progress.watched_seconds <= 4 and 1.0 <= progress.position_seconds <= 4
    assert progress.duration_seconds == pytest.approx(4, abs=0.1)
    assert progress.completed_at is None

    # Coming back: the course page offers to continue, and the player starts where it stopped.
    page.goto(f"{live_server.url}/dao-tao/khoa-hoc/{course.pk}/")
    page.click("a.continue")
    page.wait_for_url(f"**/dao-tao/bai-hoc/{lesson.pk}/")
    page.wait_for_function("() => document.getElementById('lesson-video').readyState >= 1")
    resumed = page.evaluate("() => document.getElementById('lesson-video').currentTime")
    assert resumed == pytest.approx(progress.position_seconds, abs=0.3)

    # Playing to the end completes the lesson.
    page.evaluate("() => { const v = document.getElementById('lesson-video'); v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.getElementById('lesson-video').ended")
    page.wait_for_function("() => document.getElementById('lesson-done').classList.contains('ok')")
    progress.refresh_from_db()
    assert progress.completed_at is not None and progress.watched_seconds >= 3.6
    assert problems == []
