"""Check-in at a bridge site: the QR code's validity, check-in by account, CCCD or phone number and from the
coordinator's list, once per person and session whatever the way, and head counts beside named check-ins."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from hocso.events import checkin as codes
from hocso.events.models import CheckIn, CheckInMethod, ProgrammeSession
from hocso.events.programme_selectors import attendance
from hocso.events.programme_services import programme_save, programme_sites_add
from hocso.tests.factories import make_learner, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(province_admin, province, site_a, site_b):
    made = programme_save(actor=province_admin, title="Hội nghị phổ biến chuyển đổi số", host_unit=province)
    programme_sites_add(actor=province_admin, programme=made, sites=[site_a, site_b])
    return made


def _session(programme, starts_in=dt.timedelta(minutes=10), title="Phiên khai mạc") -> ProgrammeSession:
    start = timezone.now() + starts_in
    return ProgrammeSession.objects.create(programme=programme, title=title, starts_at=start,
                                           ends_at=start + dt.timedelta(hours=3))


@pytest.fixture
def session(programme):
    return _session(programme)


@pytest.fixture
def person_a(commune_a):
    return make_learner(commune_a, "Hoàng Thị Lan", phone="0912000111")


def _qr(session, site) -> str:
    return reverse("events:qr_checkin", args=[codes.token_for(session, site)])


def test_a_signed_in_person_checks_in_by_qr_once_even_when_the_phone_retries(client, session, site_a, person_a):
    user = make_user(username="lan.ht")
    person_a.user = user
    person_a.save(update_fields=["user"])
    client.force_login(user)
    url = _qr(session, site_a)
    assert "Hoàng Thị Lan" in client.get(url).content.decode()
    first = client.post(url)
    again = client.post(url)  # the phone retried on a slow link
    assert first.status_code == again.status_code == 200
    assert "đã điểm danh tại đây" in again.content.decode()
    check_in = CheckIn.objects.get()
    assert (check_in.site, check_in.method, check_in.late) == (site_a, CheckInMethod.QR, False)


def test_without_an_account_by_cccd_or_phone_never_creating_a_person(client, session, site_a, person_a, commune_b):
    url = _qr(session, site_a)
    response = client.post(url, {"as": "identity", "identity": person_a.cccd})
    assert response.status_code == 200 and "H. T. Lan" in response.content.decode()
    assert "Hoàng Thị Lan" not in response.content.decode()  # the full name is not told to whoever typed a number
    other = make_learner(commune_b, "Vi Văn Tùng", phone="0988777666")
    assert client.post(url, {"as": "identity", "identity": "0988.777.666"}).status_code == 200
    assert set(CheckIn.objects.values_list("learner_id", flat=True)) == {person_a.pk, other.pk}
    unknown = client.post(url, {"as": "identity", "identity": "012345678901"})
    assert unknown.status_code == 404 and "Không có ai" in unknown.content.decode()
    make_learner(commune_b, "Vi Thị Hoa", phone="0988777666")  # two people share the phone
    make_learner(commune_b, "Vi Văn Nam", phone="0977000000")
    shared = client.post(url, {"as": "identity", "identity": "0977000000"})
    assert shared.status_code == 200
    from hocso.people.models import Learner
    count = Learner.objects.count()
    assert client.post(url, {"as": "identity", "identity": "0988777666"}).status_code == 404
    assert Learner.objects.count() == count


def test_an_expired_a_forged_or_another_sites_code_is_refused(client, session, site_a, site_b, person_a, settings):
    token = codes.token_for(session, site_a)
    forged = token.replace(f"{session.pk}.{site_a.pk}", f"{session.pk}.{site_b.pk}")
    assert client.post(reverse("events:qr_checkin", args=[forged]),
                       {"as": "identity", "identity": person_a.cccd}).status_code == 400
    settings.HOCSO_EVENT_QR_SECONDS = 0  # every code is older than that by the time it is read
    time.sleep(1.1)
    assert client.post(reverse("events:qr_checkin", args=[token]),
                       {"as": "identity", "identity": person_a.cccd}).status_code == 410
    assert not CheckIn.objects.exists()


def test_another_sessions_code_outside_its_window_is_refused(client, programme, site_a, person_a):
    yesterday = _session(programme, starts_in=-dt.timedelta(days=1), title="Hôm qua")
    tomorrow = _session(programme, starts_in=dt.timedelta(days=1), title="Ngày mai")
    for session in (yesterday, tomorrow):
        response = client.post(_qr(session, site_a), {"as": "identity", "identity": person_a.cccd})
        assert response.status_code == 409
    assert not CheckIn.objects.exists()


def test_once_per_session_whatever_the_way_and_the_coordinator_sees_where(client, coordinator_a, session, site_a,
                                                                         site_b, commune_a):
    moved = make_learner(commune_a, "Đinh Văn Phúc")
    # They scanned at commune B's hall first.
    client.post(_qr(session, site_b), {"as": "identity", "identity": moved.cccd})
    again = client.post(_qr(session, site_a), {"as": "identity", "identity": moved.cccd})
    assert again.status_code == 409 and site_b.name in again.content.decode()
    client.force_login(coordinator_a)
    page_url = reverse("events:site_checkin", args=[session.programme_id, site_a.pk, session.pk])
    page = client.get(page_url).content.decode()
    assert f"tại {site_b.name}" in page
    client.post(page_url, {"action": "check_in", "learner": moved.pk})
    assert CheckIn.objects.get(learner=moved).site == site_b


def test_the_coordinator_ticks_people_and_counts_the_room_without_double_counting(client, coordinator_a, session,
                                                                                 site_a, commune_a):
    people = [make_learner(commune_a, f"Lương Văn Tú{n}") for n in range(3)]
    client.force_login(coordinator_a)
    url = reverse("events:site_checkin", args=[session.programme_id, site_a.pk, session.pk])
    client.post(url, {"action": "head_count", "count": "10"})  # ten people in the room, nobody named yet
    for person in people:
        client.post(url, {"action": "check_in", "learner": person.pk})
    named = CheckIn.objects.filter(session=session, site=site_a).count()
    assert named == 3 and attendance(named, 10) == 10  # the walk-ins who were named are not counted twice
    assert "10 có mặt" in client.get(url).content.decode()
    client.post(url, {"action": "undo", "learner": people[0].pk})
    assert CheckIn.objects.filter(session=session).count() == 2
    client.post(url, {"action": "head_count", "count": "1"})
    assert "2 có mặt" in client.get(url).content.decode()  # more named than counted: the named count
    bad = client.post(url, {"action": "head_count", "count": "nhiều"}, follow=True)
    assert "Số người là một số nguyên" in bad.content.decode()


def test_a_coordinator_cannot_check_in_at_another_site(client, coordinator_a, session, site_b, commune_b):
    person = make_learner(commune_b, "Ma Văn Khánh")
    client.force_login(coordinator_a)
    url = reverse("events:site_checkin", args=[session.programme_id, site_b.pk, session.pk])
    assert client.get(url).status_code == 404  # another unit's site: as if it did not exist
    assert client.post(url, {"action": "check_in", "learner": person.pk}).status_code == 404
    assert client.get(reverse("events:site_qr", args=[session.programme_id, site_b.pk, session.pk])).status_code == 404
    assert not CheckIn.objects.exists()


def test_late_check_ins_are_marked_and_the_window_closes(programme, site_a, person_a):
    started = _session(programme, starts_in=-dt.timedelta(minutes=10), title="Đã bắt đầu")
    outcome = codes.check_in(session=started, site=site_a, learner=person_a, method=CheckInMethod.LIST)
    assert outcome.check_in.late
    over = _session(programme, starts_in=-dt.timedelta(minutes=45), title="Quá giờ")
    with pytest.raises(codes.CheckInError) as refused:
        codes.check_in(session=over, site=site_a, learner=person_a, method=CheckInMethod.LIST)
    assert refused.value.code == "closed"


def test_the_qr_page_refreshes_and_its_code_checks_in_at_its_own_site(client, coordinator_a, session, site_a):
    client.force_login(coordinator_a)
    page = client.get(reverse("events:site_qr", args=[session.programme_id, site_a.pk, session.pk]))
    text = page.content.decode()
    assert '<meta http-equiv="refresh" content="60">' in text and "<svg" in text
    token = re.search(r'value="[^"]*/diem-danh/([^/"]+)/"', text).group(1)
    assert codes.read_token(token) == (session, site_a)


def test_the_participants_page_is_light(client, session, site_a):
    response = client.get(_qr(session, site_a))
    assert response.status_code == 200 and len(response.content) < 50_000


def test_the_live_board_adds_up_sites_units_and_the_province(client, province_admin, coordinator_a, session, site_a,
                                                             site_b, commune_a, commune_b):
    from django.core.cache import cache

    from hocso.events.models import ProgrammeSite

    ProgrammeSite.objects.filter(site=site_a).update(expected_computed=20)
    ProgrammeSite.objects.filter(site=site_b).update(expected_computed=0, expected_override=15)
    named_a = [make_learner(commune_a, f"Nông Thị Mai{n}") for n in range(4)]
    for person in named_a:
        codes.check_in(session=session, site=site_a, learner=person, method=CheckInMethod.LIST)
    codes.head_count_set(actor=coordinator_a, session=session, site=site_a, count=9)  # 4 named + 5 walk-ins
    cache.clear()
    client.force_login(province_admin)
    data = client.get(reverse("events:session_board_json", args=[session.programme_id, session.pk])).json()
    assert data["totals"] == {"sites": 2, "reporting": 1, "expected": 35, "named": 4, "attendance": 9, "video": 0}
    by_site = {site["id"]: site for site in data["sites"]}
    assert (by_site[site_a.pk]["named"], by_site[site_a.pk]["head"], by_site[site_a.pk]["attendance"]) == (4, 9, 9)
    assert by_site[site_b.pk]["reporting"] is False and by_site[site_b.pk]["expected"] == 15
    assert {unit["unit"]: unit["attendance"] for unit in data["units"]} == {commune_a.name: 9, commune_b.name: 0}
    page = client.get(reverse("events:session_board", args=[session.programme_id, session.pk]))
    text = page.content.decode()
    assert 'data-field="total-attendance">9<' in text and "events/board" in text
    # A coordinator runs a site; the board is the host's.
    client.force_login(coordinator_a)
    assert client.get(reverse("events:session_board_json", args=[session.programme_id, session.pk])).status_code \
        == 403


def test_the_board_costs_the_same_few_queries_for_many_sites(client, province_admin, programme, session,
                                                             django_assert_max_num_queries, province):
    from django.core.cache import cache

    from hocso.events.tests.conftest import make_site
    from hocso.tests.factories import make_unit

    sites = [make_site(make_unit(f"Xã số {n}", province), f"Hội trường xã số {n}") for n in range(30)]
    programme_sites_add(actor=province_admin, programme=programme, sites=sites)
    cache.clear()
    client.force_login(province_admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("events:session_board_json", args=[programme.pk, session.pk]))
    assert len(response.json()["sites"]) == 32


def test_the_attendance_report_reads_back_in_excel_and_pdf(client, province_admin, coordinator_a, session, site_a,
                                                            person_a):
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    codes.check_in(session=session, site=site_a, learner=person_a, method=CheckInMethod.LIST)
    codes.head_count_set(actor=coordinator_a, session=session, site=site_a, count=7)
    client.force_login(province_admin)
    book = load_workbook(io.BytesIO(client.get(reverse("events:programme_report",
                                                       args=[session.programme_id, "xlsx"])).content))
    by_site = [row for row in book["Theo điểm cầu"].iter_rows(values_only=True) if row[1] == site_a.name]
    assert by_site == [("Phiên khai mạc", site_a.name, site_a.unit.name, 0, 1, 7, 7)]
    named = list(book["Danh sách điểm danh"].iter_rows(values_only=True))[1]
    assert named[2] == "Hoàng Thị Lan" and "*" in named[3]  # the CCCD masked
    pdf = client.get(reverse("events:programme_report", args=[session.programme_id, "pdf"])).content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "7 có mặt" in text and "Báo cáo điểm danh" in text
    assert client.get(reverse("events:programme_report", args=[session.programme_id, "exe"])).status_code == 404
    client.force_login(coordinator_a)
    assert client.get(reverse("events:programme_report", args=[session.programme_id, "xlsx"])).status_code == 403


def test_a_host_focal_point_reaches_only_the_sites_of_their_own_units(client, province_admin, commune_a, site_a,
                                                                      site_b, commune_b):
    """A programme hosted by commune A but run over both communes' sites (the province set it up): commune A's
    focal point manages the programme, yet commune B's site, its people and their names stay out of reach."""
    from hocso.access.models import Role
    from hocso.tests.factories import make_user

    programme = programme_save(actor=province_admin, title="Phổ biến liên xã", host_unit=commune_a)
    programme_sites_add(actor=province_admin, programme=programme, sites=[site_a, site_b])
    session = _session(programme)
    there = make_learner(commune_b, "Lục Văn Bảo")
    codes.check_in(session=session, site=site_b, learner=there, method=CheckInMethod.LIST)
    focal = make_user(Role.FOCAL_POINT, commune_a, username="daumoi.lienxa")
    client.force_login(focal)
    assert client.get(reverse("events:programme_detail", args=[programme.pk])).status_code == 200
    for name in ("site_programme",):
        assert client.get(reverse(f"events:{name}", args=[programme.pk, site_b.pk])).status_code == 404
    checkin_url = reverse("events:site_checkin", args=[programme.pk, site_b.pk, session.pk])
    assert client.post(checkin_url, {"action": "undo", "learner": there.pk}).status_code == 404
    assert CheckIn.objects.filter(learner=there).exists()
    import io

    from openpyxl import load_workbook
    book = load_workbook(io.BytesIO(client.get(reverse("events:programme_report", args=[programme.pk, "xlsx"]))
                                    .content))
    assert "Lục Văn Bảo" not in str(list(book["Danh sách điểm danh"].iter_rows(values_only=True)))


def test_the_qr_page_finds_only_the_programmes_audience_and_never_names_someone_elsewhere(
        client, province_admin, commune_a, commune_b, site_a, site_b):
    programme = programme_save(actor=province_admin, title="Chỉ xã A", host_unit=commune_a.parent,
                               audience_units=[commune_a])
    programme_sites_add(actor=province_admin, programme=programme, sites=[site_a, site_b])
    session = _session(programme)
    outsider = make_learner(commune_b, "Hoàng Văn Ngoài")
    response = client.post(_qr(session, site_a), {"as": "identity", "identity": outsider.cccd})
    assert response.status_code == 404 and not CheckIn.objects.exists()
    insider = make_learner(commune_a, "Vương Thị Trong")
    codes.check_in(session=session, site=site_b, learner=insider, method=CheckInMethod.LIST)
    refused = client.post(_qr(session, site_a), {"as": "identity", "identity": insider.cccd})
    assert refused.status_code == 409 and "Vương Thị Trong" not in refused.content.decode()


def test_someone_from_outside_the_list_can_be_undone(client, coordinator_a, session, site_a, commune_b):
    walk_in = make_learner(commune_b, "Bế Văn Lạ")  # in the audience, expected at commune B's hall
    client.force_login(coordinator_a)
    url = reverse("events:site_checkin", args=[session.programme_id, site_a.pk, session.pk])
    client.post(url, {"action": "identity", "identity": walk_in.cccd})
    assert CheckIn.objects.get().site == site_a
    assert "Bế Văn Lạ" in client.get(url).content.decode()  # under the latest check-ins
    client.post(url, {"action": "undo", "learner": walk_in.pk})
    assert not CheckIn.objects.exists()
    assert client.post(url, {"action": "undo", "learner": "x' OR 1=1"}).status_code == 302


def test_the_sites_screen_shows_its_own_count_and_asks_again(client, coordinator_a, session, site_a, site_b,
                                                             person_a):
    from django.core.cache import cache

    codes.check_in(session=session, site=site_a, learner=person_a, method=CheckInMethod.LIST)
    cache.clear()
    client.force_login(coordinator_a)
    page = client.get(reverse("events:site_qr", args=[session.programme_id, site_a.pk, session.pk])).content.decode()
    assert 'data-field="site-named">1<' in page and "so-lieu.json" in page
    data = client.get(reverse("events:site_figures", args=[session.programme_id, site_a.pk, session.pk])).json()
    assert data["site"]["named"] == 1 and data["totals"]["named"] == 1 and "sites" not in data
    assert client.get(reverse("events:site_figures", args=[session.programme_id, site_b.pk, session.pk])) \
        .status_code == 404
