"""The learner's and the administrator's home pages in a real headless Chromium, on a phone (390 px) and a desktop
(1366 px): the panels are there, with their figures, and nothing scrolls sideways."""

from __future__ import annotations

import pytest

from hocso.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1366)


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_learner_home_fits(page, live_server, world, learner_user, width, tmp_path):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, learner_user.username)
    page.goto(f"{live_server.url}/")
    tests = page.locator("#home-tests")
    assert "Kiểm tra Quý IV" in tests.inner_text()
    resume = tests.locator(f'a[href="/kiem-tra/bai-lam/{world.open_attempt.pk}/"]')
    assert resume.count() == 1 and resume.is_visible()
    assert page.locator("#home-courses a.btn").first.is_visible()
    assert "HS-ABC123" in page.content()
    page.screenshot(path=str(tmp_path / f"learner-{width}.png"), full_page=True)
    assert overflow(page) <= 0, f"scrolls sideways by {overflow(page)} px at {width} px"


@pytest.mark.parametrize("width", WIDTHS)
def test_admin_home_fits(page, live_server, world, province_admin, width, tmp_path):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, province_admin.username)
    page.goto(f"{live_server.url}/")
    plan = page.locator("#home-plan")
    assert plan.locator("progress").count() == 1
    assert plan.locator("progress").get_attribute("value") == "25"
    campaign = page.locator(".home-campaign").first
    assert "Đợt Quý IV" in campaign.inner_text()
    assert campaign.locator("a.btn").first.is_visible()
    assert "Buổi 2" in page.locator("#home-sessions").inner_text()
    page.screenshot(path=str(tmp_path / f"admin-{width}.png"), full_page=True)
    assert overflow(page) <= 0, f"scrolls sideways by {overflow(page)} px at {width} px"
