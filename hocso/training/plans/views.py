"""The training plan: the progress dashboard (admins and focal points) and the plan form (admins). Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hocso.core.forms import call_service
from hocso.core.permissions import ensure

from ..models import TrainingPlan
from ..permissions import can_edit_plans, can_see_plans
from . import selectors, services
from .forms import PlanForm


@login_required
def plan_progress(request: HttpRequest) -> HttpResponse:
    ensure(can_see_plans(request.user),
           _("Only administrators and unit focal points can see the training plan."))
    all_plans = list(selectors.plans(actor=request.user))
    plan = None
    if request.GET.get("plan", "").isdecimal():
        plan = selectors.plan_get(actor=request.user, pk=int(request.GET["plan"]))
    elif all_plans:
        plan = all_plans[0]
    progress = selectors.plan_progress(actor=request.user, plan=plan) if plan else None
    return render(request, "training/plans/progress.html", {
        "plans": all_plans, "plan": plan, "progress": progress, "can_edit": can_edit_plans(request.user),
    })


def _plan_form(request: HttpRequest, plan: TrainingPlan | None = None) -> HttpResponse:
    ensure(can_edit_plans(request.user), _("Only province administrators can change training plans."))
    form = PlanForm(request.POST if request.method == "POST" else None, plan=plan)
    if request.method == "POST" and form.is_valid():
        if plan is None:
            saved = call_service(form, services.plan_create, actor=request.user, **form.service_kwargs())
        else:
            saved = call_service(form, services.plan_update, actor=request.user, plan=plan, **form.service_kwargs())
        if saved:
            messages.success(request, _("The training plan was saved."))
            return redirect(f"{reverse('training:plan_progress')}?plan={saved.pk}")
    return render(request, "training/plans/form.html", {"form": form, "plan": plan})


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    return _plan_form(request)


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ensure(can_edit_plans(request.user), _("Only province administrators can change training plans."))
    return _plan_form(request, selectors.plan_get(actor=request.user, pk=pk))
