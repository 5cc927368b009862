"""The programmes API: scoped like the pages, aggregates only, small groups withheld for API keys."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hocso.events import checkin as codes
from hocso.events.models import CheckInMethod, ProgrammeSession, ProgrammeSite
from hocso.events.programme_services import programme_save, programme_sites_add
from hocso.identity.services import api_key_issue
from hocso.tests.factories import make_learner

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(province_admin, province, site_a, site_b):
    programme = programme_save(actor=province_admin, title="Hội nghị trực tuyến 2026", host_unit=province)
    programme_sites_add(actor=province_admin, programme=programme, sites=[site_a, site_b])
    start = timezone.now() + dt.timedelta(minutes=5)
    return ProgrammeSession.objects.create(programme=programme, title="Khai mạc", starts_at=start,
                                           ends_at=start + dt.timedelta(hours=2))


def _url(session) -> str:
    return f"/api/v1/programmes/{session.programme_id}/sessions/{session.pk}/attendance"


def test_staff_see_every_units_figures_and_keys_get_small_groups_withheld(client, province_admin, session, site_a,
                                                                          site_b, commune_a, commune_b,
                                                                          coordinator_a):
    ProgrammeSite.objects.filter(site=site_a).update(expected_computed=40)
    ProgrammeSite.objects.filter(site=site_b).update(expected_computed=30)
    codes.head_count_set(actor=coordinator_a, session=session, site=site_a, count=35)
    for n in range(3):  # commune B: three people, a small group
        codes.check_in(session=session, site=site_b, learner=make_learner(commune_b, f"Lý Văn E{n}"),
                       method=CheckInMethod.LIST)
    client.force_login(province_admin)
    data = client.get(_url(session)).json()  # the host: live, every figure
    assert (data["attendance"], data["expected"]) == (38, 70)
    assert {u["unit_name"]: u["attendance"] for u in data["units"]} == {commune_a.name: 35, commune_b.name: 3}
    client.logout()
    _key, raw = api_key_issue(actor=province_admin, name="IOC")
    assert client.get(_url(session), HTTP_X_API_KEY=raw).status_code == 409  # not before the session has ended
    ProgrammeSession.objects.filter(pk=session.pk).update(starts_at=timezone.now() - dt.timedelta(hours=2),
                                                          ends_at=timezone.now() - dt.timedelta(minutes=1))
    keyed = client.get(_url(session), HTTP_X_API_KEY=raw).json()
    by_unit = {u["unit_name"]: u for u in keyed["units"]}
    # Commune B's 3 are withheld, and commune A's 35 too: the total minus it would give the 3 back.
    assert by_unit[commune_b.name]["attendance"] is None and by_unit[commune_b.name]["suppressed"]
    assert by_unit[commune_a.name]["attendance"] is None
    assert keyed["attendance"] == 38 and keyed["min_group_size"] == 5
    assert "Lý Văn" not in str(keyed)


def test_a_key_for_one_commune_sees_only_its_programmes_and_sites(client, province_admin, session, commune_a,
                                                                  site_a, site_b):
    _key, raw = api_key_issue(actor=province_admin, name="Cổng xã A", unit=commune_a)
    assert client.get(f"/api/v1/programmes/{session.programme_id}", HTTP_X_API_KEY=raw).status_code == 404
    assert client.get("/api/v1/programmes", HTTP_X_API_KEY=raw).json()["count"] == 0
    sites = client.get("/api/v1/bridge-sites", HTTP_X_API_KEY=raw).json()
    assert [s["name"] for s in sites["items"]] == [site_a.name]
    _key, whole = api_key_issue(actor=province_admin, name="IOC")
    detail = client.get(f"/api/v1/programmes/{session.programme_id}", HTTP_X_API_KEY=whole).json()
    assert detail["sessions"][0]["title"] == "Khai mạc" and detail["host_unit_name"]
    assert client.get("/api/v1/programmes/99999999", HTTP_X_API_KEY=whole).status_code == 404


def test_a_coordinators_session_gets_the_published_rule_not_the_hosts_figures(client, session, site_a, site_b,
                                                                              commune_b, coordinator_a):
    for n in range(2):
        codes.check_in(session=session, site=site_b, learner=make_learner(commune_b, f"Sầm Văn F{n}"),
                       method=CheckInMethod.LIST)
    ProgrammeSession.objects.filter(pk=session.pk).update(starts_at=timezone.now() - dt.timedelta(hours=2),
                                                          ends_at=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(coordinator_a)
    units = {u["unit_name"]: u for u in client.get(_url(session)).json()["units"]}
    assert units[commune_b.name]["attendance"] is None and units[commune_b.name]["suppressed"]


def test_published_attendance_is_public_by_unit_with_small_groups_withheld(client, province_admin, session, site_a,
                                                                           site_b, commune_a, commune_b,
                                                                           coordinator_a, focal_b):
    from django.core.cache import cache
    from django.urls import reverse

    ProgrammeSite.objects.filter(site=site_a).update(expected_computed=40)
    ProgrammeSite.objects.filter(site=site_b).update(expected_computed=30)
    codes.head_count_set(actor=coordinator_a, session=session, site=site_a, count=35)
    names = [f"Lý Văn G{n}" for n in range(3)]
    for name in names:
        codes.check_in(session=session, site=site_b, learner=make_learner(commune_b, name),
                       method=CheckInMethod.LIST)
    # The session is over: the public page shows sessions once they have ended.
    ProgrammeSession.objects.filter(pk=session.pk).update(starts_at=timezone.now() - dt.timedelta(hours=3),
                                                          ends_at=timezone.now() - dt.timedelta(minutes=10))
    public = reverse("events:public_programme", args=[session.programme_id])
    assert client.get(public).status_code == 404  # not published yet
    client.force_login(focal_b)  # not the host's: cannot publish
    assert client.post(reverse("events:programme_publish", args=[session.programme_id]),
                       {"publish": "1"}).status_code == 404
    client.force_login(province_admin)
    client.post(reverse("events:programme_publish", args=[session.programme_id]), {"publish": "1"})
    client.logout()
    cache.clear()
    response = client.get(public)
    page = response.content.decode()
    assert "38 có mặt / 70 dự kiến" in page
    assert commune_a.name in page and commune_b.name in page and "*" in page
    assert ">3<" not in page and ">35<" not in page  # commune B's 3, and commune A's 35 that would give them back
    assert not any(name in page for name in names) and site_a.name not in page
    listing = client.get(reverse("events:public_programmes")).content.decode()
    assert "Hội nghị trực tuyến 2026" in listing


@pytest.mark.parametrize("units, hidden", [
    ([(40, 35), (30, 3)], {0, 1}),            # 3 present: small; 35 withheld too, or the total gives the 3 back
    ([(40, 35), (30, 20)], set()),            # nothing small: present, expected and absent all 0 or ≥ 5
    ([(40, 39), (30, 20)], {0, 1}),           # one absentee in the first unit: withheld with its complement
    ([(7, 6)], {0, "all"}),                   # one unit, one absentee: even the totals would tell
    ([(0, 0), (12, 12)], set()),              # everyone came: 0 absent is nobody
])
def test_withheld_units_cover_present_expected_and_absent(units, hidden):
    from hocso.events.disclosure import withheld_units

    rows = [{"expected": expected, "attendance": present} for expected, present in units]
    assert withheld_units(rows, 5) == hidden
