"""The training plan: the progress dashboard (admins and focal points) and the plan form (admins). Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hocso.identity.scoping import ensure, is_province_admin
from hocso.people.forms import apply_validation_error
from hocso.training.plans import selectors as selectors_plans
from hocso.training.plans import services as services_plans
from hocso.training.plans.forms import PlanForm


@login_required
def plan_progress(request: HttpRequest) -> HttpResponse:
    ensure(selectors_plans.can_see_plans(request.user),
           _("Only administrators and unit focal points can see the training plan."))
    all_plans = list(selectors_plans.plans(actor=request.user))
    plan = None
    if request.GET.get("plan", "").isdecimal():
        plan = selectors_plans.plan_get(actor=request.user, pk=int(request.GET["plan"]))
    elif all_plans:
        plan = all_plans[0]
    progress = selectors_plans.plan_progress(actor=request.user, plan=plan) if plan else None
    return render(request, "training/plans/progress.html", {
        "plans": all_plans, "plan": plan, "progress": progress, "can_edit": is_province_admin(request.user),
    })


def _plan_form(request: HttpRequest, plan=None) -> HttpResponse:
    ensure(is_province_admin(request.user), _("Only province administrators can change training plans."))
    form = PlanForm(request.POST if request.method == "POST" else None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            if plan is None:
                plan = services_plans.plan_create(actor=request.user, **form.service_kwargs())
            else:
                plan = services_plans.plan_update(actor=request.user, plan=plan, **form.service_kwargs())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The training plan was saved."))
            return redirect(f"{reverse('training:plan_progress')}?plan={plan.pk}")
    return render(request, "training/plans/form.html", {"form": form, "plan": plan})


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    return _plan_form(request)


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ensure(is_province_admin(request.user), _("Only province administrators can change training plans."))
    return _plan_form(request, selectors_plans.plan_get(actor=request.user, pk=pk))
