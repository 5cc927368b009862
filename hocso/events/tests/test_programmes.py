"""Programmes: the audience and who is expected where (against hand-counted fixtures), sessions, the sites'
preparations before a session, and who may see and do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from hocso.core.models import AuditEntry
from hocso.events.models import Programme, ProgrammeSession, ProgrammeSite, SiteSession
from hocso.events.programme_selectors import expected_counts, site_people
from hocso.events.programme_services import programme_save, programme_sites_add
from hocso.events.tests.conftest import make_site
from hocso.people.models import LearnerStatus
from hocso.tests.factories import make_learner, make_unit, target_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def village_a(commune_a):
    return make_unit("Thôn Trung Tâm", commune_a)


@pytest.fixture
def people(commune_a, commune_b, school_a, village_a):
    """Commune A: 2 in the commune, 3 at the school, 1 in the village, 1 retired; commune B: 2."""
    civil = target_group("civil_servants")
    made = [make_learner(commune_a, f"Nguyễn Văn A{n}", target_group=civil) for n in range(2)]
    made += [make_learner(school_a, f"Trần Thị B{n}") for n in range(3)]
    made += [make_learner(village_a, "Lò Văn C")]
    made += [make_learner(commune_a, "Hà Văn Hưu", status=LearnerStatus.RETIRED)]
    made += [make_learner(commune_b, f"Lý Văn D{n}") for n in range(2)]
    return made


@pytest.fixture
def programme(province_admin, province, people, site_a, site_b):
    made = programme_save(actor=province_admin, title="Hội nghị phổ biến chuyển đổi số 2026", host_unit=province)
    programme_sites_add(actor=province_admin, programme=made, sites=[site_a, site_b])
    return made


def test_each_person_is_expected_at_the_site_of_their_nearest_unit(province_admin, programme, site_a, site_b,
                                                                    school_a, commune_a):
    counts, unassigned = expected_counts(programme)
    # Commune A's hall: its 2 + the school's 3 + the village's 1 (the retired person is not in the audience).
    assert counts == {site_a.pk: 6, site_b.pk: 2} and unassigned == 0
    assert {row.site_id: row.expected for row in programme.programme_sites.all()} == counts
    # The school opens a site of its own: its teachers move there.
    school_site = make_site(school_a, "Phòng hội đồng trường")
    programme_sites_add(actor=province_admin, programme=programme, sites=[school_site])
    assert expected_counts(programme)[0] == {site_a.pk: 3, site_b.pk: 2, school_site.pk: 3}
    assert site_people(programme, site_a).count() == 3
    # Two sites in one unit share its people.
    second = make_site(commune_a, "Nhà văn hoá xã")
    programme_sites_add(actor=province_admin, programme=programme, sites=[second])
    shared = expected_counts(programme)[0]
    assert shared[site_a.pk] + shared[second.pk] == 3 and abs(shared[site_a.pk] - shared[second.pk]) <= 1


def test_the_audience_narrows_by_units_and_target_groups(province_admin, programme, commune_a, site_a, site_b):
    programme_save(actor=province_admin, programme=programme, title=programme.title, host_unit=programme.host_unit,
                   audience_units=[commune_a], audience_groups=[target_group("civil_servants")])
    counts, unassigned = expected_counts(programme)
    assert counts == {site_a.pk: 2, site_b.pk: 0} and unassigned == 0
    programme.refresh_from_db()
    assert programme.programme_sites.get(site=site_a).expected == 2


def test_people_without_a_site_are_counted_for_the_host(province_admin, province, people, site_a):
    made = programme_save(actor=province_admin, title="Tập huấn", host_unit=province)
    programme_sites_add(actor=province_admin, programme=made, sites=[site_a])
    assert expected_counts(made) == ({site_a.pk: 6}, 2)


def test_a_host_creates_a_programme_and_a_session_through_the_pages(client, focal_a, commune_a, site_a, people):
    client.force_login(focal_a)
    response = client.post(reverse("events:programme_create"), {
        "title": "Phổ biến Đề án 06 tại xã", "description": "", "host_unit": commune_a.pk})
    assert response.status_code == 302
    made = Programme.objects.get()
    bad = client.post(reverse("events:session_create", args=[made.pk]), {
        "title": "Buổi sáng", "starts_at": "2026-12-15T10:00", "ends_at": "2026-12-15T08:00"})
    assert "Buổi kết thúc sau khi bắt đầu." in bad.content.decode()
    client.post(reverse("events:session_create", args=[made.pk]), {
        "title": "Buổi sáng", "starts_at": "2026-12-15T08:00", "ends_at": "2026-12-15T11:30",
        "meeting_url": "https://meet.thainguyen.gov.vn/hoi-nghi"})
    session = ProgrammeSession.objects.get()
    assert timezone.localtime(session.starts_at).hour == 8
    client.post(reverse("events:programme_sites_add_all", args=[made.pk]))
    assert list(made.programme_sites.values_list("site_id", flat=True)) == [site_a.pk]
    page = client.get(reverse("events:programme_detail", args=[made.pk])).content.decode()
    assert "Buổi sáng" in page and site_a.name in page
    assert AuditEntry.objects.filter(action="programme.session_create").exists()


def test_a_focal_point_cannot_host_for_another_unit_nor_see_its_programmes(client, focal_a, focal_b, commune_b,
                                                                           programme):
    client.force_login(focal_a)
    client.post(reverse("events:programme_create"), {"title": "Của xã khác", "host_unit": commune_b.pk})
    assert Programme.objects.count() == 1
    # The province's programme is hosted above commune A: not theirs to see or edit.
    assert client.get(reverse("events:programme_detail", args=[programme.pk])).status_code == 404
    assert programme.title not in client.get(reverse("events:programme_list")).content.decode()


def _session(programme, starts_in: dt.timedelta) -> ProgrammeSession:
    start = timezone.now() + starts_in
    return ProgrammeSession.objects.create(programme=programme, title="Phiên khai mạc", starts_at=start,
                                           ends_at=start + dt.timedelta(hours=3))


def test_a_coordinator_confirms_their_sites_preparations_and_the_host_sees_who_is_late(
        client, coordinator_a, province_admin, programme, site_a, site_b):
    session = _session(programme, dt.timedelta(minutes=50))  # the test connection is due already
    client.force_login(coordinator_a)
    assert programme.title in client.get(reverse("events:programme_list")).content.decode()
    page = client.get(reverse("events:site_programme", args=[programme.pk, site_a.pk])).content.decode()
    assert "Phiên khai mạc" in page and "Trần Thị B0" in page  # the people expected
    url = reverse("events:readiness_confirm", args=[programme.pk, site_a.pk, session.pk])
    client.post(url, {"step": "connection"})
    client.post(url, {"step": "list"})
    assert SiteSession.objects.get(session=session, site=site_a).is_ready
    # Not for another site, nor another site's page.
    other = reverse("events:readiness_confirm", args=[programme.pk, site_b.pk, session.pk])
    assert client.post(other, {"step": "connection"}).status_code == 404
    assert client.get(reverse("events:site_programme", args=[programme.pk, site_b.pk])).status_code == 404
    assert client.get(reverse("events:session_readiness", args=[programme.pk, session.pk])).status_code == 403

    client.force_login(province_admin)
    board = client.get(reverse("events:session_readiness", args=[programme.pk, session.pk]) + "?chua-san-sang=1")
    text = board.content.decode()
    assert site_b.name in text and site_a.name not in text
    assert "1 điểm cầu đang chậm" in text


def test_the_coordinator_corrects_the_expected_head_count(client, coordinator_a, programme, site_a):
    client.force_login(coordinator_a)
    url = reverse("events:site_programme", args=[programme.pk, site_a.pk])
    client.post(url, {"expected": "45"})
    row = ProgrammeSite.objects.get(programme=programme, site=site_a)
    assert (row.expected, row.expected_computed) == (45, 6)
    client.post(url, {"expected": ""})
    row.refresh_from_db()
    assert row.expected == 6


def test_a_coordinators_home_shows_the_next_session(client, coordinator_a, programme, site_a):
    _session(programme, dt.timedelta(days=2))
    client.force_login(coordinator_a)
    page = client.get("/").content.decode()
    assert "Phiên khai mạc" in page and reverse("events:site_programme", args=[programme.pk, site_a.pk]) in page


def test_preparations_cannot_be_confirmed_after_the_session(client, coordinator_a, programme, site_a):
    session = _session(programme, -dt.timedelta(hours=4))
    client.force_login(coordinator_a)
    response = client.post(reverse("events:readiness_confirm", args=[programme.pk, site_a.pk, session.pk]),
                           {"step": "connection"}, follow=True)
    assert "Buổi đã kết thúc." in response.content.decode()
    assert not SiteSession.objects.exists()


def test_the_host_counts_the_expected_people_again_after_the_staff_lists_changed(client, province_admin, programme,
                                                                                 site_a, commune_a):
    make_learner(commune_a, "Người Mới Đến")
    assert ProgrammeSite.objects.get(programme=programme, site=site_a).expected == 6  # written when added
    client.force_login(province_admin)
    client.post(reverse("events:programme_expected_recompute", args=[programme.pk]))
    assert ProgrammeSite.objects.get(programme=programme, site=site_a).expected == 7
    assert AuditEntry.objects.filter(action="programme.expected_recompute").exists()
