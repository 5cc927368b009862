"""The published snapshots of a campaign and the public boards built from them (no personal data, no login)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import (
    Count,
    Max,
    QuerySet,
)
from django.http import Http404

from ..disclosure import marked, min_group_size, suppression_rule
from ..models import Campaign, Snapshot, SnapshotRow
from .results import TREND_LINES, chart_data, chart_tables, published_trend

# --- snapshots ------------------------------------------------------------------------------------------


def snapshots_of(campaign: Campaign) -> QuerySet[Snapshot]:
    return campaign.snapshots.order_by("-version")


def latest_snapshot(campaign: Campaign) -> Snapshot | None:
    return snapshots_of(campaign).first()


# --- public board (published snapshots only: no personal data, no login) -----------------------------------


def published_boards(*, query: str = "") -> QuerySet[Snapshot]:
    """The newest snapshot of every published campaign, latest period first: what the public index lists.
    Only snapshot fields (frozen at publication), never the live campaign."""
    newest = Snapshot.objects.values("campaign_id").annotate(newest=Max("pk")).values("newest")
    snapshots = Snapshot.objects.filter(pk__in=newest)
    if query.strip():
        snapshots = snapshots.filter(period__icontains=query.strip())
    return snapshots.order_by("-closes_on", "-campaign_id")


def published_campaign(pk: int) -> tuple[Campaign, Snapshot]:
    """A campaign and its newest snapshot; 404 for campaigns never published."""
    snap = Snapshot.objects.filter(campaign_id=pk).select_related("campaign").order_by("-version").first()
    if snap is None:
        raise Http404("campaign")
    return snap.campaign, snap


@dataclass(frozen=True)
class PublicRow:
    """A snapshot row as every public or keyed output gives it (campaigns/disclosure.py): in `total` and `own`
    the figures of small groups are None, flagged in "suppressed"/"suppression"; `shown_total` and `shown_own` carry
    their marks instead ("< 5", "*") for pages and files."""

    unit_id: int | None
    unit_name: str
    agency_code: str
    admin_unit_code: str
    parent_unit_id: int | None
    depth: int
    path: str
    total: dict
    own: dict | None
    shown_total: dict
    shown_own: dict | None


def public_row(row: SnapshotRow, k: int, *, own: bool = True) -> PublicRow:
    total = row.public("total")
    own_figures = row.public("own") if own else None
    return PublicRow(
        unit_id=row.unit_id, unit_name=row.unit_name, agency_code=row.agency_code,
        admin_unit_code=row.admin_unit_code, parent_unit_id=row.parent_unit_id, depth=row.depth, path=row.path,
        total=total, own=own_figures, shown_total=marked(total, k),
        shown_own=marked(own_figures, k) if own_figures is not None else None,
    )


def public_rows(snap: Snapshot, rows: Iterable[SnapshotRow] | None = None, *, own: bool = True) -> list[PublicRow]:
    """`rows` of the snapshot (all of them, in tree order, by default) as published."""
    rows = snap.rows.order_by("path") if rows is None else rows
    return [public_row(row, snapshot_k(snap), own=own) for row in rows]


def snapshot_k(snap: Snapshot) -> int:
    """The minimum group size the snapshot's masks apply (set by campaign_publish, migration 0002 and
    `hocso protect_snapshots`, the only writers of snapshots)."""
    return snap.min_group_size or min_group_size()


def board_rows(snap: Snapshot, unit_id: int | None = None) -> tuple[PublicRow | None, list[PublicRow]]:
    """The snapshot rows directly below `unit_id` (or the top rows) plus the row for `unit_id` itself.
    The board shows subtree figures only: the `own` figures are not read (half the JSON to decode)."""
    rows = snap.rows.defer("own")
    if unit_id is None:
        top = rows.order_by("depth").first()
        below = rows.filter(depth=top.depth).order_by("unit_name") if top else rows.none()
        return None, public_rows(snap, below, own=False)
    current = rows.filter(unit_id=unit_id).first()
    if current is None:
        raise Http404("unit")
    below = rows.filter(parent_unit_id=unit_id, depth=current.depth + 1).order_by("unit_name")
    return public_row(current, snapshot_k(snap), own=False), public_rows(snap, below, own=False)


BOARD_CACHE_SECONDS = 600


def _board_distribution(shown: list[PublicRow]) -> list[int]:
    """The score bands of the rows shown, summed; none if a row's results are withheld (a partial sum would
    mislead, and a sum over other rows must not stand for it)."""
    if not shown or any(r.total["distribution"] is None for r in shown):
        return []
    return [sum(counts) for counts in zip(*(r.total["distribution"] for r in shown), strict=True)]


def board_context(pk: int, unit_id: int | None) -> dict:
    """What the public board shows for a campaign's newest snapshot at `unit_id` (or the top): the row itself,
    the rows below it and the charts, small groups withheld. A published snapshot never changes, so the figures are
    cached (per process); the key names the snapshot (id, publication time, minimum group size) and every campaign's
    snapshots (count and newest id), because the trend chart reads the newest snapshot of every campaign."""
    campaign, snap = published_campaign(pk)
    stamp = Snapshot.objects.aggregate(n=Count("pk"), newest=Max("pk"))
    key = (f"campaigns:board:{snap.pk}:{snap.published_at.timestamp()}:{snap.min_group_size}:{unit_id}:"
           f"{stamp['n']}:{stamp['newest']}")
    figures = cache.get(key)
    if figures is None:
        current, rows = board_rows(snap, unit_id)
        # The trend's first lines: the unit viewed (or the top of the tree); the viewer adds others from below it.
        viewed = [current] if current is not None else rows[:TREND_LINES]
        chosen = [r.unit_id for r in viewed if r.unit_id]
        trend_ids = [*chosen, *(r.unit_id for r in rows if r.unit_id)]
        charts = chart_data(units=[(r.unit_name, r.total) for r in rows],
                            distribution=_board_distribution([current] if current is not None else rows),
                            trend=published_trend(trend_ids, chosen=chosen))
        figures = {"current": current, "rows": rows, "charts": charts}
        cache.set(key, figures, BOARD_CACHE_SECONDS)
    return {"campaign": campaign, "snapshot": snap, "suppression_rule": suppression_rule(snapshot_k(snap)),
            "chart_tables": chart_tables(figures["charts"]), **figures}


def board_row(snap: Snapshot, unit_id: int) -> PublicRow:
    row = snap.rows.defer("own").filter(unit_id=unit_id).first()
    if row is None:
        raise Http404("unit")
    return public_row(row, snapshot_k(snap), own=False)
