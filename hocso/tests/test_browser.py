"""A real headless Chromium walks the people pages as a unit focal point would.

Runs Debian's /usr/bin/chromium through Playwright (no browser download). Without it the test is skipped,
unless HOCSO_REQUIRE_BROWSER=1 (as in CI), where a missing browser is a failure.
"""

from __future__ import annotations

import datetime as dt

import pytest

from hocso.tests.browser import sign_in
from hocso.tests.factories import make_learner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_focal_point_finds_a_person_by_unaccented_name(page, live_server, focal_a, learner_in_a, commune_b):
    from playwright.sync_api import expect

    # A namesake in another commune (outside the focal point's scope) and a colleague who does not match.
    namesake = make_learner(commune_b, "Đặng Thị Ánh", date_of_birth=dt.date(1979, 2, 3), gender="F")
    colleague = make_learner(learner_in_a.unit, "Nguyễn Văn An")

    sign_in(page, live_server.url, focal_a.username)
    page.goto(f"{live_server.url}/can-bo/")
    expect(page.get_by_role("link", name=colleague.full_name, exact=True)).to_have_count(1)

    search = page.locator("input[name=q]")
    search.fill("dang thi anh")
    search.press("Enter")
    page.wait_for_load_state()

    # The search worked (the colleague is gone) and stayed in scope (one Đặng Thị Ánh, not the namesake).
    expect(page.get_by_role("link", name=colleague.full_name, exact=True)).to_have_count(0)
    result = page.get_by_role("link", name="Đặng Thị Ánh", exact=True)
    expect(result).to_have_count(1)
    assert commune_b.name not in page.content()
    assert str(namesake.pk) not in (result.get_attribute("href") or "").split("/")

    result.click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text("Đặng Thị Ánh")
    expect(page.locator("main")).to_contain_text(learner_in_a.unit.name)
