"""/api/v1 for awareness programmes: programmes, their sessions and sites, and each session's attendance.

Scoped like the pages: a key or a focal point sees the programmes hosted in their units, and the sites of their
units. Attendance is given as aggregates only (never a person); for an API key (the IOC, the e-portal) a unit whose
attendance or expected count describes 1..k-1 people is withheld, and more units where subtraction from the total
would give one back (k = HOCSO_MIN_GROUP_SIZE), as for campaign results.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import BaseModel

from hocso.core.api_common import ApiError, Id, Page, PageParams, actor_of, errors, paginate_queryset
from hocso.identity.models import ApiKey

from . import programme_selectors as selectors
from .disclosure import public_attendance
from .permissions import can_manage_programme
from .selectors import site_list

router = Router(tags=["awareness programmes"])


class SessionOut(Schema):
    id: int
    title: str
    speakers: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    meeting_url: str


class ProgrammeOut(Schema):
    id: int
    title: str
    host_unit_id: int
    host_unit_name: str

    @staticmethod
    def resolve_host_unit_name(obj) -> str:
        return obj.host_unit.name if hasattr(obj, "host_unit") else obj["host_unit"].name


class ProgrammeDetailOut(ProgrammeOut):
    description: str
    sessions: list[SessionOut]


class ProgrammePage(Page[ProgrammeOut]):
    pass


class SiteOut(Schema):
    id: int
    name: str
    unit_id: int
    unit_name: str

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name
    address: str
    capacity: int | None
    is_active: bool


class SitePage(Page[SiteOut]):
    pass


class UnitAttendanceOut(BaseModel):
    unit_name: str
    sites: int
    reporting: int = Field(description="Sites with a check-in or a head count.")
    expected: int | None = Field(description="People expected. Null when withheld (see `suppressed`).")
    attendance: int | None = Field(description="People present: the larger of the head count and the named "
                                               "check-ins, summed over the unit's sites. Null when withheld.")
    suppressed: bool


class AttendanceOut(BaseModel):
    session_id: int
    sites: int
    reporting: int
    expected: int | None = Field(description="People expected at every site. Null when withheld.")
    attendance: int | None = Field(description="People present at every site. Null when withheld.")
    units: list[UnitAttendanceOut]
    min_group_size: int = Field(description="Figures about fewer people than this are withheld for API keys.")


@router.get("/programmes", response={200: ProgrammePage, **errors(401, 422)}, summary="Programmes")
def list_programmes(request: HttpRequest, paging: Query[PageParams], q: str = ""):
    return paginate_queryset(selectors.programme_list(actor=actor_of(request), query=q[:200]), paging)


@router.get("/programmes/{programme_id}", response={200: ProgrammeDetailOut, **errors(401, 404, 422)},
            summary="One programme with its sessions")
def get_programme(request: HttpRequest, programme_id: Id):
    programme = selectors.programme_get(actor=actor_of(request), pk=programme_id)
    return {"id": programme.pk, "title": programme.title, "host_unit_id": programme.host_unit_id,
            "host_unit": programme.host_unit, "description": programme.description,
            "sessions": list(programme.sessions.all())}


@router.get("/bridge-sites", response={200: SitePage, **errors(401, 422)}, summary="Bridge sites")
def list_sites(request: HttpRequest, paging: Query[PageParams], q: str = ""):
    return paginate_queryset(site_list(actor=actor_of(request), query=q[:200]), paging)


@router.get("/programmes/{programme_id}/sessions/{session_id}/attendance",
            response={200: AttendanceOut, **errors(401, 404, 409, 422)},
            summary="A session's attendance by unit")
def session_attendance(request: HttpRequest, programme_id: Id, session_id: Id):
    actor = actor_of(request)
    programme = selectors.programme_get(actor=actor, pk=programme_id)
    session = selectors.session_get(programme=programme, pk=session_id)
    data = selectors.board(session)
    k = settings.HOCSO_MIN_GROUP_SIZE
    # The programme's hosts see every figure, live, as on their board; keys and everyone else get the published rule,
    # and only once the session has ended (figures that still move would let two readings tell single people).
    public = isinstance(actor, ApiKey) or not can_manage_programme(actor, programme)
    if public and session.ends_at > timezone.now():
        raise ApiError(409, "session_not_ended", _("Attendance is given once the session has ended."))
    return {**public_attendance(data, k if public else 1), "min_group_size": k}
