"""core's own pages: the audit log (province administrators; focal points for their units) and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import audit_actions
from .exporting import CSV_TYPE, XLSX_TYPE, add_sheet, append_row, csv_bytes, new_workbook, workbook_bytes
from .forms import AuditFilterForm
from .pagination import paginate, querystring_without_page
from .permissions import can_see_audit_addresses
from .selectors import audit_entries

EXPORT_LIMIT = 50_000  # rows in one download; the filters narrow a longer log
EXPORT_CHUNK = 2_000  # entries put in words at a time (the names of a chunk are fetched together)


def _filtered(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    unit_name, unit_scope = "", None
    if filters.get("unit"):
        found = audit_actions.find_unit(request.user, filters["unit"])
        if found is None:
            form.add_error("unit", _("No unit you can see has this code or name."))
            unit_scope = audit_actions.NO_UNITS
        else:
            unit_name, unit_scope = found
    entries = audit_entries(
        actor=request.user,
        action=filters.get("action", ""),
        actor_query=filters.get("actor", ""),
        unit_scope=unit_scope,
        object_type=filters.get("object_type", ""),
        object_id=filters.get("object_id", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    return form, entries, unit_name


@login_required
def audit_log(request):
    form, entries, unit_name = _filtered(request)
    page = paginate(request, entries)
    querystring = querystring_without_page(request)
    return render(request, "core/audit_log.html", {
        "form": form, "page": page, "rows": audit_actions.present(page.object_list), "querystring": querystring,
        "unit_name": unit_name, "show_ip": can_see_audit_addresses(request.user),
    })


@login_required
def audit_log_export(request, fmt: str):
    """The filtered entries (newest first, at most EXPORT_LIMIT) as .xlsx or CSV, in the page's words."""
    _form, entries, _unit = _filtered(request)
    show_ip = can_see_audit_addresses(request.user)
    header = [str(title) for title in audit_actions.EXPORT_HEADER]
    if not show_ip:
        header = header[:-1]

    def rows():
        chunk = list(entries[:EXPORT_LIMIT])
        for start in range(0, len(chunk), EXPORT_CHUNK):
            for row in audit_actions.export_rows(audit_actions.present(chunk[start:start + EXPORT_CHUNK])):
                yield row if show_ip else row[:-1]

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        content, content_type = csv_bytes(header, rows()), CSV_TYPE
    else:
        book = new_workbook(write_only=True)
        sheet = add_sheet(book, _("Audit log"))
        append_row(sheet, header)
        for row in rows():
            append_row(sheet, row)
        content, content_type = workbook_bytes(book), XLSX_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="nhat-ky-{stamp}.{fmt}"'
    return response


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
