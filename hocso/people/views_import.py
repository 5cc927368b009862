"""Staff import (upload, preview, confirm, progress, error rows, template) and the list's export. Thin views."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from hocso.core.exporting import XLSX_TYPE
from hocso.core.forms import apply_service_errors
from hocso.core.pagination import querystring_without_page
from hocso.core.permissions import ensure
from hocso.core.uploads import clean_upload_size, human_size
from hocso.org.models import Unit
from hocso.org.selectors import unit_roots, unit_search, units_visible

from . import permissions, selectors
from .exporting import export_learners
from .forms import LearnerFilterForm, UnitChoiceField, date_field
from .importing import jobs
from .importing.report import template_workbook
from .models import ImportJob, ImportJobStatus
from .views import UNIT_SELECT_LIMIT, _unit_from_param

CHANGE_KINDS = ("new", "updated", "moved", "left")


def _kind_labels() -> dict[str, str]:
    return {
        "new": _("New"),
        "updated": _("Updated"),
        "moved": _("Moved to another unit"),
        "left": _("Retired or left"),
        "unchanged": _("Unchanged"),
        "error": _("With errors"),
        "duplicate": _("Repeated rows"),
    }


def _progress(job: ImportJob) -> dict:
    stages = {
        "queued": _("Waiting for a background worker…"),
        "reading": _("Reading the file…"),
        "checking": _("Checking each row…"),
        "writing": _("Saving…"),
    }
    total, done = job.progress_total, job.progress_done
    return {
        "stage_label": stages.get(job.stage) or (_("Waiting for a background worker…") if job.is_running else ""),
        "percent": min(100, done * 100 // total) if total else None,
        "done": done,
        "total": total,
    }


def _ensure_can_import(actor) -> None:
    ensure(permissions.can_manage_someone(actor),
           _("Only administrators and unit focal points can import staff lists."))


def _download(content: bytes, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["Cache-Control"] = "no-store"  # personal data
    return response


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Staff list file"))
    unit = forms.Field(required=False)  # replaced in __init__ by a choice among the actor's units
    effective_date = date_field(gettext_lazy("Transfers and new memberships take effect on"),
                                initial=timezone.localdate)

    def __init__(self, *args, units: list[Unit] | None, actor=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        help_text = _("People in rows without a unit are put here; a unit named in a row always wins.")
        if units is not None:
            self.fields["unit"] = UnitChoiceField(
                units=units, label=_("Unit for rows that name none"), required=False, empty_label=_("— none —"),
                help_text=help_text,
            )
        else:  # too many units for a list: the unit's code or name, typed
            self.fields["unit"] = forms.CharField(
                label=_("Unit for rows that name none"), required=False, max_length=255,
                help_text=_("The unit's code (e.g. 000.01.30.H55) or its name.") + " " + help_text,
            )
        self.fields["file"].help_text = _(".xlsx or .csv (UTF-8 or Windows-1258), at most %(size)s and %(rows)s "
                                          "rows.") % {"size": human_size(settings.HOCSO_IMPORT_MAX_BYTES),
                                                      "rows": f"{settings.HOCSO_IMPORT_MAX_ROWS:,}".replace(",", ".")}
        self.order_fields(["file", "unit", "effective_date"])

    def clean_unit(self):
        value = self.cleaned_data.get("unit")
        if not isinstance(value, str):
            return value
        if not value.strip():
            return None
        visible = units_visible(actor=self.actor)
        exact = list(visible.filter(Q(code__iexact=value.strip()) | Q(name__iexact=value.strip()))[:2])
        matches = exact if len(exact) == 1 else list(unit_search(actor=self.actor, query=value, limit=2))
        if len(matches) != 1:
            raise ValidationError(_("Type the code or the full name of one of your units."))
        return matches[0]

    def clean_file(self):
        return clean_upload_size(self.cleaned_data["file"], settings.HOCSO_IMPORT_MAX_BYTES)


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    actor = request.user
    _ensure_can_import(actor)
    units: list[Unit] | None = list(units_visible(actor=actor).only(
        "pk", "name", "code", "admin_unit_code", "parent_id", "depth", "sort_key", "path")[: UNIT_SELECT_LIMIT + 1])
    if len(units) > UNIT_SELECT_LIMIT:
        units = None
    chosen = _unit_from_param(request, actor)
    roots = unit_roots(actor=actor)
    initial_unit = chosen or (roots[0] if len(roots) == 1 else None)
    initial = (initial_unit.pk if units is not None else (initial_unit.code or initial_unit.name)) if initial_unit \
        else None
    form = ImportUploadForm(request.POST or None, request.FILES or None, units=units, actor=actor,
                            initial={"unit": initial})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = jobs.job_create(
                actor=actor, file_name=upload.name, content=upload.read(), default_unit=form.cleaned_data["unit"],
                effective_date=form.cleaned_data["effective_date"],
                language=getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
                ip=request.META.get("REMOTE_ADDR"),
            )
        except ValidationError as exc:
            apply_service_errors(form, ValidationError({"file": exc.messages}))  # about the file, whatever it says
        else:
            jobs.schedule_preview(job)
            return redirect("people:import_job", pk=job.pk)
    return render(request, "people/import_upload.html", {
        "form": form, "recent": jobs.jobs_recent(actor=actor),
    }, status=400 if form.errors else 200)  # a file that cannot be read is a bad request, said on the form


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    _ensure_can_import(request.user)
    return _download(template_workbook(actor=request.user), XLSX_TYPE, "mau-danh-sach-can-bo.xlsx")


def _problem_rows(problems: list[dict], severity: str | None) -> list[dict]:
    return [p for p in problems if severity is None or p["severity"] == severity]


@login_required
@never_cache
def import_job(request: HttpRequest, pk) -> HttpResponse:
    job = jobs.job_get(actor=request.user, pk=pk)
    context: dict = {"job": job, "running": job.is_running, "progress": _progress(job)}
    preview = job.preview or {}
    if job.status in (ImportJobStatus.PREVIEW, ImportJobStatus.APPLIED) and preview:
        view = request.GET.get("view", "problems")
        kind = request.GET.get("kind", "")
        counts = preview.get("counts", {})
        if view == "changes":
            items = [c for c in preview.get("changes", []) if not kind or c["kind"] == kind]
        else:
            view = "problems"
            items = preview.get("problems", [])
        page = Paginator(items, settings.HOCSO_PAGE_SIZE).get_page(request.GET.get("page"))
        labels = _kind_labels()
        if view == "changes":
            page.object_list = [{**item, "kind_label": labels[item["kind"]]} for item in page.object_list]
        context.update({
            "preview": preview,
            "counts": counts,
            "count_cards": [(k, labels[k], counts.get(k, 0))
                            for k in ("new", "updated", "moved", "left", "unchanged", "error")],
            "kind_choices": [(k, labels[k]) for k in CHANGE_KINDS],
            "view": view,
            "kind": kind,
            "page": page,
            "querystring": querystring_without_page(request),
            "outdated": (job.summary or {}).get("outdated", False),
            "other_sheets": [s for s in preview.get("sheets", []) if s != preview.get("sheet")],
            "has_error_report": ImportJob.objects.filter(pk=job.pk, error_report__isnull=False).exists(),
            "to_apply": sum(counts.get(k, 0) for k in CHANGE_KINDS),
        })
    return render(request, "people/import_job.html", context)


@login_required
@never_cache
@require_GET
def import_progress(request: HttpRequest, pk) -> HttpResponse:
    """htmx fragment polled while the job runs; once it is done the whole page reloads."""
    job = jobs.job_get(actor=request.user, pk=pk)
    response = render(request, "people/import_progress.html", {"job": job, "running": job.is_running,
                                                                "progress": _progress(job)})
    if not job.is_running:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk) -> HttpResponse:
    job = jobs.job_get(actor=request.user, pk=pk)
    try:
        jobs.job_confirm(actor=request.user, job=job)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("people:import_job", pk=job.pk)


@login_required
@require_POST
def import_cancel(request: HttpRequest, pk) -> HttpResponse:
    job = jobs.job_get(actor=request.user, pk=pk)
    try:
        jobs.job_cancel(actor=request.user, job=job)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("people:import_job", pk=job.pk)
    messages.success(request, _("The import was cancelled; nothing was changed."))
    return redirect("people:import")


@login_required
@require_POST
def import_sheet(request: HttpRequest, pk) -> HttpResponse:
    job = jobs.job_get(actor=request.user, pk=pk)
    sheet = request.POST.get("sheet", "")
    if sheet not in (job.preview or {}).get("sheets", []):
        raise Http404(_("Sheet not found."))
    try:
        jobs.job_choose_sheet(actor=request.user, job=job, sheet=sheet)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("people:import_job", pk=job.pk)


@login_required
@require_GET
def import_errors(request: HttpRequest, pk) -> HttpResponse:
    job = jobs.job_get(actor=request.user, pk=pk)
    content = ImportJob.objects.filter(pk=job.pk).values_list("error_report", flat=True).first()
    if not content:
        raise Http404(_("There are no rows with errors to download."))
    stem = job.file_name.rsplit(".", 1)[0][:80] or "import"
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "-" for ch in stem)
    return _download(bytes(content), XLSX_TYPE, f"{safe}-loi.xlsx")


# --- export of the list --------------------------------------------------------------------------------------


@login_required
@require_GET
@never_cache
def learner_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The list page's filters (search, unit, target group, status), the whole result, as .xlsx or CSV."""
    actor = request.user
    chosen_unit = _unit_from_param(request, actor)
    unit_q = request.GET.get("unit_q", "").strip()
    if unit_q:
        matches = list(unit_search(actor=actor, query=unit_q, limit=2))
        chosen_unit = matches[0] if len(matches) == 1 else chosen_unit
    form = LearnerFilterForm(request.GET or None, units=None)  # ?unit= is read above, with its scope check
    filters = form.cleaned_data if form.is_valid() else getattr(form, "cleaned_data", {})
    target_group = filters.get("target_group")
    learners = selectors.learner_list(
        actor=actor, query=filters.get("q", ""), unit=chosen_unit,
        target_group_id=target_group.pk if target_group else None, status=filters.get("status") or None,
    )
    export = export_learners(
        actor=actor, learners=learners, fmt=fmt, masked=request.GET.get("masked") == "1",
        filters={"q": filters.get("q", ""), "unit": chosen_unit.pk if chosen_unit else None,
                 "target_group": target_group.pk if target_group else None, "status": filters.get("status")},
    )
    return _download(export.content, export.content_type, export.file_name)

