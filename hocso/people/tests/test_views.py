"""The people pages through real HTTP: who sees whom, search and filters, personal data. The pages that write:
test_views_writes.py."""

from __future__ import annotations

import re
import unicodedata

import pytest

from hocso.access.models import Role, RoleAssignment
from hocso.core.models import AuditEntry
from hocso.people import views
from hocso.people.models import Learner, LearnerStatus, Membership
from hocso.tests.factories import make_learner, target_group

# Assertions read English messages (the shared `english` fixture of conftest.py).
pytestmark = pytest.mark.usefixtures("english")


def names_in(response) -> list[str]:
    """Full names linked from the result rows, in page order."""
    return re.findall(r'<a href="/can-bo/\d+/">([^<]+)</a>', response.content.decode())


# --- who sees whom ---------------------------------------------------------------------------------------------


def test_list_requires_login(client, learner_in_a):
    response = client.get("/can-bo/")
    assert response.status_code == 302
    assert "/dang-nhap/" in response["Location"]


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("province_admin", {"Đặng Thị Ánh", "Dương Văn Bình"}),
        ("focal_a", {"Đặng Thị Ánh"}),
        ("focal_b", {"Dương Văn Bình"}),
    ],
)
def test_list_shows_exactly_the_actors_people(client, request, learner_in_a, learner_in_b, actor, expected):
    client.force_login(request.getfixturevalue(actor))
    response = client.get("/can-bo/")
    assert response.status_code == 200
    assert set(names_in(response)) == expected


@pytest.mark.parametrize("suffix", ["", "sua/", "chuyen-don-vi/", "nghi/"])
def test_focal_point_gets_404_outside_subtree(client, focal_a, learner_in_b, suffix):
    client.force_login(focal_a)
    assert client.get(f"/can-bo/{learner_in_b.pk}/{suffix}").status_code == 404
    assert client.post(f"/can-bo/{learner_in_b.pk}/{suffix}", {"on": "01/01/2025"}).status_code in (404, 405)
    assert Membership.objects.get(learner=learner_in_b).end_date is None


def test_focal_point_gets_404_for_posts_outside_subtree(client, focal_a, learner_in_b):
    client.force_login(focal_a)
    assert client.post(f"/can-bo/{learner_in_b.pk}/cccd/").status_code == 404
    assert client.post(f"/can-bo/{learner_in_b.pk}/tao-tai-khoan/").status_code == 404
    assert not AuditEntry.objects.exists()
    assert Learner.objects.get(pk=learner_in_b.pk).user_id is None


def test_learner_sees_own_page_read_only_and_nobody_else(client, learner_user, learner_in_a, learner_in_b):
    client.force_login(learner_user)
    response = client.get(f"/can-bo/{learner_in_a.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Đặng Thị Ánh</h1>" in html
    assert f"/can-bo/{learner_in_a.pk}/sua/" not in html
    assert f"/can-bo/{learner_in_a.pk}/chuyen-don-vi/" not in html
    assert client.get(f"/can-bo/{learner_in_b.pk}/").status_code == 404
    # Their own page is read-only: the forms behind the buttons are forbidden, not hidden.
    assert client.get(f"/can-bo/{learner_in_a.pk}/sua/").status_code == 403
    assert client.get("/can-bo/them/").status_code == 403


def test_learner_list_of_a_plain_learner_is_only_themselves(client, learner_user, learner_in_a, learner_in_b):
    client.force_login(learner_user)
    assert names_in(client.get("/can-bo/")) == ["Đặng Thị Ánh"]


# --- search and filters ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["dang thi anh", "ĐẶNG THỊ ÁNH", "  Dang   Anh ", "anh"])
def test_search_ignores_case_and_diacritics(client, province_admin, learner_in_a, learner_in_b, query):
    client.force_login(province_admin)
    assert names_in(client.get("/can-bo/", {"q": query})) == ["Đặng Thị Ánh"]


def test_search_typed_in_decomposed_unicode_matches(client, province_admin, learner_in_a, learner_in_b):
    client.force_login(province_admin)
    query = unicodedata.normalize("NFD", "Đặng Thị Ánh")
    assert query != "Đặng Thị Ánh"
    assert names_in(client.get("/can-bo/", {"q": query})) == ["Đặng Thị Ánh"]


def test_search_by_whole_cccd_number_only(client, province_admin, learner_in_a, learner_in_b):
    client.force_login(province_admin)
    spaced = " ".join([learner_in_b.cccd[:4], learner_in_b.cccd[4:8], learner_in_b.cccd[8:]])
    assert names_in(client.get("/can-bo/", {"q": spaced})) == ["Dương Văn Bình"]
    # Partial digits match nobody: they would let a caller probe a number digit by digit.
    assert names_in(client.get("/can-bo/", {"q": learner_in_b.cccd[-7:]})) == []


def test_search_form_contract(client, province_admin, learner_in_a):
    client.force_login(province_admin)
    html = client.get("/can-bo/").content.decode()
    form = re.search(r'<form method="get"[^>]*>(.*?)</form>', html, re.S)
    assert form is not None
    assert 'name="q"' in form.group(1)
    assert 'type="submit"' in form.group(1)


def test_unit_filter_covers_subtree_and_names_the_unit(client, province_admin, commune_a, learner_in_a, learner_in_b):
    client.force_login(province_admin)
    response = client.get("/can-bo/", {"unit": commune_a.pk})
    assert names_in(response) == ["Đặng Thị Ánh"]
    assert "Xã Đại Phúc" in response.content.decode()


def test_unit_filter_outside_scope_is_404(client, focal_a, commune_b, learner_in_a):
    client.force_login(focal_a)
    assert client.get("/can-bo/", {"unit": commune_b.pk}).status_code == 404


def test_unit_search_when_too_many_units_for_a_select(client, monkeypatch, province_admin, commune_a,
                                                      learner_in_a, learner_in_b):
    monkeypatch.setattr(views, "UNIT_SELECT_LIMIT", 1)
    client.force_login(province_admin)
    html = client.get("/can-bo/").content.decode()
    assert 'name="unit_q"' in html and '<select name="unit"' not in html
    fragment = client.get("/can-bo/don-vi/", {"unit_q": "dai phuc", "q": "anh"}).content.decode()
    assert f"unit={commune_a.pk}" in fragment and "q=anh" in fragment
    # Without JavaScript the typed name is resolved by the list itself when it is unambiguous.
    response = client.get("/can-bo/", {"unit_q": "xa dai phuc"})
    assert names_in(response) == ["Đặng Thị Ánh"]


def test_filter_by_target_group_and_status(client, province_admin, school_a):
    group = target_group()
    make_learner(school_a, "Lê Văn Cường", target_group=group)
    make_learner(school_a, "Hoàng Thị Dung", status=LearnerStatus.ON_LEAVE)
    client.force_login(province_admin)
    assert names_in(client.get("/can-bo/", {"target_group": group.pk})) == ["Lê Văn Cường"]
    assert names_in(client.get("/can-bo/", {"status": "on_leave"})) == ["Hoàng Thị Dung"]


def test_list_is_in_vietnamese_order_by_given_name(client, province_admin, school_a):
    for name in ["Nguyễn Văn Ước", "Trần Thị Ánh", "Lê Văn Đức", "Phạm Văn Dũng", "Bùi Thị An"]:
        make_learner(school_a, name)
    client.force_login(province_admin)
    assert names_in(client.get("/can-bo/")) == [
        "Bùi Thị An", "Trần Thị Ánh", "Phạm Văn Dũng", "Lê Văn Đức", "Nguyễn Văn Ước",
    ]


def test_list_query_count_is_bounded(client, django_assert_max_num_queries, province_admin, school_a):
    group = target_group()
    for i in range(30):
        make_learner(school_a, f"Nguyễn Văn Thứ{i}", target_group=group, position="Chuyên viên")
    client.force_login(province_admin)
    with django_assert_max_num_queries(12):
        response = client.get("/can-bo/", {"q": "nguyen", "unit": school_a.pk})
    assert len(names_in(response)) == 30


def test_list_paginates(client, settings, province_admin, school_a):
    settings.HOCSO_PAGE_SIZE = 2
    for name in ["Bùi Thị An", "Trần Thị Ánh", "Phạm Văn Dũng"]:
        make_learner(school_a, name)
    client.force_login(province_admin)
    assert names_in(client.get("/can-bo/", {"page": 2})) == ["Phạm Văn Dũng"]


# --- personal data ---------------------------------------------------------------------------------------------


def test_list_masks_cccd_and_shows_only_the_year_of_birth(client, focal_a, learner_in_a):
    client.force_login(focal_a)
    html = client.get("/can-bo/").content.decode()
    assert learner_in_a.cccd not in html
    assert learner_in_a.masked_cccd in html
    assert "17/05/1985" not in html and "1985" in html


def test_detail_masks_cccd_until_revealed_and_reveal_is_audited(client, focal_a, learner_in_a):
    client.force_login(focal_a)
    html = client.get(f"/can-bo/{learner_in_a.pk}/").content.decode()
    assert learner_in_a.cccd not in html
    assert learner_in_a.masked_cccd in html
    assert f'action="/can-bo/{learner_in_a.pk}/cccd/"' in html
    assert not AuditEntry.objects.filter(action="learner.view_cccd").exists()

    response = client.post(f"/can-bo/{learner_in_a.pk}/cccd/")
    assert response.status_code == 200
    assert learner_in_a.cccd in response.content.decode()
    entry = AuditEntry.objects.get(action="learner.view_cccd")
    assert entry.actor == focal_a and entry.object_id == str(learner_in_a.pk)


def test_reveal_through_htmx_returns_only_the_fragment(client, province_admin, learner_in_a):
    client.force_login(province_admin)
    response = client.post(f"/can-bo/{learner_in_a.pk}/cccd/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert learner_in_a.cccd in html and "<html" not in html
    assert AuditEntry.objects.filter(action="learner.view_cccd", actor=province_admin).count() == 1


def test_reveal_is_a_post(client, province_admin, learner_in_a):
    client.force_login(province_admin)
    assert client.get(f"/can-bo/{learner_in_a.pk}/cccd/").status_code == 405
    assert not AuditEntry.objects.exists()


def test_date_of_birth_in_full_for_those_allowed(client, focal_a, learner_in_a):
    client.force_login(focal_a)
    assert "17/05/1985" in client.get(f"/can-bo/{learner_in_a.pk}/").content.decode()


def test_date_of_birth_and_cccd_masked_for_those_not_allowed(client, monkeypatch, focal_a, learner_in_a):
    # Nobody who can open a page is denied today; a future role (e.g. instructors seeing their class) will be.
    monkeypatch.setattr(views.permissions, "can_see_full_cccd", lambda actor, learner: False)
    monkeypatch.setattr(views.services, "can_see_full_cccd", lambda actor, learner: False)
    client.force_login(focal_a)
    html = client.get(f"/can-bo/{learner_in_a.pk}/").content.decode()
    assert "**/**/1985" in html and "17/05/1985" not in html
    assert "/cccd/" not in html
    assert client.post(f"/can-bo/{learner_in_a.pk}/cccd/").status_code == 403
    assert not AuditEntry.objects.exists()


def test_detail_shows_history_account_and_roles(client, province_admin, learner_in_a, learner_user, commune_a):
    RoleAssignment.objects.create(user=learner_user, role=Role.INSTRUCTOR, unit=commune_a)
    client.force_login(province_admin)
    html = client.get(f"/can-bo/{learner_in_a.pk}/").content.decode()
    assert "Trường Tiểu học Đại Phúc" in html and "01/01/2024" in html
    assert "hocvien" in html
    assert "Instructor" in html


def test_detail_says_when_there_is_no_account(client, province_admin, learner_in_b):
    client.force_login(province_admin)
    html = client.get(f"/can-bo/{learner_in_b.pk}/").content.decode()
    assert "No account" in html
    assert f'action="/can-bo/{learner_in_b.pk}/tao-tai-khoan/"' in html
