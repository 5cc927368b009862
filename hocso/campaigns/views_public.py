"""Public results boards and the embeddable widget: only the published snapshot, never live or personal data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hocso.core.security import frameable

from .selectors import board_row, board_rows, chart_data, published_campaign, published_trend


def _unit_id(request: HttpRequest) -> int | None:
    raw = request.GET.get("unit", "")
    return int(raw) if raw.isdigit() else None


@require_GET
def board(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, snap = published_campaign(pk)
    current, rows = board_rows(snap, _unit_id(request))
    shown = [current] if current is not None else rows
    distribution = [sum(counts) for counts in zip(*(r.total.get("distribution", []) for r in shown), strict=False)]
    trend_ids = [r.unit_id for r in [*([current] if current else []), *rows] if r.unit_id]
    charts = chart_data(units=[(r.unit_name, r.total) for r in rows], distribution=distribution,
                        trend=published_trend(trend_ids))
    return render(request, "campaigns/public_board.html", {
        "campaign": campaign, "snapshot": snap, "current": current, "rows": rows, "charts": charts,
    })


@frameable
@require_GET
def widget(request: HttpRequest, pk: int, unit_id: int) -> HttpResponse:
    campaign, snap = published_campaign(pk)
    return render(request, "campaigns/widget.html", {
        "campaign": campaign, "snapshot": snap, "row": board_row(snap, unit_id),
    })
