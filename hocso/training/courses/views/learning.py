"""Learner pages: the catalogue, a course, a lesson, its file and the video progress endpoint. Thin views."""

from __future__ import annotations

import mimetypes
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hocso.core.input_guard import loads_json_object
from hocso.core.pagination import paginate, querystring_without_page
from hocso.training.classes import calendar
from hocso.training.classes import selectors as selectors_classes
from hocso.training.courses import completion, selectors, services
from hocso.training.courses.forms import CourseFilterForm
from hocso.training.models import Certificate, EnrolmentStatus, Lesson, LessonKind
from hocso.training.permissions import can_author, can_edit_course


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CourseFilterForm(request.GET or None)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    page = paginate(request, selectors.course_catalogue(actor=request.user, query=query).order_by("title", "id"))
    enrolments = list(selectors.my_enrolments(actor=request.user)[:20])
    learner = selectors.learner_for(request.user)
    feed_url = request.build_absolute_uri(
        reverse("training:calendar_feed", args=[calendar.feed_token(request.user)])) if learner else ""
    return render(request, "training/courses/catalogue.html", {
        "feed_url": feed_url,
        "form": form, "page": page, "querystring": querystring_without_page(request), "enrolments": enrolments,
        "can_author": can_author(request.user),
    })


@login_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_get_for_learner(actor=request.user, pk=pk)
    enrolment = selectors.enrolment_for(actor=request.user, course=course)
    outline = selectors.course_outline(course)
    status = None
    done: set[int] = set()
    progress = {}
    if enrolment is not None and enrolment.status == EnrolmentStatus.ACTIVE:
        status = completion.course_status(course, enrolment.learner)
        lessons = [lesson for module in outline for lesson in module.lessons.all()]
        done = completion.done_lesson_ids(enrolment.learner, lessons)
        progress = selectors.progress_by_lesson(learner=enrolment.learner, course=course)
    certificate = None
    if status is not None and status.complete:
        certificate = Certificate.objects.filter(learner=enrolment.learner, course=course).first()
    open_classes = []
    if selectors.learner_for(request.user) is not None and (
        enrolment is None or enrolment.status in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.REJECTED)
    ):
        open_classes = list(selectors_classes.open_classes(course=course))
    can_enrol = (enrolment is None or enrolment.status == EnrolmentStatus.WITHDRAWN) and course.is_published \
        and course.self_enrolment and selectors.learner_for(request.user) is not None
    return render(request, "training/courses/course_detail.html", {
        "course": course, "enrolment": enrolment, "outline": outline, "status": status, "done": done,
        "progress": progress, "can_enrol": can_enrol, "open_classes": open_classes, "certificate": certificate,
        "can_edit": can_edit_course(request.user, course),
    })


@login_required
@require_POST
def course_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_get_for_learner(actor=request.user, pk=pk)
    services.self_enrol(actor=request.user, course=course)
    messages.success(request, _("You are enrolled in this course."))
    return redirect("training:course", pk=course.pk)


@login_required
@never_cache
def lesson_view(request: HttpRequest, pk: int) -> HttpResponse:
    lesson, enrolment = selectors.lesson_for_learner(actor=request.user, pk=pk)
    # A page is read by opening it; other kinds complete by their own evidence (file opened, video played, quiz).
    progress = services.lesson_open(enrolment=enrolment, lesson=lesson, complete=lesson.kind == LessonKind.HTML)
    course = lesson.module.course
    lessons = [item for module in selectors.course_outline(course) for item in module.lessons.all()]
    index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
    done = completion.done_lesson_ids(enrolment.learner, [lesson])
    return render(request, "training/courses/lesson.html", {
        "lesson": lesson, "course": course, "progress": progress, "done": lesson.pk in done,
        "previous": lessons[index - 1] if index > 0 else None,
        "next": lessons[index + 1] if index + 1 < len(lessons) else None,
    })


def _lesson_for_file(request: HttpRequest, pk: int) -> tuple[Lesson, object | None]:
    """Enrolled learners, and the course's editors (to check their upload)."""
    try:
        return selectors.lesson_for_learner(actor=request.user, pk=pk)
    except Http404:
        lesson = selectors.authored_lesson(actor=request.user, pk=pk)
        return lesson, None


@login_required
def lesson_file(request: HttpRequest, pk: int) -> HttpResponse:
    lesson, enrolment = _lesson_for_file(request, pk)
    if not lesson.file_name:
        raise Http404
    if enrolment is not None and lesson.kind == LessonKind.DOCUMENT:
        services.lesson_open(enrolment=enrolment, lesson=lesson, complete=True)
    content_type = lesson.content_type or mimetypes.guess_type(lesson.original_name)[0] or "application/octet-stream"
    try:
        size = default_storage.size(lesson.file_name)
        handle = default_storage.open(lesson.file_name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    span = byte_range(request.headers.get("Range", ""), size)
    if span is None:
        response = FileResponse(handle, content_type=content_type, filename=lesson.original_name,
                                as_attachment=False)
    elif span == ():
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    else:
        # Players seek (and resume) with range requests; the file is read through the storage API from there on.
        start, end = span
        handle.seek(start)
        response = StreamingHttpResponse(_read(handle, end - start + 1), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    return response


RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


def byte_range(header: str, size: int) -> tuple[int, int] | tuple[()] | None:
    """(start, end) of a single satisfiable range; () when unsatisfiable; None for no (or an ignored) range."""
    match = RANGE_RE.match(header.strip())
    if not match or not (match.group(1) or match.group(2)):
        return None
    first, last = match.groups()
    if first:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    else:  # "bytes=-N": the last N bytes
        start, end = max(size - int(last), 0), size - 1
    if start >= size or start > end:
        return ()
    return start, end


def _read(handle, remaining: int, chunk: int = 64 * 1024):
    try:
        while remaining > 0:
            data = handle.read(min(chunk, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()


@login_required
def lesson_go(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a lesson's external address; following it completes a link, or a document or video hosted elsewhere."""
    lesson, enrolment = selectors.lesson_for_learner(actor=request.user, pk=pk)
    if not lesson.url:
        raise Http404
    # Media hosted elsewhere cannot report how much was watched: following the link is the only evidence.
    services.lesson_open(enrolment=enrolment, lesson=lesson, complete=lesson.kind != LessonKind.QUIZ)
    return redirect(lesson.url)


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": {"message": message}}, status=status)


@login_required
@require_POST
def lesson_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """The video player's report: {"position": s, "watched": s, "duration": s}."""
    lesson, enrolment = selectors.lesson_for_learner(actor=request.user, pk=pk)
    try:
        data = loads_json_object(request.body or b"{}")
        position = float(data.get("position", 0))
        watched = float(data.get("watched", 0))
        duration = float(data["duration"]) if data.get("duration") not in (None, "") else None
    except (ValueError, TypeError, AttributeError, KeyError):
        return _error(400, _("Invalid progress report."))
    try:
        progress = services.video_progress(enrolment=enrolment, lesson=lesson, position=position, watched=watched,
                                           duration=duration)
    except ValidationError as exc:
        return _error(422, exc.messages[0])
    return JsonResponse({"ok": True, "position": progress.position_seconds, "watched": progress.watched_seconds,
                         "completed": progress.completed_at is not None})
