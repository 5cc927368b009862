"""A real headless Chromium: a participant checks in from a phone (390 px) by scanning the site's QR code and giving
their CCCD number; the coordinator ticks people on the site's list on a desktop (1366 px) and counts the room."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hocso.events import checkin as codes
from hocso.events.models import CheckIn, CheckInMethod, ProgrammeSession, SiteSession
from hocso.events.programme_services import programme_save, programme_sites_add
from hocso.tests.browser import sign_in
from hocso.tests.factories import make_learner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def session(province_admin, province, site_a):
    programme = programme_save(actor=province_admin, title="Hội nghị phổ biến chuyển đổi số", host_unit=province)
    programme_sites_add(actor=province_admin, programme=programme, sites=[site_a])
    start = timezone.now() + dt.timedelta(minutes=20)
    return ProgrammeSession.objects.create(programme=programme, title="Phiên khai mạc", starts_at=start,
                                           ends_at=start + dt.timedelta(hours=3))


def _fits(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_phone_checks_in_by_qr_code_and_cccd(page, live_server, session, site_a, commune_a):
    person = make_learner(commune_a, "Triệu Thị Hằng")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/diem-danh/{codes.token_for(session, site_a)}/")
    assert "Phiên khai mạc" in page.locator("main").inner_text()
    assert _fits(page, 390)
    page.fill("input[name=identity]", person.cccd)
    page.click("form:has(input[name=identity]) button[type=submit]")
    page.wait_for_selector("[role=status]")
    assert "T. T. Hằng" in page.locator("[role=status]").inner_text()
    check_in = CheckIn.objects.get()
    assert (check_in.learner, check_in.site, check_in.method) == (person, site_a, CheckInMethod.IDENTITY)
    assert _fits(page, 390)


def test_the_coordinator_ticks_the_list_and_counts_the_room(page, live_server, session, site_a, coordinator_a,
                                                            commune_a):
    people = [make_learner(commune_a, name) for name in ("Hà Văn Đông", "Nông Thị Thu")]
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server.url, coordinator_a.username)
    page.goto(f"{live_server.url}/")
    assert "Phiên khai mạc" in page.locator("#panel-bridge").inner_text()
    page.click("#panel-bridge a:has-text('Phiên khai mạc')")
    page.click("text=Điểm danh")
    page.fill("input[name=q]", "thu")
    page.click("form[role=search] button[type=submit]")
    row = page.locator("tr", has_text="Nông Thị Thu")
    row.locator("button:has-text('Điểm danh')").click()
    page.wait_for_selector("tr:has-text('Nông Thị Thu') .badge.ok")
    assert CheckIn.objects.filter(learner=people[1], site=site_a, method=CheckInMethod.LIST).exists()
    page.fill("input[name=count]", "12")
    page.click("text=Lưu số người có mặt")
    page.wait_for_selector("text=12 có mặt")
    assert SiteSession.objects.get(session=session, site=site_a).head_count == 12
    assert _fits(page, 1366)
    page.set_viewport_size({"width": 390, "height": 844})
    assert _fits(page, 390)
