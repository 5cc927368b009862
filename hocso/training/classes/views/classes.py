"""Class pages: list, create/edit, the class with its enrolments, and enrolment actions. Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hocso.core.pagination import paginate, querystring_without_page
from hocso.identity.scoping import ensure
from hocso.people.forms import apply_validation_error
from hocso.people.models import Learner
from hocso.training.certificates import services as certificates
from hocso.training.classes import selectors as selectors_classes
from hocso.training.classes import services as services_classes
from hocso.training.courses import selectors
from hocso.training.courses.forms import BulkEnrolForm, ClassForm, LearnerSearchForm
from hocso.training.models import Enrolment
from hocso.training.permissions import can_edit_course


@login_required
def class_list(request: HttpRequest) -> HttpResponse:
    ensure(selectors_classes.can_see_classes(request.user),
           _("Only administrators, instructors and unit focal points can see classes."))
    page = paginate(request, selectors_classes.classes_visible(actor=request.user).order_by("-start_date", "id"))
    return render(request, "training/classes/list.html", {
        "page": page, "querystring": querystring_without_page(request),
    })


@login_required
def class_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = selectors.authored_course(actor=request.user, pk=course_pk)
    ensure(can_edit_course(request.user, course), _("You cannot change this course."))
    form = ClassForm(request.POST or None, initial={"mode": course.mode})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            klass = services_classes.class_create(actor=request.user, course=course, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The class was created."))
            return redirect("training:class", pk=klass.pk)
    return render(request, "training/classes/form.html", {"form": form, "course": course, "klass": None})


@login_required
def class_edit(request: HttpRequest, pk: int) -> HttpResponse:
    klass = selectors_classes.class_get(actor=request.user, pk=pk)
    ensure(can_edit_course(request.user, klass.course), _("You cannot change this class."))
    form = ClassForm(request.POST or None, instance=klass)
    if request.method == "POST" and form.is_valid():
        try:
            services_classes.class_update(actor=request.user, klass=selectors_classes.class_get(actor=request.user,
                                                                                               pk=pk),
                                          **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The class was saved."))
            return redirect("training:class", pk=pk)
    return render(request, "training/classes/form.html", {"form": form, "course": klass.course, "klass": klass})


@login_required
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    klass = selectors_classes.class_get(actor=actor, pk=pk)
    search = LearnerSearchForm(request.GET or None)
    filters = search.cleaned_data if search.is_valid() else {}
    enrolments = selectors_classes.with_certificate_codes(
        selectors_classes.class_enrolments(actor=actor, klass=klass, status=filters.get("status") or ""))
    return render(request, "training/classes/detail.html", {
        "klass": klass, "search": search,
        "page": paginate(request, enrolments), "querystring": querystring_without_page(request),
        "candidates": selectors_classes.learner_candidates(actor=actor, klass=klass, query=filters.get("q") or ""),
        "bulk_form": BulkEnrolForm(units=selectors_classes.units_for_bulk(actor=actor, klass=klass)),
        "runs_class": services_classes.can_run_class(actor, klass),
        "can_edit": can_edit_course(actor, klass.course),
        "seats_taken": services_classes.seats_taken(klass),
        "sessions": list(klass.sessions.all()),
        "can_issue": certificates.can_issue_for_class(actor, klass),
        "certificate_counts": selectors_classes.class_certificate_counts(klass),
        "batch": klass.certificate_batches.first(),
    })


def _report(request: HttpRequest, result: services_classes.EnrolResult) -> None:
    messages.success(request, _("Enrolled: %(enrolled)d; on the waiting list: %(waiting)d; already there: "
                                "%(skipped)d.") % {"enrolled": result.enrolled, "waiting": result.waiting,
                                                   "skipped": result.skipped})


@login_required
@require_POST
def class_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    klass = selectors_classes.class_get(actor=request.user, pk=pk)
    learner = Learner.objects.select_related("unit").filter(pk=request.POST.get("learner") or 0).first()
    if learner is None:
        raise Http404
    _report(request, services_classes.enrol_learner(actor=request.user, klass=klass, learner=learner))
    return redirect("training:class", pk=pk)


@login_required
@require_POST
def class_enrol_bulk(request: HttpRequest, pk: int) -> HttpResponse:
    klass = selectors_classes.class_get(actor=request.user, pk=pk)
    form = BulkEnrolForm(request.POST, units=selectors_classes.units_for_bulk(actor=request.user, klass=klass))
    if not form.is_valid():
        raise Http404  # a unit outside the actor's scope is not a choice
    result = services_classes.enrol_bulk(actor=request.user, klass=klass, unit=form.cleaned_data["unit"],
                                         target_group=form.cleaned_data["target_group"])
    _report(request, result)
    return redirect("training:class", pk=pk)


@login_required
@require_POST
def class_request(request: HttpRequest, pk: int) -> HttpResponse:
    from hocso.training.models import CourseClass

    klass = CourseClass.objects.select_related("course").filter(pk=pk, course__is_published=True).first()
    if klass is None:
        raise Http404
    services_classes.request_join(actor=request.user, klass=klass)
    messages.success(request, _("Your request was sent. You will be enrolled once it is approved."))
    return redirect("training:course", pk=klass.course_id)


def _enrolment(pk: int) -> Enrolment:
    enrolment = Enrolment.objects.select_related("klass__course", "learner__unit", "course").filter(pk=pk).first()
    if enrolment is None:
        raise Http404
    return enrolment


@login_required
@require_POST
def enrolment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment(pk)
    try:
        services_classes.decide_request(actor=request.user, enrolment=enrolment,
                                        approve=request.POST.get("approve") == "1")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("training:class", pk=enrolment.klass_id)


@login_required
@require_POST
def enrolment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment(pk)
    services_classes.withdraw(actor=request.user, enrolment=enrolment)
    messages.success(request, _("The enrolment was withdrawn."))
    if enrolment.learner.user_id == request.user.pk:
        return redirect("training:course", pk=enrolment.course_id)
    return redirect("training:class", pk=enrolment.klass_id)


@login_required
@require_POST
def class_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue certificates for everyone in the class who completed the course (a background task does the work)."""
    klass = selectors_classes.class_get(actor=request.user, pk=pk)
    ensure(certificates.can_issue_for_class(request.user, klass), _("You cannot issue certificates for this class."))
    certificates.batch_request(actor=request.user, klass=klass, base_url=request.build_absolute_uri("/"))
    messages.success(request, _("Certificates are being issued in the background. Reload the page to see progress."))
    return redirect("training:class", pk=pk)
