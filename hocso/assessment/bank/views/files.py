"""Question bank pages: export to Moodle XML, import from Moodle XML, GIFT or Excel (upload, preview, confirm), and
the Excel template. Only authors use them (403 for anyone else)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hocso.core.exporting import XLSX_TYPE

from .. import selectors, services
from ..formats import common as formats
from ..formats import moodle_xml, xlsx
from ..forms import ImportForm
from ._common import require_author, trail

XML_TYPE = "application/xml; charset=utf-8"


def _xml_response(questions, label: str) -> HttpResponse:
    questions = list(questions)
    names = selectors.category_names_map({q.category_id for q in questions})
    response = HttpResponse(moodle_xml.export(questions, names), content_type=XML_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{moodle_xml.export_filename(label)}"'
    return response


@login_required
@require_GET
def export_category(request: HttpRequest, pk: int) -> HttpResponse:
    require_author(request)
    category = selectors.category_get(actor=request.user, pk=pk)
    include_sub = request.GET.get("sub", "1") == "1"
    return _xml_response(selectors.questions_for_export(actor=request.user, category=category,
                                                        include_subcategories=include_sub), category.name)


@login_required
@require_POST
def export_selection(request: HttpRequest) -> HttpResponse:
    require_author(request)
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdecimal()]
    questions = list(selectors.questions_for_export(actor=request.user, ids=ids)) if ids else []
    if not questions:
        messages.error(request, _("Choose at least one question to export."))
        return redirect(request.POST.get("back") if str(request.POST.get("back", "")).startswith("/")
                        else reverse("assessment:bank_home"))
    return _xml_response(questions, _("questions"))


# --- Import ------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    require_author(request)
    categories = selectors.category_choices(actor=request.user)
    form = ImportForm(request.POST or None, request.FILES or None, categories=categories,
                      initial={"category": request.GET.get("category", "")})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        stored = services.preview_store(actor=request.user, data=upload.read(), filename=upload.name,
                                       file_format=form.cleaned_data["file_format"],
                                       category=form.cleaned_data["category"])
        return redirect("assessment:bank_import_preview", stored.pk)
    return render(request, "assessment/bank/import.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    require_author(request)
    stored = selectors.question_import_get(actor=request.user, pk=pk)
    result = formats.ParseResult.from_json(stored.payload)
    if request.method == "POST" and stored.applied_at is None:
        try:
            outcome = services.preview_confirm(actor=request.user, question_import=stored)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(count)s questions were imported.") % {"count": len(outcome.questions)})
            return redirect("assessment:bank_category", stored.category_id) if stored.category_id \
                else redirect("assessment:bank_home")
    return render(request, "assessment/bank/import_preview.html", {
        "stored": stored, "result": result, "valid": result.valid, "problems": result.problems,
        "counts": result.counts(), "trail": trail(stored.category) if stored.category else [],
    })


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    require_author(request)
    response = HttpResponse(xlsx.template(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-cau-hoi.xlsx"'
    return response
