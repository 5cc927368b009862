"""Campaign pages. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hocso.core.forms import call_service
from hocso.core.pagination import paginate, querystring_without_page
from hocso.core.scoping import scope_of
from hocso.org.forms import UNIT_ERROR_LABELS
from hocso.org.models import Unit
from hocso.org.selectors import unit_ancestors
from hocso.training.permissions import can_see_plans

from . import selectors as sel
from .exporting import XLSX_TYPE, follow_up_xlsx, snapshot_file, status_labels
from .forms import CampaignForm
from .models import Snapshot
from .permissions import can_follow_campaigns, can_run_campaigns
from .reports import report_file
from .selectors import boards as sel_boards
from .selectors import results as sel_results
from .services import campaign_create, campaign_publish, campaign_update

# The service's key for the audience units is the form's "units_subtree"; an error about a field the form does not
# show is named by the unit field's label, as it always was (org.forms.UNIT_ERROR_LABELS).
CAMPAIGN_FIELD_MAP = {"units": "units_subtree"}
CAMPAIGN_ERROR_LABELS = UNIT_ERROR_LABELS


def _ensure_staff(request: HttpRequest) -> None:
    if not can_follow_campaigns(request.user):
        raise PermissionDenied(_("Only province administrators and focal points can see test campaigns."))


def _unit_in_scope(request: HttpRequest, raw: str | None) -> Unit | None:
    if not raw:
        return None
    try:
        unit = Unit.objects.get(pk=int(raw))
    except (ValueError, Unit.DoesNotExist):
        raise Http404("unit") from None
    if not scope_of(request.user).covers(unit.path):
        raise Http404("unit")
    return unit


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    _ensure_staff(request)
    page = paginate(request, sel.campaigns_visible(actor=request.user))
    return render(request, "campaigns/list.html", {
        "page": page, "querystring": querystring_without_page(request),
        "can_create": can_run_campaigns(request.user),
        "can_see_plans": can_see_plans(request.user),  # the same check as the plan dashboard itself
    })


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    if not can_run_campaigns(request.user):
        raise PermissionDenied(_("Only province administrators can create test campaigns."))
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (campaign := call_service(
        form, campaign_create, actor=request.user, lines=form.lines(),
        target_groups=list(form.cleaned_data["target_groups"]), field_map=CAMPAIGN_FIELD_MAP,
        error_labels=CAMPAIGN_ERROR_LABELS, **form.service_kwargs(),
    )):
        messages.success(request, _("The campaign has been created."))
        return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/form.html", {"form": form, "campaign": None})


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = sel.campaign_get(actor=request.user, pk=pk)
    if not can_run_campaigns(request.user):
        raise PermissionDenied(_("Only province administrators can change test campaigns."))
    form = CampaignForm(request.POST or None, initial=CampaignForm.initial_for(campaign), campaign=campaign)
    if request.method == "POST" and form.is_valid() and call_service(
        form, campaign_update, actor=request.user, campaign=campaign, lines=form.lines(),
        target_groups=list(form.cleaned_data["target_groups"]), field_map=CAMPAIGN_FIELD_MAP,
        error_labels=CAMPAIGN_ERROR_LABELS, **form.service_kwargs(),
    ):
        messages.success(request, _("The campaign has been saved."))
        return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/form.html", {"form": form, "campaign": campaign})


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _ensure_staff(request)
    campaign = sel.campaign_get(actor=request.user, pk=pk)
    lines = sel.campaign_lines(campaign)
    return render(request, "campaigns/detail.html", {
        "campaign": campaign,
        "lines": lines,
        "warnings": sel.campaign_warnings(campaign, lines),
        "groups": list(campaign.target_groups.all()),
        "pass_percent": sel.effective_pass_percent(campaign),
        "attempts": sel.effective_attempts(campaign),
        "figures": sel_results.results_overall(actor=request.user, campaign=campaign),
        "snapshots": list(sel_boards.snapshots_of(campaign)),
        "is_admin": can_run_campaigns(request.user),
        "is_open": sel.is_open(campaign),
    })


@login_required
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    _ensure_staff(request)
    campaign = sel.campaign_get(actor=request.user, pk=pk)
    unit = _unit_in_scope(request, request.GET.get("unit"))
    status = request.GET.get("status", "")
    rows = sel.follow_up(actor=request.user, campaign=campaign, status=status, unit=unit)
    if request.GET.get("format") == "xlsx":
        content = follow_up_xlsx(actor=request.user, campaign=campaign, rows=list(rows), status=status)
        response = HttpResponse(content, content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="theo-doi-{campaign.pk}.xlsx"'
        return response
    counts = {s: 0 for s in sel.Status.ALL}
    all_rows = sel.follow_up(actor=request.user, campaign=campaign, unit=unit)
    for row in all_rows.order_by().values("status").annotate(n=_count()):
        counts[row["status"]] = row["n"]
    labels = status_labels()
    return render(request, "campaigns/follow_up.html", {
        "campaign": campaign, "unit": unit, "status": status,
        "tabs": [(s, labels[s], counts[s]) for s in sel.Status.ALL], "total": sum(counts.values()),
        "labels": labels, "page": paginate(request, rows), "querystring": querystring_without_page(request),
    })


def _count():
    return Count("pk")


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    _ensure_staff(request)
    campaign = sel.campaign_get(actor=request.user, pk=pk)
    unit = _unit_in_scope(request, request.GET.get("unit"))
    scope = scope_of(request.user)
    crumbs = [u for u in unit_ancestors(unit) if scope.covers(u.path)] if unit is not None else []
    overall = sel_results.results_overall(actor=request.user, campaign=campaign, unit=unit)
    labels = [f"{10 * i}–{10 * i + 10}" for i in range(sel.BINS)]
    children = sel_results.results_children(actor=request.user, campaign=campaign, parent=unit)
    mine = sel_results.viewer_units(request.user)  # the trend's first lines: the viewer's units and this one
    chosen = [*mine, *([unit.pk] if unit is not None else [])]
    trend = sel_results.published_trend([*chosen, *(r.unit.pk for r in children)], chosen=chosen)
    charts = sel_results.chart_data(units=[(r.unit.name, r.total.as_dict()) for r in children],
                                    distribution=overall.distribution, trend=trend)
    return render(request, "campaigns/results.html", {
        "charts": charts, "chart_tables": sel_results.chart_tables(charts),
        "campaign": campaign, "unit": unit, "crumbs": crumbs, "overall": overall,
        "distribution": list(zip(labels, overall.distribution, strict=True)),
        "children": children,
        "groups": sel_results.results_by_group(actor=request.user, campaign=campaign, unit=unit),
        "ranking": sel_results.agency_ranking(actor=request.user, campaign=campaign) if unit is None else [],
        "ranking_rule": sel_results.ranking_rule(),
        "can_see_plans": can_see_plans(request.user),
    })


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = sel.campaign_get(actor=request.user, pk=pk)
    snap = campaign_publish(actor=request.user, campaign=campaign)
    messages.success(request, _("Results published as version %(version)s.") % {"version": snap.version})
    return redirect("campaigns:detail", campaign.pk)


def _published_version(request: HttpRequest, pk: int, version: int, fmt: str, formats: tuple[str, ...]) -> Snapshot:
    """A published version of a campaign the (staff) user may see, for one of the download formats."""
    _ensure_staff(request)
    if fmt not in formats:
        raise Http404("format")
    campaign = sel.campaign_get(actor=request.user, pk=pk)
    return get_object_or_404(Snapshot, campaign=campaign, version=version)


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def snapshot_download(request: HttpRequest, pk: int, version: int, fmt: str) -> HttpResponse:
    snap = _published_version(request, pk, version, fmt, ("csv", "xlsx"))
    return _attachment(*snapshot_file(snap, fmt))


@login_required
def official_report(request: HttpRequest, pk: int, version: int, fmt: str) -> HttpResponse:
    """The report to attach to an official letter: .xlsx (every unit, subtotals per agency) or a PDF summary."""
    snap = _published_version(request, pk, version, fmt, ("xlsx", "pdf"))
    return _attachment(*report_file(snap, fmt))
