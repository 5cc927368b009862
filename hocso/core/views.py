from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hocso.identity.models import Role
from hocso.identity.scoping import roles_of
from hocso.org.selectors import unit_roots, with_counts

from .forms import AuditFilterForm
from .pagination import paginate, querystring_without_page
from .selectors import audit_entries


@login_required
def home(request):
    roles = roles_of(request.user)
    context = {"roles": roles, "learner": getattr(request.user, "learner", None)}
    if context["learner"] is not None:
        from hocso.campaigns.selectors import open_campaigns_for

        context["open_campaigns"] = open_campaigns_for(learner=context["learner"])
    if roles & {Role.PROVINCE_ADMIN, Role.FOCAL_POINT}:
        context["my_units"] = with_counts(unit_roots(actor=request.user))
    return render(request, "core/home.html", context)


@login_required
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_entries(
        actor=request.user,
        action=filters.get("action", ""),
        actor_query=filters.get("actor", ""),
        object_type=filters.get("object_type", ""),
        object_id=filters.get("object_id", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    return render(
        request,
        "core/audit_log.html",
        {"form": form, "page": paginate(request, entries), "querystring": querystring_without_page(request)},
    )


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
