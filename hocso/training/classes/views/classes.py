"""Class pages: the list, creating and editing a class, and the class with its enrolments. Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hocso.core.forms import call_service
from hocso.core.pagination import paginate, querystring_without_page
from hocso.core.permissions import ensure

from ...certificates.selectors import class_certificate_counts, with_certificate_codes
from ...courses.selectors import authored_course
from ...permissions import can_edit_course, can_issue_class_certificates, can_run_class, can_see_classes
from .. import selectors, services
from ..forms import BulkEnrolForm, ClassForm, LearnerSearchForm


@login_required
def class_list(request: HttpRequest) -> HttpResponse:
    ensure(can_see_classes(request.user), _("Only administrators, instructors and unit focal points can see classes."))
    page = paginate(request, selectors.classes_visible(actor=request.user).order_by("-start_date", "id"))
    return render(request, "training/classes/list.html", {
        "page": page, "querystring": querystring_without_page(request),
    })


@login_required
def class_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = authored_course(actor=request.user, pk=course_pk)
    ensure(can_edit_course(request.user, course), _("You cannot change this course."))
    form = ClassForm(request.POST or None, initial={"mode": course.mode})
    if request.method == "POST" and form.is_valid() and (
        klass := call_service(form, services.class_create, actor=request.user, course=course, **form.cleaned_data)
    ):
        messages.success(request, _("The class was created."))
        return redirect("training:class", pk=klass.pk)
    return render(request, "training/classes/form.html", {"form": form, "course": course, "klass": None})


@login_required
def class_edit(request: HttpRequest, pk: int) -> HttpResponse:
    klass = selectors.class_get(actor=request.user, pk=pk)
    ensure(can_edit_course(request.user, klass.course), _("You cannot change this class."))
    form = ClassForm(request.POST or None, instance=klass)
    # The service gets the class as stored: validating the form has already written the input onto `klass`.
    if request.method == "POST" and form.is_valid() and call_service(
        form, services.class_update, actor=request.user, klass=selectors.class_get(actor=request.user, pk=pk),
        **form.cleaned_data,
    ):
        messages.success(request, _("The class was saved."))
        return redirect("training:class", pk=pk)
    return render(request, "training/classes/form.html", {"form": form, "course": klass.course, "klass": klass})


@login_required
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    klass = selectors.class_get(actor=actor, pk=pk)
    search = LearnerSearchForm(request.GET or None)
    filters = search.cleaned_data if search.is_valid() else {}
    enrolments = with_certificate_codes(
        selectors.class_enrolments(actor=actor, klass=klass, status=filters.get("status") or ""))
    return render(request, "training/classes/detail.html", {
        "klass": klass, "search": search,
        "page": paginate(request, enrolments), "querystring": querystring_without_page(request),
        "candidates": selectors.learner_candidates(actor=actor, klass=klass, query=filters.get("q") or ""),
        "bulk_form": BulkEnrolForm(units=selectors.units_for_bulk(actor=actor, klass=klass)),
        "runs_class": can_run_class(actor, klass),
        "can_edit": can_edit_course(actor, klass.course),
        "seats_taken": selectors.seats_taken(klass),
        "sessions": list(klass.sessions.all()),
        "can_issue": can_issue_class_certificates(actor, klass),
        "certificate_counts": class_certificate_counts(klass),
        "batch": klass.certificate_batches.first(),
    })
