"""Charts on the results page and the public board: data in a JSON block, drawn by a static script, tables kept."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from hocso.campaigns.selectors.results import published_trend
from hocso.campaigns.services import AudienceLine, campaign_create, campaign_publish
from hocso.core.actors import SYSTEM

from .helpers import LONG_NAME, UNITS, build_world, chart_data, make_attempt, many_units


@pytest.fixture
def two_published(province, commune_a, commune_b, school_a, learner_in_a, province_admin, exact_figures):
    campaign, _m, _into, people = build_world(province, commune_a, commune_b, school_a, learner_in_a, province_admin)
    earlier = campaign_create(
        actor=SYSTEM, title="Quý III/2026", quiz=campaign.quiz, opens_on=campaign.opens_on.replace(month=7),
        closes_on=campaign.opens_on.replace(month=9, day=30), lines=[AudienceLine(unit=province)],
    )
    make_attempt(campaign.quiz, people["dung"], percent=30, day=dt.date(2026, 8, 3))
    campaign_publish(actor=province_admin, campaign=earlier)
    campaign_publish(actor=province_admin, campaign=campaign)
    campaign_publish(actor=province_admin, campaign=campaign)  # a second version: the trend uses the newest
    return earlier, campaign


def inline_scripts(body: str) -> list[str]:
    return [tag for tag in re.findall(r"<script\b[^>]*>", body) if "src=" not in tag and "application/json" not in tag]


def test_trend_follows_the_same_units_across_published_campaigns(two_published, province, commune_b):
    trend = published_trend([province.pk, commune_b.pk])
    assert trend["periods"] == ["Quý III/2026", "Quý IV/2026"]
    lines = {line["name"]: line for line in trend["units"]}
    # Quý III: Cường's 95 on 01/09 and Dũng's 30 on 03/08 -> 1 of 2 passed; Quý IV as in helpers.py: 3 of the 4
    # with a result (Giang's attempt is still open).
    assert lines[province.name]["pass_rate"] == [50.0, 75.0]
    assert lines[commune_b.name]["participation_rate"][1] is not None


def test_public_board_carries_chart_data_and_keeps_the_table(client, two_published, province,
                                                             django_assert_max_num_queries):
    _earlier, campaign = two_published
    client.cookies["hocso_language"] = "en"
    with django_assert_max_num_queries(8):
        body = client.get(f"/dot-kiem-tra/cong-khai/{campaign.pk}/?unit={province.pk}").content.decode()
    data = chart_data(body)
    assert "Xã Đại Phúc" in data["units"]["names"]
    assert len(data["units"]["pass_rate"]) == len(data["units"]["names"])
    assert sum(data["distribution"]["counts"]) == 4 and len(data["distribution"]["labels"]) == 10
    assert data["trend"]["periods"] == ["Quý III/2026", "Quý IV/2026"]
    assert "campaigns/vendor/chart.umd.min.js" in body and "campaigns/charts.js" in body
    # Drawn in boxes the page reserves (no layout shift); without JavaScript a <noscript> style sheet hides them and
    # the table is the view.
    assert "data-charts hidden" not in body
    assert re.search(r'<noscript><link rel="stylesheet" href="[^"]*campaigns/charts-noscript\.css"></noscript>', body)
    assert "<table>" in body and inline_scripts(body) == []


def test_results_page_carries_chart_data(client, two_published, province_admin):
    _earlier, campaign = two_published
    client.force_login(province_admin)
    body = client.get(f"/dot-kiem-tra/{campaign.pk}/ket-qua/").content.decode()
    data = chart_data(body)
    assert data["units"]["names"] and sum(data["distribution"]["counts"]) == 4
    assert data["trend"]["periods"] == ["Quý III/2026", "Quý IV/2026"]
    assert inline_scripts(body) == [] and "<table>" in body


def test_chart_library_is_vendored_with_its_licence():
    script = finders.find("campaigns/vendor/chart.umd.min.js")
    assert script and "Chart.js v4" in Path(script).read_text()[:200]
    licence = finders.find("campaigns/vendor/chart.js-LICENSE.md")
    assert licence and "MIT" in Path(licence).read_text()
    ours = Path(finders.find("campaigns/charts.js")).read_text()
    assert 'getElementById("campaign-charts")' in ours and "eval(" not in ours


def test_published_subtree_figures_include_the_units_below(two_published, commune_a, school_a):
    """Commune A's subtree = Cường (in the commune itself) and Ánh (in its school): a unit's own people must not
    replace its rolled-up figures in the snapshot."""
    _earlier, campaign = two_published
    snap = campaign.snapshots.order_by("-version").first()
    row = snap.rows.get(unit=commune_a)
    assert (row.own["audience"], row.total["audience"], row.total["passed"]) == (1, 2, 1)
    assert snap.rows.get(unit=school_a).total["audience"] == 1


def test_a_board_with_many_units_reserves_twenty_bars_and_offers_all(client, province, province_admin, exact_figures):
    campaign, _units = many_units(province, province_admin)
    client.cookies["hocso_language"] = "en"
    body = client.get(f"/dot-kiem-tra/cong-khai/{campaign.pk}/?unit={province.pk}").content.decode()
    data = chart_data(body)
    assert len(data["units"]["names"]) == UNITS
    assert (data["units"]["measure"], data["units"]["bars"]) == ("pass_rate", 20)
    # The box's height is the page's before any script runs: 20 bars, a rule in charts.css.
    assert 'class="chart-box chart-bars" data-bars="20"' in body
    css = Path(finders.find("campaigns/charts.css")).read_text()
    assert '.chart-bars[data-bars="20"] { --bars: 20; }' in css and "var(--bars) * 28px" in css
    assert f"Show all {UNITS} units" in body and f"the 10 lowest of {UNITS}, by pass rate" in body
    # The trend offers the unit viewed and every unit below it, and starts with the unit viewed.
    assert data["trend"]["chosen"] == [province.pk] and len(data["trend"]["units"]) == UNITS + 1
    assert body.count('name="trend-unit"') == UNITS + 1
    assert re.search(rf'value="{province.pk}" checked>', body)
    # The table under the chart: every unit, highest pass rate first, Vietnamese-style numbers in Vietnamese.
    client.cookies["hocso_language"] = "vi"
    body = client.get(f"/dot-kiem-tra/cong-khai/{campaign.pk}/?unit={province.pk}").content.decode()
    rows = re.findall(r'<tr><td>(\d+)</td><th scope="row">([^<]+)</th><td class="num">([^<]*)</td>', body)
    assert len(rows) == UNITS and rows[0][1] == LONG_NAME and rows[0][2] == "100,0%" and rows[-1][2] == "0,0%"
    assert "10 đơn vị cao nhất và 10 đơn vị thấp nhất" in body


def test_the_results_trend_starts_with_the_viewers_units(client, province, province_admin, exact_figures):
    from hocso.access.models import Role
    from hocso.tests.factories import make_user

    campaign, units = many_units(province, province_admin)
    focal = make_user(Role.FOCAL_POINT, units[7], username="daumoi_7")
    client.force_login(focal)
    data = chart_data(client.get(f"/dot-kiem-tra/{campaign.pk}/ket-qua/").content.decode())
    assert data["trend"]["chosen"] == [units[7].pk]
    client.force_login(province_admin)
    data = chart_data(client.get(f"/dot-kiem-tra/{campaign.pk}/ket-qua/?unit={units[3].pk}").content.decode())
    assert data["trend"]["chosen"] == [province.pk, units[3].pk]  # the province's top, then the unit viewed
