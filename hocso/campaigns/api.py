"""/api/v1 feed of published campaign results (the IOC, the e-portal, agency websites).

Only snapshots are served: frozen per-unit aggregates with no personal data, and, like every public or keyed output,
with the figures of groups under the minimum group size withheld (null, flagged; campaigns/disclosure.py), for keys
scoped to a unit too. Answers carry an ETag; a request with a matching If-None-Match gets 304 with no body, so
pollers cost almost nothing between publications.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Literal

from django.core.cache import cache
from django.db.models import Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from pydantic import BaseModel

from hocso.core.api_common import Id, Page, PageParams, actor_of, errors, paginate_queryset
from hocso.core.input_guard import INTEGER_MAX
from hocso.core.scoping import scope_of

from .models import Snapshot
from .selectors import campaigns_visible
from .selectors.boards import public_rows, snapshot_k

router = Router(tags=["campaign results"])
RESULTS_CACHE_SECONDS = 600


class CampaignOut(Schema):
    id: int
    title: str
    opens_on: dt.date
    closes_on: dt.date
    latest_version: int = Field(description="The newest published snapshot version.")
    published_at: dt.datetime = Field(description="When the newest version was published.")


class CampaignPage(Page[CampaignOut]):
    pass


WITHHELD = " Null when withheld (see `suppression`)."


class SuppressionOut(BaseModel):
    audience: Literal["small_group", "complementary"] | None = Field(
        description="Why audience, participants and participation_rate are withheld: `small_group` (the audience "
                    "has fewer people than the minimum group size), `complementary` (withheld so that a small group "
                    "elsewhere cannot be recovered by subtraction); null: shown.")
    results: Literal["small_group", "complementary"] | None = Field(
        description="The same for graded, passed, pass_rate, mean, median and distribution (`small_group`: fewer "
                    "people with a result than the minimum group size).")


class FiguresOut(BaseModel):  # plain pydantic: built from dicts, no ORM getter per row
    audience: int | None = Field(description="People in the campaign's audience." + WITHHELD)
    participants: int | None = Field(
        description="People who started at least one attempt in the window." + WITHHELD)
    participation_rate: float | None = Field(description="participants / audience, in %." + WITHHELD)
    graded: int | None = Field(
        description="Participants with a result (a graded attempt); the others are still sitting the test or wait "
                    "for an essay to be graded." + WITHHELD)
    passed: int | None = Field(description="People whose result reaches the pass mark." + WITHHELD)
    pass_rate: float | None = Field(description="passed / graded, in %." + WITHHELD)
    mean: float | None = Field(description="Mean score of the people with a result, in %." + WITHHELD)
    median: float | None = Field(description="Median score of the people with a result, in %." + WITHHELD)
    distribution: list[int] | None = Field(
        description="People per score band 0–10, 10–20, … 90–100 %." + WITHHELD)
    suppressed: bool = Field(description="Some figures are withheld (null) by the minimum group size rule.")
    suppression: SuppressionOut


class UnitResultOut(BaseModel):
    unit_id: int | None
    unit_name: str
    agency_code: str = Field(description="QCVN 102:2016 agency code (may be empty).")
    admin_unit_code: str = Field(description="Administrative-unit code where it applies.")
    parent_unit_id: int | None
    depth: int
    total: FiguresOut = Field(description="The unit and every unit below it.")
    own: FiguresOut = Field(description="Only the people directly in the unit.")


class SnapshotOut(Schema):
    campaign_id: int
    version: int
    period: str
    opens_on: dt.date
    closes_on: dt.date
    pass_percent: float
    published_at: dt.datetime
    min_group_size: int = Field(
        description="Figures about fewer people than this are withheld (null), with any others needed so that "
                    "subtraction cannot recover them; totals still count everyone.")


class ResultsPage(Page[UnitResultOut]):
    snapshot: SnapshotOut


class ResultsParams(PageParams):
    version: int | None = Field(None, ge=1, le=INTEGER_MAX, description="A snapshot version; the newest by default.")


def _etag(*parts) -> str:
    return '"' + hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()[:32] + '"'


def _not_modified(request: HttpRequest, etag: str) -> HttpResponse | None:
    candidates = [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]
    if etag in candidates or "*" in candidates:
        response = HttpResponse(status=304)
        response["ETag"] = etag
        return response
    return None


def _cache_headers(response: HttpResponse, etag: str) -> None:
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Authorization, X-API-Key, Cookie, Accept-Language"


@router.get("/campaigns", response={200: CampaignPage, 304: None, **errors(401, 422)},
            summary="List published test campaigns")
def list_campaigns(request: HttpRequest, response: HttpResponse, paging: Query[PageParams]):
    actor = actor_of(request)
    qs = (
        campaigns_visible(actor=actor)
        .filter(snapshots__isnull=False)
        .annotate(latest_version=Max("snapshots__version"), published_at=Max("snapshots__published_at"))
        .order_by("-closes_on", "-id")
    )
    newest = Snapshot.objects.filter(campaign__in=qs.values("pk")).aggregate(m=Max("pk"))["m"]
    etag = _etag("campaigns", newest, qs.count(), paging.page, paging.page_size, scope_of(actor))
    if (cached := _not_modified(request, etag)) is not None:
        return cached
    _cache_headers(response, etag)
    return paginate_queryset(qs, paging)


@router.get("/campaigns/{campaign_id}/results", response={200: ResultsPage, 304: None, **errors(401, 404, 422)},
            summary="Per-unit results of a published campaign")
def campaign_results(request: HttpRequest, response: HttpResponse, campaign_id: Id,
                     params: Query[ResultsParams]):
    actor = actor_of(request)
    campaign = campaigns_visible(actor=actor).filter(pk=campaign_id).first()
    snapshots = Snapshot.objects.filter(campaign=campaign) if campaign else Snapshot.objects.none()
    if params.version is not None:
        snapshots = snapshots.filter(version=params.version)
    snapshot = snapshots.order_by("-version").first()
    if snapshot is None:
        raise Http404("snapshot")
    scope = scope_of(actor)
    etag = _etag("results", snapshot.pk, snapshot.min_group_size, params.page, params.page_size, scope)
    if (cached := _not_modified(request, etag)) is not None:
        return cached
    _cache_headers(response, etag)
    # A published snapshot never changes: the page is cached (per process) under its ETag, with the publication
    # time so that a reused snapshot id (a database rebuilt from scratch) cannot serve an old page.
    key = f"campaigns:results:{etag}:{snapshot.published_at.timestamp()}"
    if (data := cache.get(key)) is not None:
        return data
    rows = snapshot.rows.filter(scope.q("path") if not scope.everything else Q()).order_by("path")
    data = paginate_queryset(rows, params, transform=lambda items: [
        {"unit_id": r.unit_id, "unit_name": r.unit_name, "agency_code": r.agency_code,
         "admin_unit_code": r.admin_unit_code, "parent_unit_id": r.parent_unit_id, "depth": r.depth,
         "total": r.total, "own": r.own} for r in public_rows(snapshot, items)
    ])
    data["snapshot"] = {
        "campaign_id": snapshot.campaign_id, "version": snapshot.version, "period": snapshot.period,
        "opens_on": snapshot.opens_on, "closes_on": snapshot.closes_on,
        "pass_percent": float(snapshot.pass_percent), "published_at": snapshot.published_at,
        "min_group_size": snapshot_k(snapshot),
    }
    cache.set(key, data, RESULTS_CACHE_SECONDS)
    return data
