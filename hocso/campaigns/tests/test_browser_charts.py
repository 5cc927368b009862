"""A real headless Chromium draws the charts on the public board under the site's strict CSP; with JavaScript
off the board is still the table. Skipped without Debian's /usr/bin/chromium unless HOCSO_REQUIRE_BROWSER=1."""

from __future__ import annotations

import pytest

from hocso.access.models import Role, RoleAssignment
from hocso.campaigns.services import campaign_publish
from hocso.tests.browser import serialise_live_server_requests, sign_in
from hocso.tests.factories import make_user

from .helpers import LONG_NAME, UNITS, build_world, many_units

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


# --- a board with many units ---------------------------------------------------------------------------------

CHART = "Chart.getChart(document.querySelector('canvas[data-chart=\"%s\"]'))"
# Layout shifts without recent input, summed since the page started loading (what Lighthouse calls CLS, unwindowed).
LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value; })
    .observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 800);
})"""
# Every tick label of the units chart's unit axis, where it is drawn: its left and right edge in the canvas.
LABEL_EDGES = """() => {
  const chart = %s, scale = chart.scales.y, ctx = chart.ctx;
  return scale.getLabelItems().map(item => {
    ctx.save(); ctx.font = item.font.string;
    const lines = Array.isArray(item.label) ? item.label : [item.label];
    const width = Math.max(...lines.map(line => ctx.measureText(line).width)); ctx.restore();
    const x = item.options.translation[0], align = item.options.textAlign;
    const left = align === "right" ? x - width : align === "center" ? x - width / 2 : x;
    return {label: lines.join(" "), left: left, right: left + width, canvas: chart.width};
  });
}""" % (CHART % "units")


CANVAS_FILLS_BOX = """() => {
  const canvas = document.querySelector('canvas[data-chart="units"]');
  return Math.abs(canvas.getBoundingClientRect().height - canvas.parentNode.getBoundingClientRect().height) < 2;
}"""


def box_height(page) -> float:
    return page.locator('canvas[data-chart="units"]').locator("..").bounding_box()["height"]


@pytest.mark.parametrize("width", [390, 1366])
def test_many_units_read_as_sorted_bars_and_straight_lines(page, live_server, province, province_admin,
                                                           exact_figures, width):
    from playwright.sync_api import expect

    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    campaign, _units = many_units(province, province_admin)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/dot-kiem-tra/cong-khai/{campaign.pk}/?unit={province.pk}")
    page.wait_for_load_state("load")
    expect(page.locator('canvas[data-chart="units"]')).to_be_visible()
    page.wait_for_function(f"() => !!{CHART % 'trend'}")

    # Nothing moved as the charts were drawn; nothing scrolls sideways.
    assert page.evaluate(LAYOUT_SHIFT) < 0.1
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")

    # Top 10 and bottom 10 by pass rate, highest first, each bar labelled with its rank.
    bars = page.evaluate(f"() => {{ const c = {CHART % 'units'}; return {{labels: c.data.labels, "
                         f"values: c.data.datasets[0].data, thickness: c.data.datasets[0].barThickness}}; }}")
    assert len(bars["labels"]) == 20 and bars["thickness"] >= 12  # no hairlines
    assert bars["values"] == sorted(bars["values"], reverse=True)
    assert [label.split(".")[0] for label in bars["labels"]] == [str(n) for n in [*range(1, 11), *range(21, 31)]]
    assert bars["values"][0] == 100.0 and bars["values"][-1] == 0.0
    before = box_height(page)
    assert before >= 20 * 28  # the height the server reserved for 20 bars

    # No label is cut: each is drawn inside the canvas, the canvas inside the viewport; a long name is shortened
    # with "…" where it does not fit, and is whole in the tooltip and the table.
    edges = page.evaluate(LABEL_EDGES)
    assert len(edges) == 20 and all(e["left"] >= 0 and e["right"] <= e["canvas"] for e in edges), edges
    canvas = page.locator('canvas[data-chart="units"]').bounding_box()
    assert canvas["x"] >= 0 and canvas["x"] + canvas["width"] <= width
    long_label = next(e["label"] for e in edges if e["label"].startswith("1. "))
    if width == 390:
        assert long_label.endswith("…") and LONG_NAME not in long_label
    title = page.evaluate(f"() => {{ const c = {CHART % 'units'}; "
                          "return c.options.plugins.tooltip.callbacks.title([{label: c.data.labels[0]}]); }")
    assert LONG_NAME in title
    table = page.locator("figure.chart-units details table")
    assert table.locator("tbody tr").count() == UNITS and LONG_NAME in table.text_content()

    # "Show all" draws every unit and the chart grows to hold them; then back to 20.
    button = page.locator("[data-show-all]")
    button.click()
    page.wait_for_function(f"() => {CHART % 'units'}.data.labels.length === {UNITS}")
    expect(button).to_have_attribute("aria-expanded", "true")
    after = box_height(page)
    assert after >= before + (UNITS - 20) * 28 - 1
    # Chart.js follows its box through a ResizeObserver, a frame or two after the box grew: wait for it.
    page.wait_for_function(CANVAS_FILLS_BOX)
    edges = page.evaluate(LABEL_EDGES)
    assert len(edges) == UNITS and all(e["left"] >= 0 and e["right"] <= e["canvas"] for e in edges)
    button.click()
    page.wait_for_function(f"() => {CHART % 'units'}.data.labels.length === 20")

    # Sorted by participation on request.
    page.locator('input[name="chart-measure"][value="participation_rate"]').check()
    page.wait_for_function(f"() => {CHART % 'units'}.data.datasets[0].label.includes('tham gia')")
    values = page.evaluate(f"() => {CHART % 'units'}.data.datasets[0].data")
    assert values == sorted(values, reverse=True) and values[0] == 100.0 and values[-1] < 60

    # The trend: straight lines, first for the unit viewed; the viewer ticks others.
    trend = f"{CHART % 'trend'}"
    lines = page.evaluate(f"() => {trend}.data.datasets.map(d => [d.label, d.tension])")
    assert lines == [[province.name, 0]]
    assert page.evaluate(f"() => {trend}.options.elements.line.tension") == 0
    page.locator("[data-trend-chooser] summary").click()
    page.locator("[data-trend-filter]").fill("thu nghiem 07")  # accent-insensitive
    visible = page.locator("[data-trend-chooser] li:visible")
    expect(visible).to_have_count(1)
    visible.locator("input").check()
    page.wait_for_function(f"() => {trend}.data.datasets.length === 2")
    assert page.evaluate(f"() => {trend}.data.datasets.map(d => [d.label, d.tension])") == [
        [province.name, 0], ["Xã Thử Nghiệm 07", 0]]
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    assert problems == []


def test_a_focal_points_trend_starts_with_their_units(page, live_server, province, province_admin, exact_figures,
                                                     monkeypatch):
    serialise_live_server_requests(monkeypatch)
    campaign, units = many_units(province, province_admin)
    focal = make_user(Role.FOCAL_POINT, units[5], username="daumoi_thu")
    RoleAssignment.objects.create(user=focal, role=Role.FOCAL_POINT, unit=units[12])
    sign_in(page, live_server.url, "daumoi_thu")
    page.goto(f"{live_server.url}/dot-kiem-tra/{campaign.pk}/ket-qua/?unit={units[12].pk}")
    page.wait_for_function(f"() => !!{CHART % 'trend'}")
    lines = page.evaluate(f"() => {CHART % 'trend'}.data.datasets.map(d => [d.label, d.tension])")
    assert lines == [["Xã Thử Nghiệm 05", 0], ["Xã Thử Nghiệm 12", 0]]
    assert page.locator('input[name="trend-unit"]:checked').count() == 2


def test_without_javascript_the_board_is_its_tables(page, live_server, province, province_admin, exact_figures):
    campaign, _units = many_units(province, province_admin)
    context = page.context.browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    try:
        board = context.new_page()
        board.goto(f"{live_server.url}/dot-kiem-tra/cong-khai/{campaign.pk}/?unit={province.pk}")
        assert board.evaluate("() => getComputedStyle(document.querySelector('[data-charts]')).display") == "none"
        assert board.locator("main > .table-wrap table tbody tr").count() == UNITS
    finally:
        context.close()
