"""A hand-computed campaign for the results tests.

Window 01/10/2026–31/12/2026, audience = the whole province, pass mark 50 %.
  Ánh (school under commune A)  graded 80      passed
  Cường (commune A)             graded 40      failed
  Dũng (commune B)              no attempt     not started
  Giang (commune B)             open attempt   in progress
  Hà (A until 15/11/2026, then B)  graded 90   passed, counted in B (her unit at the close)
  Khánh (unit M, merged into B on 10/01/2027)  graded 60   passed, counted in M
  Lan left on 01/09/2026, Minh joined on 05/01/2027: not in the audience.
Province: audience 6, participants 5, passed 3, grades 80 40 90 60 -> mean 67.50, median 70.00.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from decimal import Decimal

from django.utils import timezone

from hocso.assessment.models import Attempt, AttemptState
from hocso.assessment.tests.factories import make_quiz
from hocso.campaigns.models import Snapshot
from hocso.campaigns.services import AudienceLine, campaign_create, campaign_publish
from hocso.core.actors import SYSTEM
from hocso.org.models import UnitKind
from hocso.org.services import units_merge
from hocso.people.services import learner_leave, learner_move
from hocso.tests.factories import make_learner, make_unit

OPENS, CLOSES = dt.date(2026, 10, 1), dt.date(2026, 12, 31)
_tokens = itertools.count(1)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def make_attempt(quiz, learner, *, percent: int | None, day: dt.date = dt.date(2026, 11, 20), number: int = 1):
    graded = percent is not None
    return Attempt.objects.create(
        quiz=quiz, learner=learner, unit=learner.unit, number=number, token=f"tok-{next(_tokens)}",
        started_at=at(day), submitted_at=at(day, 10) if graded else None,
        state=AttemptState.GRADED if graded else AttemptState.IN_PROGRESS,
        percent=Decimal(percent) if graded else None, passed=(percent >= 50) if graded else None,
    )


def build_world(province, commune_a, commune_b, school_a, learner_in_a, admin):
    quiz = make_quiz(pass_percent=Decimal(50))
    unit_m = make_unit("Xã Minh Tiến", province, kind=UnitKind.COMMUNE, code="000.03.30.H55")
    anh = learner_in_a
    cuong = make_learner(commune_a, "Lê Văn Cường", email="cuong@example.vn")
    dung = make_learner(commune_b, "Phạm Văn Dũng", email="dung@example.vn")
    giang = make_learner(commune_b, "Trần Thị Giang", email="giang@example.vn")
    ha = make_learner(commune_a, "Vũ Thị Hà", email="ha@example.vn")
    khanh = make_learner(unit_m, "Hoàng Văn Khánh")
    lan = make_learner(commune_a, "Ngô Thị Lan")
    minh = make_learner(commune_b, "Đỗ Văn Minh", start_date=dt.date(2027, 1, 5))
    learner_leave(actor=SYSTEM, learner=lan, on=dt.date(2026, 9, 1))
    learner_move(actor=SYSTEM, learner=ha, to_unit=commune_b, on=dt.date(2026, 11, 15))
    make_attempt(quiz, anh, percent=80)
    make_attempt(quiz, cuong, percent=40)
    make_attempt(quiz, giang, percent=None)
    make_attempt(quiz, ha, percent=90, day=dt.date(2026, 10, 20))
    make_attempt(quiz, khanh, percent=60)
    make_attempt(quiz, cuong, percent=95, day=dt.date(2026, 9, 1), number=2)  # before the window: ignored
    campaign = campaign_create(
        actor=SYSTEM, title="Quý IV/2026", quiz=quiz, opens_on=OPENS, closes_on=CLOSES,
        lines=[AudienceLine(unit=province)],
    )
    merged_into = units_merge(actor=admin, sources=[unit_m], into=commune_b, on=dt.date(2027, 1, 10))
    unit_m.refresh_from_db()
    names = {"anh": anh, "cuong": cuong, "dung": dung, "giang": giang, "ha": ha, "khanh": khanh, "lan": lan,
             "minh": minh}
    return campaign, unit_m, merged_into, names


# Twelve digits in a row: a CCCD number where none may be (published files, pages and feeds).
CCCD_RE = re.compile(r"(?<!\d)\d{12}(?!\d)")
CHART_JSON = re.compile(r'<script id="campaign-charts" type="application/json">(.*?)</script>', re.S)


def publish(client, admin, campaign):
    client.force_login(admin)
    response = client.post(f"/dot-kiem-tra/{campaign.pk}/cong-bo/")
    assert response.status_code == 302
    client.logout()
    return Snapshot.objects.filter(campaign=campaign).order_by("-version").first()


def assert_no_personal_data(body: str, people) -> None:
    for learner in people.values():
        assert learner.full_name not in body
        assert not learner.email or learner.email not in body
    assert not CCCD_RE.search(body), CCCD_RE.search(body)


def chart_data(body: str) -> dict:
    match = CHART_JSON.search(body)
    assert match, "no chart data"
    return json.loads(match.group(1))


# A board with many units (the charts' tests).
LONG_NAME = "Trung tâm Chuyển đổi số và Ứng dụng khoa học công nghệ tỉnh Thái Nguyên (tên rất dài để thử)"
UNITS = 30  # more than the 20 bars the units chart shows before "show all"


def many_units(province, admin):
    """UNITS units under the province, 4 people each with a result (0 to 4 passes: pass rates 0 to 100 %) and 0 to 3
    without an attempt, and a unit with a very long name passing everyone; two published campaigns (Q3 and Q4)."""
    quiz = make_quiz(pass_percent=Decimal(50))
    units = []
    for i in range(UNITS):
        unit = make_unit(LONG_NAME if i == 0 else f"Xã Thử Nghiệm {i:02d}", province)
        units.append(unit)
        passes = 4 if i == 0 else i % 5
        for j in range(4 + i % 4):
            learner = make_learner(unit, f"Người Thử {i:02d}-{j}")
            if j < 4:
                make_attempt(quiz, learner, percent=80 if j < passes else 30)
                make_attempt(quiz, learner, percent=80 if j < (i + 2) % 5 else 30, day=dt.date(2026, 8, 10),
                             number=2)
    earlier = campaign_create(actor=SYSTEM, title="Quý III/2026", quiz=quiz, opens_on=dt.date(2026, 7, 1),
                              closes_on=dt.date(2026, 9, 30), lines=[AudienceLine(unit=province)])
    campaign = campaign_create(actor=SYSTEM, title="Quý IV/2026", quiz=quiz, opens_on=OPENS, closes_on=CLOSES,
                               lines=[AudienceLine(unit=province)])
    campaign_publish(actor=admin, campaign=earlier)
    campaign_publish(actor=admin, campaign=campaign)
    return campaign, units
