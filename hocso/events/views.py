"""Bridge-site pages (/diem-cau/): the list with search and filters, a site's form, the Excel import (upload,
preview, confirm) and export. Managers act on the sites of their units; a coordinator sees their own sites."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hocso.core.exporting import XLSX_TYPE
from hocso.core.forms import call_service
from hocso.core.pagination import paginate, querystring_without_page
from hocso.core.permissions import ensure
from hocso.core.uploads import FileRejected
from hocso.org.selectors import units_visible

from . import selectors, services
from .exporting import sites_xlsx, template_xlsx
from .forms import SiteForm, SiteImportForm, SiteSearchForm
from .importing import plan_rows, read_site_rows
from .permissions import can_manage_site_of, can_manage_sites, can_see_sites
from .site_data import SiteData

ONLY_MANAGERS = _("Only province administrators and unit focal points manage bridge sites.")


def _filtered(request: HttpRequest):
    form = SiteSearchForm(request.GET or None)
    query, status = "", ""
    if form.is_valid():
        query, status = form.cleaned_data["q"], form.cleaned_data["status"]
    active = {"active": True, "inactive": False}.get(status)
    return form, selectors.site_list(actor=request.user, query=query, active=active)


@login_required
@require_GET
def site_list(request: HttpRequest) -> HttpResponse:
    ensure(can_see_sites(request.user), _("Bridge sites are for administrators, focal points and coordinators."))
    form, sites = _filtered(request)
    page = paginate(request, sites.prefetch_related("coordinators"))
    return render(request, "events/site_list.html", {
        "form": form, "page": page, "querystring": querystring_without_page(request),
        "can_manage": can_manage_sites(request.user), "total": page.paginator.count,
    })


@login_required
@require_GET
def site_export(request: HttpRequest) -> HttpResponse:
    ensure(can_see_sites(request.user), _("Bridge sites are for administrators, focal points and coordinators."))
    _form, sites = _filtered(request)
    content = sites_xlsx(sites.prefetch_related("coordinators").iterator(chunk_size=500), yes=_("Yes"),
                         no=_("No"), title=_("Bridge sites"))
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="diem-cau-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@login_required
@require_GET
def site_template(request: HttpRequest) -> HttpResponse:
    ensure(can_manage_sites(request.user), ONLY_MANAGERS)
    example = {"unit_code": "000.00.31.H28", "unit_name": "Xã Đại Phúc", "name": "Hội trường UBND xã Đại Phúc",
               "address": "Xóm Trung Tâm, xã Đại Phúc", "capacity": 80, "coordinator_name": "Ma Thị Hồng",
               "coordinator_phone": "0912345678", "technician_name": "Nông Văn Tài",
               "technician_phone": "0987654321", "equipment": "Màn hình 75 inch, camera, 2 micro",
               "coordinators": "", "is_active": _("Yes")}
    response = HttpResponse(template_xlsx(example=example, title=_("Bridge sites")), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-diem-cau.xlsx"'
    return response


def _site_form(request: HttpRequest, site=None) -> HttpResponse:
    actor = request.user
    ensure(can_manage_sites(actor), ONLY_MANAGERS)
    initial = {"is_active": True}
    if site is not None:
        ensure(can_manage_site_of(actor, site.unit), services.NOT_YOURS)
        initial = {field: getattr(site, field) for field in (
            "unit", "name", "address", "capacity", "coordinator_name", "coordinator_phone", "technician_name",
            "technician_phone", "equipment", "is_active")}
        initial["coordinator_accounts"] = ", ".join(sorted(u.username for u in site.coordinators.all()))
    form = SiteForm(request.POST or None, initial=initial, units=units_visible(actor=actor))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = call_service(form, services.site_save, actor=actor, site=site, coordinators=data[
            "coordinator_accounts"], data=SiteData(**{key: data[key] if data[key] is not None else "" for key in (
                "unit", "name", "address", "coordinator_name", "coordinator_phone", "technician_name",
                "technician_phone", "equipment")}, capacity=data["capacity"], is_active=data["is_active"]))
        if saved:
            messages.success(request, _("The bridge site %(site)s was saved.") % {"site": saved})
            return redirect("events:site_list")
    return render(request, "events/site_form.html", {"form": form, "site": site})


@login_required
@require_http_methods(["GET", "POST"])
def site_create(request: HttpRequest) -> HttpResponse:
    return _site_form(request)


@login_required
@require_http_methods(["GET", "POST"])
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _site_form(request, selectors.site_get(actor=request.user, pk=pk))


@login_required
@require_http_methods(["GET", "POST"])
def site_import(request: HttpRequest) -> HttpResponse:
    ensure(can_manage_sites(request.user), ONLY_MANAGERS)
    form = SiteImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = read_site_rows(upload.read())
        except FileRejected as error:
            form.add_error("file", error.message)
        else:
            stored = services.site_import_store(actor=request.user, filename=upload.name, payload={"rows": rows})
            return redirect("events:site_import_preview", stored.pk)
    return render(request, "events/site_import.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def site_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    ensure(can_manage_sites(request.user), ONLY_MANAGERS)
    stored = selectors.site_import_get(actor=request.user, pk=pk)
    if request.method == "POST" and stored.applied_at is None:
        try:
            applied = services.site_import_apply(actor=request.user, site_import=stored)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The site list was imported: %(created)s new sites, %(updated)s updated.")
                             % {"created": applied.created_count, "updated": applied.updated_count})
            return redirect("events:site_list")
    plan = plan_rows(actor=request.user, rows=stored.payload.get("rows", []))
    return render(request, "events/site_import_preview.html", {
        "stored": stored, "plan": plan, "created": plan.count("create"), "updated": plan.count("update"),
        "errors": plan.errors,
    })
