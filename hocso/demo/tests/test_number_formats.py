"""Every page of the demo writes numbers and dates the Vietnamese way (issue 13, item 2): signed in as each role,
the pages reachable from the menu and their links show no number with more than two decimals, no count above
999 without a thousands separator, no English decimal point and no ISO date (hocso.core.formatting is the rule).
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from .pagescan import crawl, number_problems, visible_text

ROLES = {
    "admin": 160,  # the province administrator: most pages
    "daumoi.khcn": 100,  # a focal point
    "giangvien": 100,  # the instructor
    "hocvien": 60,  # the learner
    None: 40,  # anyone: the public boards
}


@pytest.mark.parametrize(("text", "problem"), [
    ("2500 người", "no thousands separator in '2500'"),
    ("Tổng cộng 785 / 1499 (52%)", "no thousands separator in '1499'"),
    ("Điểm 50,4000000000000", "13 decimals in '50,4000000000000'"),
    ("66.47", "badly written number '66.47'"),
    ("ngày 2026-12-07", "ISO date '2026-12-07'"),
])
def test_the_scan_finds_numbers_written_against_the_rule(text, problem):
    assert problem in number_problems(text)


@pytest.mark.parametrize("text", [
    "2.500 người", "68,1%", "71,6", "12.345,67", "Quý IV/2026", "07/12/2026 14:05", "năm 2026.",
    "CCCD 001234567890", "0912345678", "Mã 000.42.30.H55", "mục 1.2.3", "25 cán bộ", "Trang 3/50",
])
def test_the_scan_passes_numbers_written_by_the_rule_and_identifiers(text):
    assert number_problems(text) == []


def test_visible_text_leaves_out_markup_scripts_and_codes():
    html = ('<p title="2500">Có <a href="/can-bo/?unit=1134">1.134</a> người</p><script>var n = 2500;</script>'
            '<code>hv2500</code><span data-raw>2026-12-07</span><p>còn lại</p>')
    assert visible_text(html) == "Có 1.134 người còn lại"


def test_every_page_of_each_role_writes_numbers_the_vietnamese_way(seeded):
    users = get_user_model().objects
    problems: dict[str, list[str]] = {}
    visited: dict[str | None, list[str]] = {}
    for username, limit in ROLES.items():
        client = Client()
        if username:
            client.force_login(users.get(username=username))
        start = ["/"] if username else ["/", "/cong-khai/"]
        visited[username] = []
        for url, response in crawl(client, start, limit=limit):
            assert response.status_code < 500, f"{username}: {url} answered {response.status_code}"
            visited[username].append(url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            found = number_problems(visible_text(response.content.decode()))
            if found:
                problems[f"{username} {url}"] = sorted(set(found))[:5]
    assert problems == {}

    # The scan read the pages that hold the most figures, so passing means something.
    def reached(username, pattern):
        return any(re.fullmatch(pattern, url.split("?")[0]) for url in visited[username])

    assert len(visited["admin"]) >= 80 and len(visited["hocvien"]) >= 10
    for username, pattern in [
        ("admin", r"/dot-kiem-tra/\d+/theo-doi/"), ("admin", r"/dot-kiem-tra/\d+/ket-qua/"),
        ("admin", r"/dao-tao/ke-hoach/"), ("admin", r"/don-vi/\d+/"), ("admin", r"/can-bo/"),
        ("giangvien", r"/kiem-tra/de-thi/\d+/thong-ke/"), ("giangvien", r"/kiem-tra/de-thi/\d+/ket-qua/"),
        ("giangvien", r"/kiem-tra/de-thi/\d+/bai-lam/\d+/"), ("daumoi.khcn", r"/dot-kiem-tra/\d+/theo-doi/"),
        ("hocvien", r"/kiem-tra/"), (None, r"/dot-kiem-tra/cong-khai/\d+/"),
    ]:
        assert reached(username, pattern), f"{username} never reached {pattern}"
