"""Authoring pages for administrators and instructors: courses, modules and lessons. Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hocso.core.forms import call_service
from hocso.core.pagination import paginate, querystring_without_page
from hocso.core.permissions import ensure

from ...permissions import can_author, can_edit_course
from .. import selectors, services
from ..forms import CourseFilterForm, CourseForm, LessonForm, ModuleForm


def _ensure_author(request: HttpRequest) -> None:
    ensure(can_author(request.user), _("Only administrators and instructors can author courses."))


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    _ensure_author(request)
    form = CourseFilterForm(request.GET or None)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    page = paginate(request, selectors.authored_courses(actor=request.user, query=query).order_by("title", "id"))
    return render(request, "training/courses/manage/list.html", {
        "form": form, "page": page, "querystring": querystring_without_page(request),
    })


@login_required
def course_create(request: HttpRequest) -> HttpResponse:
    _ensure_author(request)
    form = CourseForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid() and (
        course := call_service(form, services.course_create, actor=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("The course was created."))
        return redirect("training:manage_course", pk=course.pk)
    return render(request, "training/courses/manage/course_form.html", {"form": form, "course": None})


@login_required
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.authored_course(actor=request.user, pk=pk)
    ensure(can_edit_course(request.user, course), _("You cannot change this course."))
    form = CourseForm(request.POST or None, instance=course, actor=request.user)
    # The service gets the course as stored: validating the form has already written the input onto `course`.
    if request.method == "POST" and form.is_valid() and call_service(
        form, services.course_update, actor=request.user, course=selectors.authored_course(actor=request.user, pk=pk),
        **form.cleaned_data,
    ):
        messages.success(request, _("The course was saved."))
        return redirect("training:manage_course", pk=course.pk)
    return render(request, "training/courses/manage/course_form.html", {
        "form": form, "course": course, "outline": selectors.course_outline(course),
        "module_form": ModuleForm(),
    })


@login_required
@require_POST
def module_create(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.authored_course(actor=request.user, pk=pk)
    form = ModuleForm(request.POST)
    if form.is_valid():
        services.module_create(actor=request.user, course=course, title=form.cleaned_data["title"])
        messages.success(request, _("The module was added."))
    else:
        messages.error(request, _("Give the module a title."))
    return redirect("training:manage_course", pk=course.pk)


@login_required
def module_edit(request: HttpRequest, pk: int) -> HttpResponse:
    module = selectors.authored_module(actor=request.user, pk=pk)
    position = module.position
    form = ModuleForm(request.POST or None, instance=module)
    if request.method == "POST" and form.is_valid():
        services.module_update(actor=request.user, module=module, title=form.cleaned_data["title"],
                               position=form.cleaned_data["position"] or position)
        messages.success(request, _("The module was saved."))
        return redirect("training:manage_course", pk=module.course_id)
    return render(request, "training/courses/manage/module_form.html", {"form": form, "module": module})


def _lesson_fields(form: LessonForm) -> dict:
    """The service's keyword arguments: the fields, `upload` (or None), and no position when none was given."""
    data = dict(form.cleaned_data)
    data["upload"] = data.pop("upload", None)
    if not data.get("position"):
        data.pop("position", None)
    return data


@login_required
def lesson_create(request: HttpRequest, pk: int) -> HttpResponse:
    module = selectors.authored_module(actor=request.user, pk=pk)
    form = LessonForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid() and call_service(
        form, services.lesson_create, actor=request.user, module=module, **_lesson_fields(form),
    ):
        messages.success(request, _("The lesson was added."))
        return redirect("training:manage_course", pk=module.course_id)
    return render(request, "training/courses/manage/lesson_form.html", {"form": form, "module": module, "lesson": None})


@login_required
def lesson_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = selectors.authored_lesson(actor=request.user, pk=pk)
    form = LessonForm(request.POST or None, request.FILES or None, instance=lesson, actor=request.user)
    if request.method == "POST" and form.is_valid() and call_service(
        form, services.lesson_update, actor=request.user, lesson=selectors.authored_lesson(actor=request.user, pk=pk),
        **_lesson_fields(form),
    ):
        messages.success(request, _("The lesson was saved."))
        return redirect("training:manage_course", pk=lesson.module.course_id)
    return render(request, "training/courses/manage/lesson_form.html", {
        "form": form, "module": lesson.module, "lesson": lesson,
    })


@login_required
@require_POST
def lesson_delete(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = selectors.authored_lesson(actor=request.user, pk=pk)
    course_id = lesson.module.course_id
    services.lesson_delete(actor=request.user, lesson=lesson)
    messages.success(request, _("The lesson was deleted."))
    return redirect("training:manage_course", pk=course_id)


@login_required
def module_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm deleting a module with its lessons; refused while any learner has progress in it."""
    module = selectors.authored_module(actor=request.user, pk=pk)
    ensure(can_edit_course(request.user, module.course), _("You cannot change this course."))
    if request.method == "POST":
        try:
            count = services.module_delete(actor=request.user, module=module)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("training:manage_module_delete", pk=pk)
        messages.success(request, _("The module and its %(count)d lessons were deleted.") % {"count": count})
        return redirect("training:manage_course", pk=module.course_id)
    return render(request, "training/courses/manage/module_delete.html", {
        "module": module, "lessons": list(module.lessons.all()),
        "progress_count": selectors.module_progress_count(module),
    })
