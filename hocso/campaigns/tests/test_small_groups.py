"""CI guard for the minimum group size: a province full of small units is published with the default size (5), then
every public page, widget, feed response and publication file is read back. No figure about a group of 1 to 4 people
may appear, and none may be recoverable by subtracting the shown figures from a parent's total.

The feed is checked first (its null figures against the exact snapshot, then an attacker who solves the tree's
equations with what is shown); every other output must then show exactly the feed's figures, with "< 5" or "*" where
the feed has null.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from hocso.assessment.tests.factories import make_quiz
from hocso.campaigns.disclosure import AUDIENCE_FIGURES, RESULT_FIGURES
from hocso.campaigns.models import Snapshot, SnapshotRow
from hocso.campaigns.reports import report_lines
from hocso.campaigns.services import AudienceLine, campaign_create, campaign_publish
from hocso.core.actors import SYSTEM
from hocso.core.disclosure import OWN, TOTAL
from hocso.core.tests.disclosure_attack import equations, fixpoint
from hocso.identity.services import api_key_issue
from hocso.tests.factories import make_learner, make_unit

from .helpers import CHART_JSON, CLOSES, OPENS, chart_data, make_attempt

K = 5
MARKS = {"small_group": "< 5", "complementary": "*"}
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Khoa", "Lan", "Long", "Mai", "Minh", "Nam", "Ngọc",
         "Phúc", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Vân", "Việt", "Yến", "Hùng"]
# (key, name, parent, one entry per person: a score (graded attempt), "open" (attempt in progress), "-" (none))
TREE = [
    ("so_a", "Sở Khoa học", None, [70, 80, 55, 40, 90, 65]),
    ("centre", "Trung tâm CĐS", "so_a", [54]),  # the issue's centre whose only member is its director
    ("office", "Văn phòng Sở", "so_a", [60, 75, 30, 85, 50, 95, 45, "-"]),
    ("xa_b", "Xã Đại Phúc", None, []),
    ("school_1", "Trường Mầm non", "xa_b", [70, 20]),
    ("school_2", "Trường Tiểu học", "xa_b", [88, "-", "-"]),
    ("clinic", "Trạm Y tế", "xa_b", [55, 65, 75, 85, 45, 35, 95, 60, 70, "open", "-", "-"]),
    ("xa_c", "Xã Yên Trạch", None, [80, 60, 40, "-"]),
    ("so_d", "Sở Nội vụ", None, ["-"] * 20),
    ("dept_e", "Phòng Tổ chức", "so_d", ["-"]),
]
BANDS = [f"band{i}" for i in range(10)]


@pytest.fixture
def small_world(province, province_admin):
    """Published with the default minimum group size. With 5: the centre (1 person) and the two schools (2 and 3)
    are withheld; the department's own 6 people are withheld too, or its total minus the office would give the
    centre back; the schools' results (3 people) take the clinic's results with them."""
    quiz = make_quiz(pass_percent=Decimal(50))
    units = {None: province}
    for serial, (key, name, parent, people) in enumerate(TREE):
        units[key] = make_unit(name, units[parent])
        for index, entry in enumerate(people):
            learner = make_learner(units[key], f"Nguyễn Văn {GIVEN[(serial * 7 + index) % len(GIVEN)]}")
            if entry != "-":
                make_attempt(quiz, learner, percent=None if entry == "open" else entry)
    campaign = campaign_create(actor=SYSTEM, title="Quý IV/2026", quiz=quiz, opens_on=OPENS, closes_on=CLOSES,
                               lines=[AudienceLine(unit=province)])
    snapshot = campaign_publish(actor=province_admin, campaign=campaign)
    masks = {row.unit_name: row.suppression for row in snapshot.rows.all()}
    assert masks["Sở Khoa học"]["own"]["audience"] == "complementary"
    assert masks["Trạm Y tế"]["total"] == {"results": "complementary"}
    return campaign, snapshot, units


def feed(client, campaign, key: str) -> dict[int, dict]:
    response = client.get(f"/api/v1/campaigns/{campaign.pk}/results?page_size=200",
                          HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    data = response.json()
    assert data["snapshot"]["min_group_size"] == K and data["pages"] == 1
    return {item["unit_id"]: item for item in data["items"]}


def group_size(figures: dict, name: str) -> int:
    return figures["audience"] if name in AUDIENCE_FIGURES else figures["graded"]


def additive(figures: dict) -> dict[str, float | None]:
    """The additive figures of a cell (None where withheld): T(u) = O(u) + Σ T(children) holds for each."""
    values = {name: figures[name] for name in ("audience", "participants", "graded", "passed")}
    bands = figures["distribution"]
    values.update({band: None if bands is None else bands[i] for i, band in enumerate(BANDS)})
    graded, mean = figures["graded"], figures["mean"]
    values["score_sum"] = None if graded is None else (0 if graded == 0 else mean * graded)
    return values


def group_of(name: str) -> str:
    return "audience" if name in ("audience", "participants") else "graded"


def test_the_feed_withholds_every_small_group_and_subtraction_gives_none_back(client, small_world, units_exact):
    campaign, snapshot, _units = small_world
    _key, raw = api_key_issue(actor=SYSTEM, name="IOC")
    published = feed(client, campaign, raw)
    exact = units_exact(snapshot)
    assert set(published) == set(exact)
    centre = next(uid for uid, row in exact.items() if row["name"] == "Trung tâm CĐS")
    assert published[centre]["total"]["audience"] is None and published[centre]["total"]["mean"] is None
    for unit_id, row in exact.items():
        for cell in ("own", "total"):
            true, shown = row[cell], published[unit_id][cell]
            for name in (*AUDIENCE_FIGURES, *RESULT_FIGURES):
                size = true["audience"] if name in AUDIENCE_FIGURES else true["graded"]
                if 0 < size < K:
                    assert shown[name] is None, f"{row['name']} {cell} {name}: {size} people, shown"
                if shown[name] is not None:
                    assert shown[name] == true[name]
            assert shown["suppressed"] == any(shown[name] is None and true[name] is not None
                                              for name in (*AUDIENCE_FIGURES, *RESULT_FIGURES))

    # The attacker: the tree is public (parent_unit_id); each additive figure gives one equation per unit.
    parents = {uid: (item["parent_unit_id"] if item["parent_unit_id"] in published else None)
               for uid, item in published.items()}
    for name in additive(exact[centre]["total"]):
        hidden = {(kind, uid) for uid, item in published.items() for kind in (OWN, TOTAL)
                  if additive(item[kind])[name] is None}
        known = fixpoint(parents, hidden)
        size = {(kind, uid): exact[uid][kind][group_of(name)] for uid in exact for kind in (OWN, TOTAL)}
        recovered = {cell for cell in hidden & known if size[cell] > 0}
        assert not recovered, f"{name} recovered by subtraction: {recovered}"
        for left, right in equations(parents):
            if left in known:
                rest = sum(size[cell] for cell in right if cell not in known)
                assert rest == 0 or rest >= K, f"{name}: the withheld cells of {left}'s equation hold {rest} people"


def test_a_key_scoped_to_a_unit_gets_the_same_withheld_figures(client, small_world):
    campaign, _snapshot, units = small_world
    _key, everything = api_key_issue(actor=SYSTEM, name="IOC")
    _key, commune = api_key_issue(actor=SYSTEM, name="Xã Đại Phúc", unit=units["xa_b"])
    full, scoped = feed(client, campaign, everything), feed(client, campaign, commune)
    assert set(scoped) == {units[k].pk for k in ("xa_b", "school_1", "school_2", "clinic")}
    assert all(scoped[uid] == full[uid] for uid in scoped)


class Figures(HTMLParser):
    """The board's table rows (unit name, then its cells) and the figure lists (<dl class="props">) of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.props: list[dict[str, str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_body = False
        self._term = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag in ("td", "dd", "dt"):
            self._cell = []
        elif tag == "dl" and "props" in (attrs.get("class") or ""):
            self.props.append({})

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag in ("td", "dd", "dt") and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            if tag == "td" and self._row is not None:
                self._row.append(text)
            elif tag == "dt":
                self._term = text
            elif tag == "dd" and self.props:
                self.props[-1][self._term] = text
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def parse(body: str) -> Figures:
    parser = Figures()
    parser.feed(body)
    return parser


def assert_shows(text: str, figures: dict, name: str, where: str, *, decimals: int = 2) -> None:
    """`text` is what an output shows for figure `name` of a cell whose published (feed) figures are `figures`
    (rounded to `decimals` places)."""
    value = figures[name]
    group = "audience" if name in AUDIENCE_FIGURES else "results"
    reason = figures["suppression"][group]
    if reason:
        assert text == MARKS[reason], f"{where} {name}: {text!r} for a withheld figure"
    elif value is None:
        assert text in ("—", "", "None"), f"{where} {name}: {text!r}"
    else:
        shown = float(str(text).replace(",", "."))
        assert shown == pytest.approx(value, abs=0.5 * 10 ** -decimals), f"{where} {name}: {text!r} != {value}"


def assert_props(props: dict[str, str], figures: dict, where: str) -> None:
    participants, _, rate = props["Participants"].partition(" (")
    passed, _, pass_rate = props["Passed"].partition(" (")
    for label, name, text in (("Audience", "audience", props["Audience"]), ("", "participants", participants),
                              ("With a result", "graded", props["With a result"]), ("", "passed", passed),
                              ("Mean score", "mean", props["Mean score"]),
                              ("Median score", "median", props["Median score"])):
        assert_shows(text, figures, name, f"{where} {label or name}", decimals=1)  # pages: one decimal
    for text, name in ((rate, "participation_rate"), (pass_rate, "pass_rate")):
        if figures[name] is None:
            assert not text, f"{where}: a rate shown for a withheld or empty group"
        else:
            assert_shows(text.partition("%")[0], figures, name, where, decimals=1)  # "75.0% of those with a result)"


def test_every_public_page_and_widget_shows_only_the_published_figures(client, small_world):
    campaign, _snapshot, units = small_world
    _key, raw = api_key_issue(actor=SYSTEM, name="IOC")
    published = feed(client, campaign, raw)
    by_name = {item["unit_name"]: item for item in published.values()}
    client.cookies["hocso_language"] = "en"
    assert client.get("/cong-khai/").status_code == 200
    pages = [None, *(item["unit_id"] for item in published.values())]
    for unit_id in pages:
        url = f"/dot-kiem-tra/cong-khai/{campaign.pk}/" + (f"?unit={unit_id}" if unit_id else "")
        body = client.get(url).content.decode()
        page = parse(body)
        for row in page.rows:
            if len(row) < 5:
                continue  # "No units below."
            total = by_name[row[0]]["total"]
            for text, name in zip(row[1:], ("audience", "participation_rate", "pass_rate", "mean"), strict=True):
                assert_shows(text, total, name, f"board {url} row {row[0]}", decimals=1)
        if unit_id:
            assert_props(page.props[0], published[unit_id]["total"], f"board {url}")
        charts = chart_data(body)
        below = [i for i in published.values() if i["parent_unit_id"] == unit_id] if unit_id else \
            [i for i in published.values() if i["depth"] == 0]
        for name, pass_rate, participation in zip(charts["units"]["names"], charts["units"]["pass_rate"],
                                                  charts["units"]["participation_rate"], strict=True):
            assert (pass_rate, participation) == (by_name[name]["total"]["pass_rate"],
                                                  by_name[name]["total"]["participation_rate"])
        assert {n for n in charts["units"]["names"]} == {i["unit_name"] for i in below}
        shown = [published[unit_id]] if unit_id else below
        if charts["distribution"]["counts"]:
            assert all(i["total"]["distribution"] is not None for i in shown)
        for line in charts["trend"]["units"]:
            assert line["pass_rate"][-1] == by_name[line["name"]]["total"]["pass_rate"]
        assert "fewer than 5 people" in body  # the rule, stated on the board

        if unit_id:
            widget = client.get(f"/dot-kiem-tra/cong-khai/{campaign.pk}/widget/{unit_id}/").content.decode()
            assert_props(parse(widget).props[0], published[unit_id]["total"], f"widget {unit_id}")
    centre = client.get(f"/dot-kiem-tra/cong-khai/{campaign.pk}/widget/{units['centre'].pk}/").content.decode()
    props = parse(centre).props[0]  # "1 in the audience, 1 took part, 1 passed, mean 54.0" before this rule
    assert set(props.values()) == {"< 5"} and "not published" in centre


def test_the_publication_files_show_only_the_published_figures(client, small_world, province_admin):
    campaign, snapshot, _units = small_world
    _key, raw = api_key_issue(actor=SYSTEM, name="IOC")
    by_name = {item["unit_name"]: item for item in feed(client, campaign, raw).values()}
    client.force_login(province_admin)
    client.cookies["hocso_language"] = "en"
    columns = ["audience", "participants", "participation_rate", "graded", "passed", "pass_rate", "mean", "median"]

    csv_rows = list(csv.DictReader(io.StringIO(
        client.get(f"/dot-kiem-tra/{campaign.pk}/ban-cong-bo/1.csv").content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(client.get(f"/dot-kiem-tra/{campaign.pk}/ban-cong-bo/1.xlsx").content)).active
    header, *values = list(sheet.iter_rows(values_only=True))
    xlsx_rows = [dict(zip(header, row, strict=True)) for row in values]
    assert len(csv_rows) == len(xlsx_rows) == len(by_name)
    for rows, kind in ((csv_rows, "csv"), (xlsx_rows, "xlsx")):
        for row in rows:
            item = by_name[row["unit"]]
            for name in columns:
                assert_shows(str(row[name] if row[name] is not None else ""), item["total"], name, kind)
            for name in ("audience", "participants", "graded", "passed"):
                assert_shows(str(row[f"own_{name}"]), item["own"], name, f"{kind} own")
            for i in range(10):
                band = row[f"bin_{10 * i}_{10 * i + 10}"]
                if item["total"]["distribution"] is None:
                    assert band in MARKS.values()
                else:
                    assert int(band) == item["total"]["distribution"][i]

    report = load_workbook(io.BytesIO(client.get(f"/dot-kiem-tra/{campaign.pk}/bao-cao/1.xlsx").content)).active
    rows = list(report.iter_rows(values_only=True))
    assert "fewer than 5 people" in rows[-1][0]
    lines = report_lines(snapshot)
    table = rows[6:6 + len(lines)]
    report_columns = ["audience", "participants", "participation_rate", "graded", "passed", "pass_rate", "mean"]
    for line, row in zip(lines, table, strict=True):
        item = by_name[line.name]
        figures = item["own"] if line.kind == "unit" else item["total"]
        for name, value in zip(report_columns, row[3:], strict=True):
            assert_shows("" if value is None else str(value), figures, name, f"report {line.kind} {line.name}")

    from pypdf import PdfReader

    pdf = client.get(f"/dot-kiem-tra/{campaign.pk}/bao-cao/1.pdf").content
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    text = text.replace("< 5", "<5")  # one token per figure below
    assert "fewer than 5 people" in text
    for line in lines:
        if line.kind == "unit":
            continue
        figures = by_name[line.name]["total"]
        label = ("Subtotal: " if line.kind == "subtotal" else "Total: ") + line.name
        shown = text[text.index(label) + len(label):].split()[:len(report_columns)]
        for value, name in zip(shown, report_columns, strict=True):
            assert_shows(value.replace("<5", "< 5"), figures, name, f"pdf {label}", decimals=1)


def test_a_snapshot_published_before_the_rule_is_protected_by_the_migration(small_world, client):
    """Snapshots published before this change had no masks: migration 0002 computes them, so nothing leaks once it
    is deployed."""
    from django.apps import apps

    campaign, snapshot, units = small_world
    SnapshotRow.objects.filter(snapshot=snapshot).update(suppression={})
    Snapshot.objects.filter(pk=snapshot.pk).update(min_group_size=None)
    migration = importlib.import_module("hocso.campaigns.migrations.0002_snapshot_suppression")
    migration.protect_published_snapshots(apps, None)
    snapshot.refresh_from_db()
    assert snapshot.min_group_size == K
    centre = snapshot.rows.get(unit=units["centre"])
    assert centre.public("total")["audience"] is None and centre.public("total")["suppressed"]
    widget = client.get(f"/dot-kiem-tra/cong-khai/{campaign.pk}/widget/{units['centre'].pk}/").content.decode()
    assert set(parse(widget).props[0].values()) == {"< 5"}


def test_changing_the_minimum_and_running_the_command_applies_it_to_published_snapshots(small_world, client,
                                                                                        settings):
    campaign, snapshot, units = small_world
    _key, raw = api_key_issue(actor=SYSTEM, name="IOC")
    before = client.get(f"/api/v1/campaigns/{campaign.pk}/results", HTTP_AUTHORIZATION=f"Bearer {raw}")
    xa_c = snapshot.rows.get(unit=units["xa_c"])
    assert xa_c.public("total")["audience"] == 4 or xa_c.public("total")["audience"] is None
    office = snapshot.rows.get(unit=units["office"])
    assert office.public("total")["audience"] == 8  # shown with 5
    settings.HOCSO_MIN_GROUP_SIZE = 10
    out = StringIO()
    call_command("protect_snapshots", stdout=out)
    assert "1 snapshot(s) updated" in out.getvalue()
    office.refresh_from_db()
    assert office.public("total")["audience"] is None
    after = client.get(f"/api/v1/campaigns/{campaign.pk}/results", HTTP_AUTHORIZATION=f"Bearer {raw}",
                       HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after.json()["snapshot"]["min_group_size"] == 10  # a new ETag
    client.cookies["hocso_language"] = "en"
    body = client.get(f"/dot-kiem-tra/cong-khai/{campaign.pk}/?unit={units['so_a'].pk}").content.decode()
    assert "fewer than 10 people" in body and "&lt; 10" in body


def test_openapi_documents_withheld_figures(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    figures = schema["FiguresOut"]["properties"]
    assert {"suppressed", "suppression", "graded"} <= set(figures)
    assert "withheld" in json.dumps(figures["audience"]).lower()
    assert "min_group_size" in schema["SnapshotOut"]["properties"]


@pytest.fixture
def units_exact():
    def read(snapshot) -> dict[int, dict]:
        return {row.unit_id: {"name": row.unit_name, "own": row.own, "total": row.total}
                for row in snapshot.rows.all()}

    return read


def test_the_rule_is_stated_in_vietnamese_on_the_board_and_the_widget(client, small_world):
    campaign, _snapshot, units = small_world
    board = client.get(f"/dot-kiem-tra/cong-khai/{campaign.pk}/?unit={units['xa_b'].pk}").content.decode()
    assert "“&lt; 5”: nhóm dưới 5 người, số liệu không được công bố" in board
    assert "Tỷ lệ đạt = số người đạt / số người đã có kết quả" in board
    widget = client.get(f"/dot-kiem-tra/cong-khai/{campaign.pk}/widget/{units['centre'].pk}/").content.decode()
    assert "không công bố, để bảo vệ nhóm dưới 5 người" in widget


CHART_TABLE_ROW = re.compile(r'<tr><td>\d+</td><th scope="row">([^<]+)</th><td class="num">([^<]*)</td>'
                             r'<td class="num">([^<]*)</td></tr>')


def test_the_charts_never_hold_a_withheld_figure(client, small_world, province_admin):
    """The charts' data (the JSON the script draws from) and the tables under the charts carry a withheld figure
    neither as a number nor as its mark: the unit's bar or point is left out (None), on every board page, with a
    second campaign published so that the trend has two periods."""
    campaign, snapshot, units = small_world
    again = campaign_create(actor=SYSTEM, title="Quý IV/2026 (bổ sung)", quiz=campaign.quiz, opens_on=OPENS,
                            closes_on=CLOSES, lines=[AudienceLine(unit=units[None])])
    campaign_publish(actor=province_admin, campaign=again)
    public = {row.unit_name: row.public("total") for row in snapshot.rows.all()}
    withheld_rates = {name for name, f in public.items() if f["pass_rate"] is None and f["suppressed"]}
    assert {"Trung tâm CĐS", "Trường Mầm non", "Trường Tiểu học", "Trạm Y tế"} <= withheld_rates
    client.cookies["hocso_language"] = "en"
    seen_withheld, table_rows, table_gaps = set(), 0, 0
    for unit_id in [None, *(u.pk for u in units.values())]:
        body = client.get(f"/dot-kiem-tra/cong-khai/{again.pk}/" + (f"?unit={unit_id}" if unit_id else "")).content
        body = body.decode()
        charts = chart_data(body)
        raw = CHART_JSON.search(body).group(1)
        assert "< 5" not in raw and '"*"' not in raw and "\\u003C 5" not in raw
        for name, rate, share in zip(charts["units"]["names"], charts["units"]["pass_rate"],
                                     charts["units"]["participation_rate"], strict=True):
            assert (rate, share) == (public[name]["pass_rate"], public[name]["participation_rate"]), name
            if name in withheld_rates:
                seen_withheld.add(name)
        assert len(charts["trend"]["periods"]) == 2
        for line in charts["trend"]["units"]:
            expected = public[line["name"]]
            assert line["pass_rate"] == [expected["pass_rate"]] * 2, line["name"]
            assert line["participation_rate"] == [expected["participation_rate"]] * 2, line["name"]
        for name, rate, share in CHART_TABLE_ROW.findall(body):
            table_rows += 1
            table_gaps += "—" in (rate, share)
            for text, figure in ((rate, public[name]["pass_rate"]), (share, public[name]["participation_rate"])):
                assert text == ("—" if figure is None else f"{figure:.1f}%"), (name, text)
        assert not any(name in withheld_rates and public[name]["participation_rate"] is None
                       for name, _r, _s in CHART_TABLE_ROW.findall(body))
    assert seen_withheld == withheld_rates  # every withheld unit was on some board's chart, as a gap
    assert table_rows >= 3 and table_gaps > 0  # the tables were read, and withheld rates are gaps there too
