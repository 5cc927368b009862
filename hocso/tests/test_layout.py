"""The frame every page shares (issue 13, items 5 and 9): the grouped menu, a favicon and a description on every
page, breadcrumbs that end with the current page, a quiet "Withdraw" on class rosters, and Học Số's own 404 page in
demo mode (DEBUG) as in production. The same pages in a browser: test_accessibility.py."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders

from hocso.access.models import Role
from hocso.campaigns.tests.helpers import make_quiz
from hocso.tests.factories import make_user
from hocso.training.tests.factories import enrol, make_class


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_every_page_links_a_favicon_that_exists_and_has_a_description(client, learner_user):
    for path in ("/dang-nhap/", "/khong-co/"):  # signed out; the 404 page is the error pages' own template
        page = client.get(path).content.decode()
        assert 'rel="icon" href="/static/hocso/favicon.svg"' in page, path
    client.force_login(learner_user)
    page = html(client.get("/"))
    assert 'rel="icon" href="/static/hocso/favicon.svg"' in page
    description = re.search(r'<meta name="description" content="([^"]+)">', page)
    assert description and "Học Số" in description.group(1)
    assert finders.find("hocso/favicon.svg")
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/hocso/favicon.svg"
    assert client.get("/static/hocso/favicon.svg").status_code == 200


def test_admin_menu_is_grouped_and_a_learner_menu_is_flat(client, province_admin, learner_user):
    client.force_login(province_admin)
    page = html(client.get("/can-bo/"))
    groups = re.findall(r"<summary[^>]*>([^<]+)</summary>", page)
    assert groups[:5] == ["Học tập", "Giảng dạy", "Quản lý", "Chương trình", "Hệ thống"], groups
    assert page.count("<details data-menu>") == 5
    # The current page is marked, in its group.
    assert '<a href="/can-bo/" aria-current="page">' in page
    assert re.search(r'<summary class="current">Quản lý</summary>', page)

    client.force_login(learner_user)
    page = html(client.get("/"))
    assert "<details data-menu>" not in page  # two entries need no drop-down
    assert 'href="/kiem-tra/"' in page and 'href="/dao-tao/"' in page


def test_exam_breadcrumbs_end_with_the_current_page(client, learner_user):
    quiz = make_quiz(title="Kiểm tra Quý IV")
    client.force_login(learner_user)
    page = html(client.get(f"/kiem-tra/{quiz.pk}/"))
    crumbs = re.search(r'<nav class="breadcrumbs"[^>]*>(.*?)</nav>', page, re.S).group(1)
    assert crumbs.rstrip().endswith('<span aria-current="page">Kiểm tra Quý IV</span>'), crumbs
    assert not crumbs.rstrip().endswith("›")
    assert "Thời gian mở" not in page  # "Thời gian: từ … đến …", not the label twice


def test_roster_withdraw_button_is_quiet_and_asks_first(client, province_admin, learner_in_a):
    klass = make_class()
    enrol(learner_in_a, klass.course, klass=klass, status="active")
    client.force_login(province_admin)
    page = html(client.get(f"/dao-tao/lop/{klass.pk}/"))
    button = re.search(r'<button[^>]*>Rút khỏi lớp</button>', page).group(0)
    assert "danger" not in button and "secondary" in button and "data-confirm=" in button


def test_out_of_scope_page_in_demo_mode_is_the_product_404(client, settings, focal_a, learner_in_b):
    settings.DEBUG = True
    client.force_login(focal_a)
    for path in (f"/can-bo/{learner_in_b.pk}/", "/khong-co-trang-nay/"):
        response = client.get(path)
        page = response.content.decode()
        assert response.status_code == 404, path
        assert "Không tìm thấy trang" in page and "Page not found" in page, path
        assert "DEBUG = True" not in page and "URLconf" not in page, path
    # APPEND_SLASH still redirects, and the API keeps its JSON errors.
    assert client.get("/can-bo").status_code == 301
    response = client.get("/api/v1/khong-co")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")


def test_instructor_sees_teaching_group(client, province):
    client.force_login(make_user(Role.INSTRUCTOR, province, username="giangvien"))
    page = html(client.get("/"))
    assert "Giảng dạy" in page and "Quản lý" not in page
