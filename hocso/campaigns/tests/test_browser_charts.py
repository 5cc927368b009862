"""A real headless Chromium draws the charts on the public board under the site's strict CSP; with JavaScript
off the board is still the table. Skipped without Debian's /usr/bin/chromium unless HOCSO_REQUIRE_BROWSER=1."""

from __future__ import annotations

import pytest

from hocso.campaigns.services import campaign_publish

from .helpers import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_board_draws_charts_without_csp_errors(page, live_server, province, commune_a, commune_b,
                                                      school_a, learner_in_a, province_admin, exact_figures):
    from playwright.sync_api import expect

    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))

    def console(message) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(message.text)

    page.on("console", console)
    campaign = build_world(province, commune_a, commune_b, school_a, learner_in_a, province_admin)[0]
    campaign_publish(actor=province_admin, campaign=campaign)

    page.goto(f"{live_server.url}/dot-kiem-tra/cong-khai/{campaign.pk}/?unit={province.pk}")
    expect(page.locator("[data-charts]")).to_be_visible()
    for name in ("units", "distribution"):
        canvas = page.locator(f'canvas[data-chart="{name}"]')
        expect(canvas).to_be_visible()
        assert page.evaluate(f"() => !!Chart.getChart(document.querySelector('canvas[data-chart=\"{name}\"]'))")
        assert canvas.bounding_box()["height"] > 100
    assert page.locator("table").count() >= 1
    assert problems == []
