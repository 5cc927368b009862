"""The demo province's bridge sites: one hall per commune and ward, and the provincial agencies' meeting rooms,
each with a person in charge and a technician taken from the unit's own staff."""

from __future__ import annotations

import datetime as dt
import random

from hocso.access.models import Role, RoleAssignment
from hocso.events.models import BridgeSite
from hocso.org.models import Unit, UnitKind
from hocso.people.models import Learner

from . import data

EQUIPMENT = (
    "Màn hình LED 86 inch, camera PTZ, 2 micro không dây, đường truyền cáp quang 100 Mbps",
    "Tivi 75 inch, webcam hội nghị, loa và 1 micro để bàn, đường truyền Internet 50 Mbps",
    "Máy chiếu, camera hội nghị, bộ loa, đường truyền số liệu chuyên dùng",
    "Tivi 65 inch, webcam, loa kéo, Internet cáp quang; dự phòng 4G",
)


def _name(rng: random.Random) -> str:
    """A name drawn from the demo's lists, for a site whose unit has too few people in the demo to take one."""
    family = rng.choices([n for n, _w in data.FAMILY_NAMES], [w for _n, w in data.FAMILY_NAMES])[0]
    gender = rng.choice("MF")
    middle = rng.choices([n for n, _w in data.MIDDLE_NAMES[gender]], [w for _n, w in data.MIDDLE_NAMES[gender]])[0]
    return f"{family} {middle} {rng.choice(data.GIVEN_NAMES[gender])}"


def _phone(rng: random.Random) -> str:
    return rng.choice(("091", "094", "097", "098", "086", "083")) + f"{rng.randrange(10**7):07d}"


def seed_bridge_sites(*, root: Unit, seed: int) -> int:
    """One site per current commune and ward, the province's hall and one room per department: ~100 sites."""
    rng = random.Random(seed + 15)
    units = list(Unit.objects.filter(path__startswith=root.path, valid_to__isnull=True).filter(
        kind__in=(UnitKind.PROVINCE, UnitKind.DEPARTMENT, UnitKind.COMMUNE, UnitKind.WARD), depth__lte=1,
    ).order_by("path"))
    staff: dict[int, list[Learner]] = {}
    for learner in Learner.objects.filter(unit__in=units).order_by("sort_key").only(
            "unit_id", "family_name", "middle_name", "given_name", "phone"):
        staff.setdefault(learner.unit_id, []).append(learner)
    sites = []
    for unit in units:
        if unit.kind == UnitKind.PROVINCE:
            name, address, capacity = "Hội trường UBND tỉnh", "Số 18 đường Nha Trang, phường Phan Đình Phùng", 300
        elif unit.kind == UnitKind.DEPARTMENT:
            name, address = f"Phòng họp trực tuyến {unit.short_name or unit.name}", ""
            capacity = rng.choice((30, 40, 50))
        else:
            place = unit.name[:1].lower() + unit.name[1:]  # "Xã Đại Phúc" -> "xã Đại Phúc"
            name, address, capacity = f"Hội trường UBND {place}", f"Trụ sở UBND {place}", rng.randrange(40, 160, 10)
        people = staff.get(unit.pk, [])
        person = people[0].full_name if people else _name(rng)
        technician = people[-1].full_name if len(people) > 1 else _name(rng)
        site = BridgeSite(
            unit=unit, name=name, address=address, capacity=capacity, equipment=rng.choice(EQUIPMENT),
            coordinator_name=person, coordinator_phone=_phone(rng), technician_name=technician,
            technician_phone=_phone(rng),
        )
        site.refresh_keys(unit)
        sites.append(site)
    BridgeSite.objects.bulk_create(sites)
    # The demo coordinator account acts for its commune's hall.
    for assignment in RoleAssignment.objects.filter(role=Role.COORDINATOR, unit__name=data.DEMO_COMMUNE,
                                                    unit__path__startswith=root.path).select_related("user"):
        for site in BridgeSite.objects.filter(unit_id=assignment.unit_id):
            site.coordinators.add(assignment.user)
    return len(sites)


def reset_bridge_sites(root: Unit | None) -> dict[str, int]:
    """The demo's programmes (hosted in the province; their sessions and check-ins go with them), then its sites."""
    from hocso.events.models import CheckIn, Programme
    from hocso.training.models import Certificate

    if root is None:
        return {}
    programmes = Programme.objects.filter(host_unit__path__startswith=root.path)
    # Certificates of participation hold on to people: they go with their programme.
    Certificate.objects.filter(source__in=[f"programme:{pk}" for pk in programmes.values_list("pk", flat=True)]) \
        .delete()
    CheckIn.objects.filter(session__programme__in=programmes).delete()
    removed = programmes.delete()[1]
    deleted = BridgeSite.objects.filter(unit__path__startswith=root.path).delete()[1]
    return {"programmes": removed.get("events.Programme", 0), "bridge sites": deleted.get("events.BridgeSite", 0)}


def seed_programme(*, admin, root: Unit, seed: int) -> int:
    """A programme of the province over every site: a session held last month, with its check-ins and head counts
    (most sites at 60–95 % of their people, a few silent), and one next week. Returns the check-ins written."""
    from django.utils import timezone

    from hocso.events.models import CheckIn, CheckInMethod, ProgrammeSession, SiteSession
    from hocso.events.programme_selectors import site_people
    from hocso.events.programme_services import programme_save, programme_sites_add

    rng = random.Random(seed + 16)
    programme = programme_save(
        actor=admin, title="Hội nghị trực tuyến phổ biến kiến thức chuyển đổi số năm 2026", host_unit=root,
        description="Quán triệt Nghị quyết 57-NQ/TW và Đề án 06; hướng dẫn sử dụng dịch vụ công trực tuyến, "
                    "chữ ký số và định danh điện tử cho cán bộ, công chức, viên chức toàn tỉnh.")
    programme_sites_add(actor=admin, programme=programme,
                        sites=BridgeSite.objects.filter(unit__path__startswith=root.path).select_related("unit"))
    now = timezone.localtime()
    held = now.replace(hour=8, minute=0, second=0, microsecond=0) - dt.timedelta(days=30)
    past = ProgrammeSession.objects.create(
        programme=programme, title="Phiên 1: Chuyển đổi số trong cơ quan nhà nước", starts_at=held,
        ends_at=held + dt.timedelta(hours=3, minutes=30), speakers="Lãnh đạo Sở Khoa học và Công nghệ",
        meeting_url="https://hop.thainguyen.gov.vn/chuyen-doi-so-2026")
    upcoming = held + dt.timedelta(days=37)
    ProgrammeSession.objects.create(
        programme=programme, title="Phiên 2: Dịch vụ công trực tuyến và chữ ký số", starts_at=upcoming,
        ends_at=upcoming + dt.timedelta(hours=3), speakers="Trung tâm Chuyển đổi số tỉnh",
        meeting_url="https://hop.thainguyen.gov.vn/chuyen-doi-so-2026")
    check_ins, states = [], []
    for row in programme.programme_sites.select_related("site__unit"):
        if rng.random() < 0.05:  # a few sites never reported
            continue
        people = list(site_people(programme, row.site).values_list("pk", flat=True))
        present = rng.sample(people, int(len(people) * rng.uniform(0.6, 0.95)))
        for pk in present:
            moment = held - dt.timedelta(minutes=rng.randrange(0, 45)) + dt.timedelta(minutes=rng.choice((0, 0, 0, 5)))
            check_ins.append(CheckIn(session=past, site=row.site, learner_id=pk, checked_at=moment,
                                     late=moment > held, method=rng.choice(list(CheckInMethod.values))))
        states.append(SiteSession(session=past, site=row.site, connection_tested_at=held - dt.timedelta(minutes=75),
                                  list_confirmed_at=held - dt.timedelta(minutes=20),
                                  head_count=len(present) + rng.randrange(0, 6)))
    CheckIn.objects.bulk_create(check_ins, batch_size=500)
    SiteSession.objects.bulk_create(states, batch_size=500)
    return len(check_ins)
