"""A real headless Chromium creates a test campaign by typing part of a unit's name in the picker (issue 13).

Runs Debian's /usr/bin/chromium through Playwright (no browser download); see hocso/tests/browser.py.
"""

from __future__ import annotations

import pytest

from hocso.assessment.tests.factories import make_quiz
from hocso.campaigns.models import Campaign
from hocso.tests.browser import sign_in
from hocso.tests.factories import make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def many_units(province, commune_a, commune_b):
    """More units than a picker keeps in the page, so it searches the server as the user types."""
    for number in range(60):
        make_unit(f"Thôn {number:02d}", commune_b)


def _choose(page, field: str, typed: str, option: str) -> None:
    """Type in the picker of `field` and click the suggestion whose name is `option`."""
    page.click(f"#id_{field} + .ts-wrapper .ts-control")
    page.keyboard.type(typed)
    page.locator(".ts-dropdown:visible .option", has_text=option).first.click()
    page.keyboard.press("Escape")


def test_admin_creates_a_campaign_by_typing_part_of_a_unit_name(page, live_server, province_admin, commune_a,
                                                                  many_units):
    from playwright.sync_api import expect

    quiz = make_quiz(title="Kiểm tra định kỳ Quý I/2027")
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server.url, province_admin.username)
    page.goto(f"{live_server.url}/dot-kiem-tra/moi/")
    # The units are not in the page: only what is chosen will be.
    assert page.locator("#id_units_subtree option").count() == 0
    assert page.locator("#id_units_subtree").get_attribute("data-picker") == "remote"

    page.fill("#id_title", "Quý I/2027")
    _choose(page, "quiz", "quy i", quiz.title)
    page.fill("#id_opens_on", "2027-01-01")
    page.fill("#id_closes_on", "2027-03-31")
    page.click("#id_units_subtree + .ts-wrapper .ts-control")
    page.keyboard.type("dai phu")
    suggestion = page.locator(".ts-dropdown:visible .option", has_text="Xã Đại Phúc")
    expect(suggestion).to_have_count(1)
    expect(suggestion).to_contain_text("000.01.30.H55")  # the code (and the path above) tell namesakes apart
    suggestion.click()
    page.keyboard.press("Escape")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(lambda url: "/moi/" not in url)

    campaign = Campaign.objects.get()
    assert (campaign.title, campaign.quiz_id) == ("Quý I/2027", quiz.pk)
    assert [(line.unit_id, line.include_subtree, line.excluded) for line in campaign.audience_units.all()] == [
        (commune_a.pk, True, False)]


def test_the_picker_fits_a_phone(page, live_server, province_admin, many_units):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(page, live_server.url, province_admin.username)
    page.goto(f"{live_server.url}/dot-kiem-tra/moi/")
    page.click("#id_units_excluded + .ts-wrapper .ts-control")
    page.keyboard.type("thon 1")
    options = page.locator(".ts-dropdown:visible .option")
    expect(options).to_have_count(10)  # Thôn 10 … Thôn 19
    box = page.locator(".ts-dropdown:visible").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    options.first.click()
    page.keyboard.press("Escape")
    expect(page.locator("#id_units_excluded + .ts-wrapper .item")).to_have_count(1)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
