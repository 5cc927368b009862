"""core's own pages: the audit log (province administrators) and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .forms import AuditFilterForm
from .pagination import paginate, querystring_without_page
from .selectors import audit_entries


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
