"""Enrolment pages: enrolling one person or a unit, from an Excel or CSV list (upload -> preview, nothing written ->
confirm), a learner's request to join, deciding it, and withdrawing. Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hocso.core.formatting import number
from hocso.core.text import is_digits
from hocso.core.uploads import FileRejected

from ...models import CourseClass
from .. import class_list, selectors, services
from ..forms import BulkEnrolForm, EnrolListForm


def _report(request: HttpRequest, result: services.EnrolResult) -> None:
    messages.success(request, _("Enrolled: %(enrolled)s; on the waiting list: %(waiting)s; already there: "
                                "%(skipped)s.") % {"enrolled": number(result.enrolled),
                                                   "waiting": number(result.waiting),
                                                   "skipped": number(result.skipped)})


@login_required
@require_POST
def class_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    klass = selectors.class_get(actor=request.user, pk=pk)
    chosen = request.POST.get("learner", "")
    if not is_digits(chosen):  # typed into the box instead of picked from the suggestions
        messages.error(request, _("Choose the person from the suggestions under the search box."))
        return redirect("training:class", pk=pk)
    learner = selectors.learner_to_enrol(chosen)
    if learner is None:
        raise Http404
    _report(request, services.enrol_learner(actor=request.user, klass=klass, learner=learner))
    return redirect("training:class", pk=pk)


@login_required
@require_POST
def class_enrol_bulk(request: HttpRequest, pk: int) -> HttpResponse:
    klass = selectors.class_get(actor=request.user, pk=pk)
    form = BulkEnrolForm(request.POST, units=selectors.units_for_bulk(actor=request.user, klass=klass))
    if not form.is_valid():
        raise Http404  # a unit outside the actor's scope is not a choice
    result = services.enrol_bulk(actor=request.user, klass=klass, unit=form.cleaned_data["unit"],
                                 target_group=form.cleaned_data["target_group"])
    _report(request, result)
    return redirect("training:class", pk=pk)


# --- from a list ---------------------------------------------------------------------------------------------


def _list_class(request: HttpRequest, pk: int) -> CourseClass:
    klass = selectors.class_get(actor=request.user, pk=pk)  # 404 for people who cannot see classes
    class_list.ensure_can_enrol_from_list(request.user, klass)
    return klass


@login_required
@never_cache
def class_enrol_list(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the upload form. POST: the preview of the uploaded list, with the confirmation form."""
    klass = _list_class(request, pk)
    form = EnrolListForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = class_list.preview_list(actor=request.user, klass=klass, content=upload.read(),
                                              file_name=upload.name)
        except FileRejected as exc:
            form.add_error("file", exc.message)
        else:
            counts = preview.counts
            labels = {
                class_list.ENROL: _("Will be enrolled"),
                class_list.WAITING: _("Waiting list"),
                class_list.ALREADY: _("Already in this class"),
                class_list.OTHER_CLASS: _("In another class of this course"),
            }
            return render(request, "training/classes/enrol_list_preview.html", {
                "klass": klass, "preview": preview, "counts": counts,
                "count_cards": [
                    (_("Will be enrolled"), counts[class_list.ENROL]),
                    (_("Will go to the waiting list"), counts[class_list.WAITING]),
                    (_("Already in this class"), counts[class_list.ALREADY]),
                    (_("In another class of this course"), counts[class_list.OTHER_CLASS]),
                    (_("Rows with problems"), counts[class_list.ERROR]),
                ],
                "matched": [(row, labels[row.outcome]) for row in preview.matched],
                "to_enrol": len(preview.to_enrol),
                "token": class_list.make_token(actor=request.user, klass=klass, preview=preview),
            })
    return render(request, "training/classes/enrol_list_upload.html", {"klass": klass, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def class_enrol_list_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    klass = _list_class(request, pk)
    try:
        result = services.enrol_from_list(actor=request.user, klass=klass, token=request.POST.get("token", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("training:class_enrol_list", pk=pk)
    _report(request, result)
    return redirect("training:class", pk=pk)


# --- requests and withdrawals --------------------------------------------------------------------------------


@login_required
@require_POST
def class_request(request: HttpRequest, pk: int) -> HttpResponse:
    klass = selectors.class_open_to_requests(pk)
    if klass is None:
        raise Http404
    services.request_join(actor=request.user, klass=klass)
    messages.success(request, _("Your request was sent. You will be enrolled once it is approved."))
    return redirect("training:course", pk=klass.course_id)


@login_required
@require_POST
def enrolment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = selectors.enrolment_get(pk)
    try:
        services.decide_request(actor=request.user, enrolment=enrolment, approve=request.POST.get("approve") == "1")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("training:class", pk=enrolment.klass_id)


@login_required
@require_POST
def enrolment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = selectors.enrolment_get(pk)
    services.withdraw(actor=request.user, enrolment=enrolment)
    messages.success(request, _("The enrolment was withdrawn."))
    if enrolment.learner.user_id == request.user.pk:
        return redirect("training:course", pk=enrolment.course_id)
    return redirect("training:class", pk=enrolment.klass_id)
