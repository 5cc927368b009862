"""The people pages through real HTTP: scope, search, masking, forms and the writes behind them."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest
from django.contrib.auth import get_user_model

from hocso.access.models import Role, RoleAssignment
from hocso.core.models import AuditEntry
from hocso.people import views
from hocso.people.models import Learner, LearnerStatus, Membership, MembershipReason
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


# --- create ----------------------------------------------------------------------------------------------------


def test_create_form_preselects_unit_in_scope(client, focal_a, school_a):
    client.force_login(focal_a)
    response = client.get("/can-bo/them/", {"unit": school_a.pk})
    assert response.status_code == 200
    assert re.search(rf'<option value="{school_a.pk}" selected>', response.content.decode())


def test_create_outside_scope_is_404(client, focal_a, commune_b):
    client.force_login(focal_a)
    assert client.get("/can-bo/them/", {"unit": commune_b.pk}).status_code == 404


def test_create_with_full_name_and_typed_date(client, focal_a, school_a):
    client.force_login(focal_a)
    response = client.post("/can-bo/them/", {
        "unit": school_a.pk, "full_name": "  Nguyễn   Thị Minh Khai ", "cccd": "019 185 123456",
        "date_of_birth": "17/05/1985", "gender": "F", "position": "Giáo viên", "rank_code": "V.07.03.29",
        "target_group": target_group().pk, "email": "Khai@Example.VN", "phone": "0912345678",
        "start_date": "01/09/2020",
    })
    learner = Learner.objects.get(given_name="Khai")
    assert response.status_code == 302 and response["Location"] == f"/can-bo/{learner.pk}/"
    assert (learner.family_name, learner.middle_name) == ("Nguyễn", "Thị Minh")
    assert learner.cccd == "019185123456" and learner.date_of_birth == dt.date(1985, 5, 17)
    assert learner.email == "khai@example.vn" and learner.unit == school_a
    membership = Membership.objects.get(learner=learner)
    assert membership.start_date == dt.date(2020, 9, 1) and membership.end_date is None
    assert AuditEntry.objects.filter(action="learner.create", object_id=str(learner.pk)).exists()


def test_create_with_separate_name_parts(client, province_admin, commune_b):
    client.force_login(province_admin)
    response = client.post("/can-bo/them/", {
        "unit": commune_b.pk, "family_name": "Tôn Nữ", "middle_name": "Thị", "given_name": "Hà",
        "start_date": "2024-01-15",
    })
    assert response.status_code == 302
    learner = Learner.objects.get(given_name="Hà")
    assert learner.full_name == "Tôn Nữ Thị Hà"


def test_create_shows_every_error_at_once_and_writes_nothing(client, focal_a, school_a):
    client.force_login(focal_a)
    response = client.post("/can-bo/them/", {
        "unit": school_a.pk, "full_name": "", "cccd": "12345", "date_of_birth": "31/02/1985",
        "rank_code": "abc", "email": "not-an-email", "start_date": "01/01/2024",
    })
    assert response.status_code == 200
    form = response.context["form"]
    assert {"full_name", "cccd", "date_of_birth", "rank_code", "email"} <= set(form.errors)
    html = response.content.decode()
    assert "12 digits" in html and "dd/mm/yyyy" in html and "01.003" in html and "Enter the person" in html
    assert not Learner.objects.exists() and not Membership.objects.exists() and not AuditEntry.objects.exists()


def test_create_reports_cccd_not_matching_birth_with_other_errors(client, focal_a, school_a):
    client.force_login(focal_a)
    response = client.post("/can-bo/them/", {
        "unit": school_a.pk, "full_name": "Lê Văn Tám", "cccd": "019090123456", "date_of_birth": "17/05/1985",
        "gender": "M", "email": "sai", "start_date": "01/01/2024",
    })
    errors = response.context["form"].errors
    assert "year of birth" in " ".join(errors["cccd"]) and "email" in errors
    assert not Learner.objects.exists()


def test_create_rejects_a_duplicate_cccd(client, province_admin, learner_in_a, commune_b):
    client.force_login(province_admin)
    response = client.post("/can-bo/them/", {
        "unit": commune_b.pk, "full_name": "Người Trùng Số", "cccd": learner_in_a.cccd, "start_date": "01/01/2024",
    })
    assert "cccd" in response.context["form"].errors
    assert Learner.objects.count() == 1


def test_create_in_a_unit_outside_scope_is_refused(client, focal_a, school_a, commune_b):
    client.force_login(focal_a)
    response = client.post("/can-bo/them/", {"unit": commune_b.pk, "full_name": "Lê Văn Tám",
                                             "start_date": "01/01/2024"})
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not Learner.objects.exists()


# --- edit, move, leave -----------------------------------------------------------------------------------------


def test_edit_updates_the_profile_and_audits(client, focal_a, learner_in_a):
    client.force_login(focal_a)
    form = client.get(f"/can-bo/{learner_in_a.pk}/sua/").context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data.update({"date_of_birth": "17/05/1985", "position": "Hiệu trưởng", "status": "on_leave"})
    response = client.post(f"/can-bo/{learner_in_a.pk}/sua/", data)
    assert response.status_code == 302
    learner_in_a.refresh_from_db()
    assert learner_in_a.position == "Hiệu trưởng" and learner_in_a.status == "on_leave"
    assert AuditEntry.objects.filter(action="learner.update").exists()


def test_edit_cannot_retire_through_the_status_field(client, focal_a, learner_in_a):
    client.force_login(focal_a)
    response = client.post(f"/can-bo/{learner_in_a.pk}/sua/", {"given_name": "Ánh", "status": "retired"})
    assert "status" in response.context["form"].errors
    learner_in_a.refresh_from_db()
    assert learner_in_a.status == LearnerStatus.ACTIVE


def test_move_closes_the_membership_and_opens_a_new_one(client, province_admin, learner_in_a, commune_b):
    client.force_login(province_admin)
    response = client.post(f"/can-bo/{learner_in_a.pk}/chuyen-don-vi/",
                           {"to_unit": commune_b.pk, "on": "15/03/2025", "note": "QĐ 12/QĐ-UBND"})
    assert response.status_code == 302
    learner_in_a.refresh_from_db()
    assert learner_in_a.unit == commune_b
    old, new = Membership.objects.filter(learner=learner_in_a).order_by("start_date")
    assert old.end_date == dt.date(2025, 3, 15)
    assert (new.unit, new.start_date, new.end_date, new.reason) == (
        commune_b, dt.date(2025, 3, 15), None, MembershipReason.TRANSFER,
    )
    assert new.note == "QĐ 12/QĐ-UBND"


def test_focal_point_cannot_move_someone_out_of_their_subtree(client, focal_a, learner_in_a, commune_b):
    client.force_login(focal_a)
    response = client.post(f"/can-bo/{learner_in_a.pk}/chuyen-don-vi/", {"to_unit": commune_b.pk,
                                                                          "on": "15/03/2025"})
    assert response.status_code == 200 and "to_unit" in response.context["form"].errors
    assert Membership.objects.filter(learner=learner_in_a).count() == 1


def test_move_before_the_current_membership_began_is_an_error_on_the_form(client, focal_a, learner_in_a,
                                                                           commune_a):
    client.force_login(focal_a)
    response = client.post(f"/can-bo/{learner_in_a.pk}/chuyen-don-vi/", {"to_unit": commune_a.pk,
                                                                          "on": "01/01/2020"})
    assert response.status_code == 200
    assert "01/01/2024" in response.content.decode()
    assert Membership.objects.filter(learner=learner_in_a).count() == 1


def test_leave_ends_membership_and_sets_status(client, focal_a, learner_in_a):
    client.force_login(focal_a)
    response = client.post(f"/can-bo/{learner_in_a.pk}/nghi/", {"status": "retired", "on": "30/06/2025"})
    assert response.status_code == 302
    learner_in_a.refresh_from_db()
    assert learner_in_a.status == LearnerStatus.RETIRED and learner_in_a.unit is None
    assert Membership.objects.get(learner=learner_in_a).end_date == dt.date(2025, 6, 30)


# --- accounts --------------------------------------------------------------------------------------------------


def test_create_account_shows_password_once_and_it_works(client, focal_a, learner_in_a):
    client.force_login(focal_a)
    response = client.post(f"/can-bo/{learner_in_a.pk}/tao-tai-khoan/")
    assert response.status_code == 200
    html = response.content.decode()
    password = re.search(r'<code class="key" id="new-password">([^<]+)</code>', html).group(1)
    learner_in_a.refresh_from_db()
    user = learner_in_a.user
    assert user.username == "anhdt1" and user.full_name == "Đặng Thị Ánh"
    assert user.check_password(password)
    assert AuditEntry.objects.filter(action="learner.create_account", object_id=str(learner_in_a.pk)).exists()
    assert password not in client.get(f"/can-bo/{learner_in_a.pk}/").content.decode()
    # A second account cannot be made for the same person.
    again = client.post(f"/can-bo/{learner_in_a.pk}/tao-tai-khoan/", follow=True)
    assert "already has an account" in again.content.decode()
    assert get_user_model().objects.filter(learner=learner_in_a).count() == 1


def test_usernames_stay_unique_for_namesakes(client, province_admin, school_a):
    first, second = make_learner(school_a, "Đặng Thị Ánh"), make_learner(school_a, "Đinh Thu Anh")
    client.force_login(province_admin)
    client.post(f"/can-bo/{first.pk}/tao-tai-khoan/")
    client.post(f"/can-bo/{second.pk}/tao-tai-khoan/")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.user.username, second.user.username) == ("anhdt1", "anhdt2")


def test_learner_cannot_create_accounts(client, learner_user, learner_in_a, school_a):
    other = make_learner(school_a, "Phan Văn Khải")
    client.force_login(learner_user)
    assert client.post(f"/can-bo/{other.pk}/tao-tai-khoan/").status_code == 404
    assert client.post(f"/can-bo/{learner_in_a.pk}/tao-tai-khoan/").status_code == 403
    assert get_user_model().objects.count() == 1
