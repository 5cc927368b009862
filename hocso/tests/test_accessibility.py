"""Every role's key pages in a real headless Chromium at a phone's width (390 px) and a desktop's (1366 px): axe-core
finds no WCAG 2.1 A or AA violation, and no page scrolls sideways (issue 13, items 5 and 8). Then the phone layout
itself: the compact header, the stacked cards, the unit tree's toggles.

axe-core comes from npm (`npm pack axe-core@4`), vendored under hocso/tests/vendor/axe-core with its licence, for
these tests only: it is never served to users. It is run through Playwright's evaluate, which the site's strict
Content-Security-Policy does not apply to. Skipped without Debian's /usr/bin/chromium unless HOCSO_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from hocso.access.models import Role
from hocso.assessment.tests.factories import make_category, make_question, make_quiz
from hocso.campaigns.services import campaign_publish
from hocso.campaigns.tests.helpers import build_world
from hocso.tests.browser import sign_in
from hocso.tests.factories import PASSWORD, make_user
from hocso.training.tests.factories import enrol, make_class

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = (390, 1366)
RUN_AXE = """async () => {
  const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(v => `${v.id} (${v.impact}, ${v.nodes.length}×): ${v.nodes[0].target.join(" ")}`);
}"""


@cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def audit(page, base_url: str, paths: list[str], *, statuses: dict[str, int] | None = None) -> list[str]:
    """What axe and the width check find on each page at each width (an empty list when all is well)."""
    problems: list[str] = []
    for path in paths:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(base_url + path)
            expected = (statuses or {}).get(path, 200)
            if response.status != expected:
                problems.append(f"{path}: HTTP {response.status}, expected {expected}")
                continue
            page.evaluate(axe_source())
            problems += [f"{path} at {width} px: {found}" for found in page.evaluate(RUN_AXE)]
            scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if scroll_width > inner_width:
                problems.append(f"{path} at {width} px scrolls sideways: {scroll_width} px wide")
    return problems


@pytest.fixture
def world(province, commune_a, commune_b, school_a, learner_in_a, province_admin):
    """A campaign with attempts, a merge (unit history, audit entries), a class with its roster, a bank tree."""
    campaign, _unit_m, merged_into, names = build_world(province, commune_a, commune_b, school_a, learner_in_a,
                                                        province_admin)
    klass = make_class()
    for learner in names.values():
        enrol(learner, klass.course, klass=klass, status="active")
    top = make_category("Chuyển đổi số")
    make_question(make_category("An toàn thông tin", parent=top), name="Mật khẩu mạnh")
    return {"campaign": campaign, "merged_into": merged_into, "class": klass, "people": names, "category": top}


def test_province_admin_pages(page, live_server, world, province_admin, commune_a):
    campaign = world["campaign"].pk
    sign_in(page, live_server.url, province_admin.username)
    paths = [
        "/", "/can-bo/", f"/can-bo/{world['people']['anh'].pk}/", "/can-bo/vai-tro/", "/can-bo/nhap/",
        "/don-vi/", f"/don-vi/{world['merged_into'].pk}/", f"/don-vi/{commune_a.pk}/", "/don-vi/doi-tuong/",
        "/nhat-ky/", "/dot-kiem-tra/", f"/dot-kiem-tra/{campaign}/", f"/dot-kiem-tra/{campaign}/theo-doi/",
        "/dot-kiem-tra/moi/", "/dao-tao/lop/", f"/dao-tao/lop/{world['class'].pk}/", "/dao-tao/ke-hoach/",
        "/kiem-tra/de-thi/", "/tai-khoan/", "/tai-khoan/api-keys/", "/khong-co-trang-nay/",
    ]
    assert audit(page, live_server.url, paths, statuses={"/khong-co-trang-nay/": 404}) == []


def test_focal_point_pages(page, live_server, world, focal_a, learner_in_b):
    sign_in(page, live_server.url, focal_a.username)
    paths = ["/", "/can-bo/", "/don-vi/", f"/dot-kiem-tra/{world['campaign'].pk}/theo-doi/",
             f"/can-bo/{learner_in_b.pk}/"]  # the last is out of scope: the 404 page
    assert audit(page, live_server.url, paths, statuses={paths[-1]: 404}) == []


def test_instructor_pages(page, live_server, world, province):
    instructor = make_user(Role.INSTRUCTOR, province, username="giangvien")
    sign_in(page, live_server.url, instructor.username)
    paths = ["/", "/kiem-tra/ngan-hang/", f"/kiem-tra/ngan-hang/danh-muc/{world['category'].pk}/",
             "/kiem-tra/de-thi/", "/kiem-tra/de-thi/tao-moi/", "/dao-tao/lop/"]
    assert audit(page, live_server.url, paths) == []


def test_learner_pages_and_the_consent_step(page, live_server, world, learner_user):
    # The first sign-in asks for consent: that page too, before accepting.
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("input[name=username]", learner_user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dong-y/**")
    consent = page.url.removeprefix(live_server.url)
    assert audit(page, live_server.url, [consent]) == []
    # The checkbox sits beside its label on a phone.
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(live_server.url + consent)
    box = page.locator("input[name=accept]").bounding_box()
    label = page.locator("label:has(input[name=accept])").bounding_box()
    assert box["x"] < 40 and abs(box["y"] - label["y"]) < 10, (box, label)
    page.check("input[name=accept]")
    page.click("form:has(input[name=accept]) button[type=submit]")
    page.wait_for_url(lambda url: "/dong-y/" not in url)

    quiz = world["campaign"].quiz_id
    paths = ["/", "/kiem-tra/", f"/kiem-tra/{quiz}/", "/dao-tao/", "/tai-khoan/du-lieu-cua-toi/"]
    assert audit(page, live_server.url, paths) == []

    # The exam page (no menu there, but a heading).
    open_quiz = make_quiz(questions=[make_question(world["category"], name="Câu 1")], title="Kiểm tra nhanh")
    page.goto(f"{live_server.url}/kiem-tra/{open_quiz.pk}/")
    page.click(f"form[action='/kiem-tra/{open_quiz.pk}/bat-dau/'] button")
    page.wait_for_url("**/bai-lam/**")
    attempt = page.url.removeprefix(live_server.url)
    assert page.locator("h1").inner_text() == "Kiểm tra nhanh"
    assert audit(page, live_server.url, [attempt]) == []


def test_public_pages(page, live_server, world, province_admin):
    campaign = world["campaign"]
    campaign_publish(actor=province_admin, campaign=campaign)
    paths = ["/dang-nhap/", "/cong-khai/", f"/dot-kiem-tra/cong-khai/{campaign.pk}/", "/quyen-rieng-tu/"]
    assert audit(page, live_server.url, paths) == []


# --- the phone layout ---------------------------------------------------------------------------------------------


def test_header_is_one_bar_and_the_menu_folds_out_on_a_phone(page, live_server, province_admin):
    from playwright.sync_api import expect

    sign_in(page, live_server.url, province_admin.username)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/can-bo/")
    assert page.locator(".site-header").bounding_box()["height"] < 70  # was ~200 px: menu on two rows, name, language
    # A group drops down; another one opening closes it.
    management = page.locator(".site-nav details", has_text="Quản lý")
    management.locator("summary").click()
    expect(management.get_by_role("link", name="Cán bộ")).to_be_visible()
    expect(management.get_by_role("link", name="Cán bộ")).to_have_attribute("aria-current", "page")
    page.locator(".site-nav details", has_text="Hệ thống").locator("summary").click()
    expect(management.get_by_role("link", name="Cán bộ")).to_be_hidden()

    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/can-bo/")
    expect(page.locator(".site-nav")).to_be_hidden()
    assert page.locator(".site-header").bounding_box()["height"] < 70
    page.locator(".nav-toggle-label").click()
    expect(page.locator(".site-nav")).to_be_visible()
    page.locator(".site-nav details", has_text="Quản lý").locator("summary").click()
    page.get_by_role("link", name="Đơn vị", exact=True).click()
    page.wait_for_url("**/don-vi/")


def test_long_lists_are_cards_on_a_phone(page, live_server, world, province_admin):
    sign_in(page, live_server.url, province_admin.username)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/can-bo/")
    cell = page.locator("table.cards tbody tr").first.locator("td").nth(1)
    assert cell.get_attribute("data-label") == "CCCD"
    assert cell.evaluate("td => getComputedStyle(td).display") == "block"
    assert cell.evaluate("td => getComputedStyle(td, '::before').content") == '"CCCD"'
    row = page.locator("table.cards tbody tr").first.bounding_box()
    assert row["width"] > 300  # a card across the screen, not a column squeezed to one word per line
    page.set_viewport_size({"width": 1366, "height": 900})
    assert cell.evaluate("td => getComputedStyle(td).display") == "table-cell"


def test_unit_tree_opens_children_on_demand(page, live_server, province_admin, province, commune_a, school_a):
    sign_in(page, live_server.url, province_admin.username)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/don-vi/")
    toggle = page.get_by_role("button", name=f"Đơn vị trực thuộc {commune_a.name}")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.get_by_role("link", name=school_a.name).count() == 0  # not loaded with the page
    toggle.click()
    page.get_by_role("link", name=school_a.name).wait_for()
    assert toggle.get_attribute("aria-expanded") == "true"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.get_by_role("link", name=school_a.name).is_visible()
