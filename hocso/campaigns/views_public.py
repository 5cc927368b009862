"""Public results boards and the embeddable widget: only the published snapshot, never live or personal data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hocso.core.pagination import paginate, querystring_without_page
from hocso.core.security import frameable

from .disclosure import suppression_rule_short
from .selectors.boards import board_context, board_row, published_boards, published_campaign, snapshot_k


def _unit_id(request: HttpRequest) -> int | None:
    raw = request.GET.get("unit", "")
    return int(raw) if raw.isdecimal() else None


@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    """/cong-khai/: every published campaign's board, for citizens, the e-portal and agencies (no login)."""
    query = request.GET.get("q", "")[:100]
    return render(request, "campaigns/public_index.html", {
        "page": paginate(request, published_boards(query=query)),
        "q": query,
        "querystring": querystring_without_page(request),
    })


@require_GET
def board(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "campaigns/public_board.html", board_context(pk, _unit_id(request)))


@frameable
@require_GET
def widget(request: HttpRequest, pk: int, unit_id: int) -> HttpResponse:
    campaign, snap = published_campaign(pk)
    return render(request, "campaigns/widget.html", {
        "campaign": campaign, "snapshot": snap, "row": board_row(snap, unit_id),
        "suppression_rule": suppression_rule_short(snapshot_k(snap)),
    })
