"""A real headless Chromium: a province administrator publishes a campaign's results with the page's button, then
a visitor with no session (a fresh browser context) sees the published figures on the public board, with the
charts drawn by Chart.js, no page errors and no CSP violation. Skipped without Debian's /usr/bin/chromium unless
HOCSO_REQUIRE_BROWSER=1."""

from __future__ import annotations

import pytest

from hocso.campaigns.models import Snapshot
from hocso.tests.browser import TIMEOUT_MS, sign_in

from .helpers import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Records what the browser refused under the site's Content-Security-Policy (runs before any page script).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def _watch(target, problems: list[str]) -> None:
    target.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def console(message) -> None:
        url = message.location.get("url", "")
        if message.type == "error" and not url.endswith("/favicon.ico"):
            problems.append(f"console: {message.text}")

    target.on("console", console)


def test_admin_publishes_and_the_public_board_shows_it(page, live_server, province, commune_a,
                                                       commune_b, school_a, learner_in_a, province_admin,
                                                       exact_figures):
    from playwright.sync_api import expect

    campaign, unit_m, _merged, _names = build_world(province, commune_a, commune_b, school_a, learner_in_a,
                                                    province_admin)
    problems: list[str] = []
    _watch(page, problems)
    page.context.add_cookies([{"name": "hocso_language", "value": "en", "url": live_server.url}])

    sign_in(page, live_server.url, province_admin.username)
    page.goto(f"{live_server.url}/dot-kiem-tra/{campaign.pk}/")
    assert Snapshot.objects.filter(campaign=campaign).count() == 0
    page.get_by_role("button", name="Publish results").click()
    page.wait_for_load_state()
    assert page.url.rstrip("/").endswith(f"/dot-kiem-tra/{campaign.pk}")
    expect(page.get_by_text("Results published as version 1.")).to_be_visible()
    expect(page.get_by_role("button", name="Publish again (new version)")).to_be_visible()
    snap = Snapshot.objects.get(campaign=campaign)
    assert snap.version == 1 and snap.published_by_id == province_admin.pk

    # A visitor: a new browser context, so no session cookie (only the language choice, to read English).
    visitor = page.context.browser.new_context(locale="en-US")
    visitor.set_default_timeout(TIMEOUT_MS)
    visitor.add_init_script(CSP_LISTENER)
    board = visitor.new_page()
    _watch(board, problems)
    try:
        visitor.add_cookies([{"name": "hocso_language", "value": "en", "url": live_server.url}])
        assert [c["name"] for c in visitor.cookies()] == ["hocso_language"]
        response = board.goto(f"{live_server.url}/dot-kiem-tra/cong-khai/{campaign.pk}/?unit={province.pk}")
        assert response.status == 200
        assert "/dang-nhap/" not in board.url
        # The province's own card: the hand-computed figures of helpers.build_world, as published.
        card = board.locator(".card", has=board.locator("h2", has_text=province.name))
        figures = dict(zip(card.locator("dt").all_inner_texts(), card.locator("dd").all_inner_texts(), strict=True))
        assert figures == {"Audience": "6", "Participants": "5 (83.3% of the audience)", "With a result": "4",
                           "Passed": "3 (75.0% of those with a result)", "Mean score": "67.5",
                           "Median score": "70.0"}
        # The table lists the units below the province with their published figures.
        cells = board.locator("main > .table-wrap table tbody tr").evaluate_all(
            "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))")
        by_name = {row[0]: row[1:] for row in cells}
        assert set(by_name) == {commune_a.name, commune_b.name, unit_m.name}
        assert by_name[commune_a.name][0] == "2" and by_name[commune_b.name][0] == "3"
        # Chart.js drew the charts: a chart instance on each canvas, with a real size.
        for name in ("units", "distribution"):
            canvas = board.locator(f'canvas[data-chart="{name}"]')
            expect(canvas).to_be_visible()
            drawn = board.evaluate(
                "(name) => { const c = document.querySelector(`canvas[data-chart=\"${name}\"]`);"
                " const chart = window.Chart && Chart.getChart(c);"
                " return chart ? {w: c.width, h: c.height, labels: chart.data.labels} : null; }", name)
            assert drawn is not None, f"no Chart.js chart on the {name} canvas"
            assert drawn["w"] > 0 and drawn["h"] > 0
            if name == "units":
                # Ranked: "1. Xã …"
                ranks = {label.split(". ", 1)[0] for label in drawn["labels"]}
                assert {label.split(". ", 1)[1] for label in drawn["labels"]} == {commune_a.name, commune_b.name,
                                                                                  unit_m.name}
                assert ranks == {"1", "2", "3"}
        assert board.evaluate("() => window.__cspViolations") == []
    finally:
        visitor.close()
    assert problems == []
