"""Learner pages: the catalogue, a course, a lesson, following its link and the video progress endpoint. Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hocso.core.input_guard import loads_json_object
from hocso.core.pagination import paginate, querystring_without_page
from hocso.people.selectors import learner_of

from ...certificates.selectors import certificate_of
from ...classes import calendar
from ...classes.selectors import open_classes
from ...models import EnrolmentStatus, LessonKind
from ...permissions import can_author, can_edit_course
from .. import completion, selectors, services
from ..forms import CourseFilterForm


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CourseFilterForm(request.GET or None)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    page = paginate(request, selectors.course_catalogue(actor=request.user, query=query).order_by("title", "id"))
    enrolments = list(selectors.my_enrolments(actor=request.user)[:20])
    learner = learner_of(request.user)
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
        certificate = certificate_of(enrolment.learner, course.pk)
    classes = []
    if learner_of(request.user) is not None and (
        enrolment is None or enrolment.status in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.REJECTED)
    ):
        classes = list(open_classes(course=course))
    can_enrol = (enrolment is None or enrolment.status == EnrolmentStatus.WITHDRAWN) and course.is_published \
        and course.self_enrolment and learner_of(request.user) is not None
    return render(request, "training/courses/course_detail.html", {
        "course": course, "enrolment": enrolment, "outline": outline, "status": status, "done": done,
        "progress": progress, "can_enrol": can_enrol, "open_classes": classes, "certificate": certificate,
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
