"""/api/v1 endpoints for learners. Personal data is minimised: a masked CCCD and the year of birth only."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from hocso.core.api_common import Id, Page, PageParams, actor_of, errors, paginate_queryset
from hocso.core.exporting import XLSX_TYPE
from hocso.org.selectors import unit_get

from .exporting import export_learners
from .models import Learner, LearnerStatus
from .selectors import learner_get, learner_list, learner_memberships

router = Router(tags=["learners"])

StatusValue = Literal[tuple(LearnerStatus.values)]  # type: ignore[valid-type]


class TargetGroupRef(Schema):
    id: int
    code: str
    name: str


class UnitRef(Schema):
    id: int
    name: str
    code: str | None


class LearnerOut(Schema):
    id: int
    full_name: str
    family_name: str
    middle_name: str
    given_name: str
    cccd_masked: str = Field(description="The CCCD number with all but the first 3 and last 2 digits hidden.")
    birth_year: int | None
    gender: str = Field(description='"M", "F" or empty.')
    position: str
    rank_code: str
    target_group: TargetGroupRef | None
    unit: UnitRef | None
    status: str

    # Resolved explicitly from the model, so no other field (the full CCCD, the date of birth) can leak.
    @staticmethod
    def resolve_cccd_masked(obj: Learner) -> str:
        return obj.masked_cccd

    @staticmethod
    def resolve_birth_year(obj: Learner) -> int | None:
        return obj.date_of_birth.year if obj.date_of_birth else None


class LearnerPage(Page[LearnerOut]):
    pass


class MembershipOut(Schema):
    unit: UnitRef
    start_date: dt.date
    end_date: dt.date | None
    reason: str


class LearnerDetailOut(LearnerOut):
    memberships: list[MembershipOut] = Field(description="Where the learner worked, newest first.")

    @staticmethod
    def resolve_memberships(obj: Learner) -> list:
        return list(learner_memberships(learner=obj))


class LearnerFilters(Schema):
    q: str = Field("", description="Search in names and e-mail (accents and case are ignored).")
    unit: Id | None = Field(None, description="Only learners in this unit and the units below it.")
    target_group: Id | None = Field(None, description="Target group id.")
    status: StatusValue | None = None  # type: ignore[valid-type]


@router.get("/learners", response={200: LearnerPage, **errors(401, 404, 422)}, summary="List learners")
def list_learners(request: HttpRequest, filters: Query[LearnerFilters], paging: Query[PageParams]):
    actor = actor_of(request)
    unit = unit_get(actor=actor, pk=filters.unit) if filters.unit is not None else None
    qs = learner_list(
        actor=actor, query=filters.q, unit=unit, target_group_id=filters.target_group, status=filters.status
    )
    return paginate_queryset(qs, paging)


@router.get(
    "/learners/export",
    summary="Export learners as .xlsx or CSV",
    response={200: None, **errors(401, 404, 422)},
    openapi_extra={"responses": {200: {
        "description": "The file, with the same columns the staff import reads.",
        "content": {XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
                    "text/csv": {"schema": {"type": "string"}}},
    }}},
)
def export_learners_file(request: HttpRequest, filters: Query[LearnerFilters],
                         format: Literal["xlsx", "csv"] = "xlsx", masked: bool = False):
    """The learners matching the filters (the same as `GET /learners`), all pages, as one file.

    Full CCCD numbers and dates of birth are included only for a signed-in administrator or focal point
    responsible for the person (and such an export is audited); API keys always get them masked.
    """
    actor = actor_of(request)
    unit = unit_get(actor=actor, pk=filters.unit) if filters.unit is not None else None
    qs = learner_list(
        actor=actor, query=filters.q, unit=unit, target_group_id=filters.target_group, status=filters.status
    )
    export = export_learners(actor=actor, learners=qs, fmt=format, masked=masked, filters={
        "q": filters.q, "unit": filters.unit, "target_group": filters.target_group, "status": filters.status})
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
    response["Cache-Control"] = "no-store"
    return response


@router.get("/learners/{learner_id}", response={200: LearnerDetailOut, **errors(401, 404, 422)},
            summary="One learner with membership history")
def get_learner(request: HttpRequest, learner_id: Id):
    return learner_get(actor=actor_of(request), pk=learner_id)
