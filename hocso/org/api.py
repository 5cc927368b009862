"""/api/v1 endpoints for the unit tree and target groups. Thin: parse, call a selector, shape."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from hocso.core.api_common import Id, Page, PageParams, actor_of, errors, paginate_queryset

from .models import TargetGroup
from .selectors import unit_children, unit_get, units_visible, with_counts

router = Router(tags=["units"])


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    code: str | None
    admin_unit_code: str
    kind: str
    parent_id: int | None
    depth: int
    valid_from: dt.date
    valid_to: dt.date | None = Field(description="Set when the unit no longer exists (merged, split, dissolved).")
    learner_count: int = Field(description="Learners in the unit and every unit below it.")


class UnitDetailOut(UnitOut):
    child_count: int = Field(description="Current units directly below.")
    successor_id: int | None


class UnitPage(Page[UnitOut]):
    pass


class TargetGroupOut(Schema):
    id: int
    code: str
    name: str
    description: str
    is_active: bool


class UnitFilters(Schema):
    q: str = Field("", description="Search in name, short name and code; accents and case are ignored.")
    parent: Id | None = Field(None, description="Only the units directly below this unit.")
    former: bool = Field(False, description="Include units that no longer exist.")


@router.get("/units", response={200: UnitPage, **errors(401, 404, 422)}, summary="List units")
def list_units(request: HttpRequest, filters: Query[UnitFilters], paging: Query[PageParams]):
    actor = actor_of(request)
    qs = units_visible(actor=actor, include_former=filters.former)
    if filters.parent is not None:
        qs = qs.filter(parent=unit_get(actor=actor, pk=filters.parent))
    qs = qs.search(filters.q)
    return paginate_queryset(qs.order_by("depth", "sort_key", "id"), paging, transform=with_counts)


@router.get("/units/{unit_id}", response={200: UnitDetailOut, **errors(401, 404, 422)}, summary="One unit")
def get_unit(request: HttpRequest, unit_id: Id):
    return with_counts([unit_get(actor=actor_of(request), pk=unit_id)])[0]


@router.get("/units/{unit_id}/subtree", response={200: UnitPage, **errors(401, 404, 422)},
            summary="All current units below a unit")
def unit_subtree(request: HttpRequest, unit_id: Id, paging: Query[PageParams]):
    actor = actor_of(request)
    unit = unit_get(actor=actor, pk=unit_id)
    qs = units_visible(actor=actor).in_subtree(unit, include_self=False).order_by("depth", "sort_key", "id")
    return paginate_queryset(qs, paging, transform=with_counts)


@router.get("/units/{unit_id}/children", response={200: list[UnitOut], **errors(401, 404, 422)},
            summary="Units directly below a unit")
def unit_children_list(request: HttpRequest, unit_id: Id, former: bool = False):
    actor = actor_of(request)
    return unit_children(actor=actor, unit=unit_get(actor=actor, pk=unit_id), include_former=former)


@router.get("/target-groups", response={200: list[TargetGroupOut], **errors(401)}, tags=["target groups"],
            summary="Target groups")
def list_target_groups(request: HttpRequest):
    # The list is the same for everyone (it is reference data); inactive groups are kept for old records.
    return TargetGroup.objects.order_by("position", "name")
