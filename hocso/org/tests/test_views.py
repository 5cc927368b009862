"""The unit pages through the real HTTP stack: rendering, scope boundaries, creating, editing and moving units,
target groups and the tree's counts. Merges and splits: test_views_restructure.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from hocso.org.models import Reorganisation, TargetGroup, Unit, UnitKind
from hocso.org.services import units_merge
from hocso.tests.factories import make_learner, make_unit

from .helpers import MERGE_DAY, html, learners_shown, success_messages

# --- Every page renders ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs", "query"),
    [
        ("org:tree", {}, ""),
        ("org:tree", {}, "?q=dai+phuc&former=1"),
        ("org:children", {"pk": "province"}, ""),
        ("org:detail", {"pk": "commune_a"}, ""),
        ("org:detail", {"pk": "commune_a"}, "?former=1"),
        ("org:create", {}, ""),
        ("org:create", {}, "?parent=commune_a"),
        ("org:edit", {"pk": "commune_a"}, ""),
        ("org:move", {"pk": "school_a"}, ""),
        ("org:move", {"pk": "school_a"}, "?q=yen"),
        ("org:merge", {"pk": "commune_a"}, ""),
        ("org:merge", {"pk": "commune_a"}, "?q=truong"),
        ("org:split", {"pk": "school_a"}, ""),
        ("org:target_groups", {}, ""),
        ("org:target_group_create", {}, ""),
        ("org:target_group_edit", {"pk": "group"}, ""),
    ],
)
def test_each_page_renders_for_the_province_admin(
    admin_client, province, commune_a, commune_b, school_a, learner_in_a, learner_in_b, name, kwargs, query
):
    objects = {"province": province, "commune_a": commune_a, "school_a": school_a,
               "group": TargetGroup.objects.first()}
    kwargs = {key: objects[value].pk for key, value in kwargs.items()}
    query = query.replace("parent=commune_a", f"parent={commune_a.pk}")
    response = admin_client.get(reverse(name, kwargs=kwargs) + query)
    assert response.status_code == 200
    assert "errors" not in html(response)


@pytest.mark.parametrize("path", ["/don-vi/", "/don-vi/1/", "/don-vi/tao-moi/", "/don-vi/doi-tuong/"])
def test_pages_need_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_children_is_a_tree_fragment(admin_client, province, commune_a, commune_b):
    response = admin_client.get(reverse("org:children", args=[province.pk]))
    body = html(response)
    assert body.lstrip().startswith('<ul class="tree">') and "<html" not in body
    assert commune_a.name in body and commune_b.name in body
    assert province.name not in body


def test_detail_shows_properties_breadcrumbs_children_and_people_link(admin_client, province, commune_a, school_a):
    response = admin_client.get(reverse("org:detail", args=[commune_a.pk]))
    body = html(response)
    assert commune_a.code in body
    assert f'href="{reverse("org:detail", args=[province.pk])}"' in body  # breadcrumb
    assert school_a.name in body
    assert f'{reverse("people:list")}?unit={commune_a.pk}' in body
    for action in ("edit", "move", "merge", "split"):
        assert reverse(f"org:{action}", args=[commune_a.pk]) in body
    assert f'{reverse("org:create")}?parent={commune_a.pk}' in body


# --- Scope ------------------------------------------------------------------------------------------------------


def test_focal_point_sees_own_subtree_only(focal_client, province, commune_a, commune_b, school_a):
    response = focal_client.get(reverse("org:tree"))
    assert response.status_code == 200
    body = html(response)
    assert commune_a.name in body and school_a.name in body
    assert commune_b.name not in body
    # The province above them is neither a tree root nor a link for them.
    assert f'href="{reverse("org:detail", args=[province.pk])}"' not in body
    assert focal_client.get(reverse("org:detail", args=[school_a.pk])).status_code == 200
    detail = focal_client.get(reverse("org:detail", args=[commune_a.pk]))
    assert province.name in html(detail)  # breadcrumb by name
    assert f'href="{reverse("org:detail", args=[province.pk])}"' not in html(detail)


@pytest.mark.parametrize("name", ["org:detail", "org:children", "org:edit", "org:move", "org:merge", "org:split"])
def test_focal_point_gets_404_for_another_commune(focal_client, commune_b, name):
    assert focal_client.get(reverse(name, args=[commune_b.pk])).status_code == 404


def test_focal_point_cannot_create_under_another_commune_or_at_the_top(focal_client, commune_b):
    assert focal_client.get(reverse("org:create") + f"?parent={commune_b.pk}").status_code == 404
    assert focal_client.get(reverse("org:create")).status_code == 403
    assert focal_client.post(reverse("org:create"), {"name": "Đơn vị lạ", "kind": "other"}).status_code == 403
    assert not Unit.objects.filter(name="Đơn vị lạ").exists()


def test_focal_point_search_stays_in_scope(focal_client, commune_a, commune_b):
    response = focal_client.get(reverse("org:tree"), {"q": "xa"})
    body = html(response)
    assert commune_a.name in body and commune_b.name not in body


def test_focal_point_creates_a_unit_under_their_commune(focal_client, commune_a):
    response = focal_client.post(
        reverse("org:create") + f"?parent={commune_a.pk}",
        {"name": "Trạm Y tế xã Đại Phúc", "kind": UnitKind.HEALTH_STATION, "code": "", "short_name": "",
         "admin_unit_code": "", "valid_from": ""},
    )
    unit = Unit.objects.get(name="Trạm Y tế xã Đại Phúc")
    assert response.status_code == 302 and response["Location"] == reverse("org:detail", args=[unit.pk])
    assert unit.parent == commune_a and unit.kind == UnitKind.HEALTH_STATION
    assert success_messages(response)


def test_focal_point_cannot_edit_their_own_root_but_can_edit_below(focal_client, commune_a, school_a):
    assert focal_client.get(reverse("org:edit", args=[commune_a.pk])).status_code == 403
    response = focal_client.post(reverse("org:edit", args=[commune_a.pk]), {"name": "X", "kind": "commune"})
    assert response.status_code == 403
    commune_a.refresh_from_db()
    assert commune_a.name == "Xã Đại Phúc"
    for action in ("move", "merge", "split"):
        assert focal_client.get(reverse(f"org:{action}", args=[commune_a.pk])).status_code == 403
    detail = html(focal_client.get(reverse("org:detail", args=[commune_a.pk])))
    assert reverse("org:edit", args=[commune_a.pk]) not in detail
    assert f'{reverse("org:create")}?parent={commune_a.pk}' in detail
    assert focal_client.get(reverse("org:edit", args=[school_a.pk])).status_code == 200


def test_learner_user_gets_nothing(client, learner_user, commune_a, school_a):
    client.force_login(learner_user)
    assert client.get(reverse("org:tree")).status_code == 403
    assert client.get(reverse("org:detail", args=[school_a.pk])).status_code == 404
    assert client.get(reverse("org:children", args=[commune_a.pk])).status_code == 404
    assert client.get(reverse("org:edit", args=[school_a.pk])).status_code == 404
    assert client.get(reverse("org:create") + f"?parent={school_a.pk}").status_code == 404
    assert client.get(reverse("org:target_groups")).status_code == 403


# --- Create, edit, move -----------------------------------------------------------------------------------------


def test_rename_through_the_form_is_recorded_with_date_and_note(admin_client, commune_a):
    response = admin_client.post(reverse("org:edit", args=[commune_a.pk]), {
        "name": "Phường Đại Phúc", "short_name": "", "code": commune_a.code, "admin_unit_code": "",
        "kind": UnitKind.WARD, "on": "2025-07-01", "note": "Nghị quyết 1234/NQ-UBTVQH15",
    })
    assert response.status_code == 302
    commune_a.refresh_from_db()
    assert (commune_a.name, commune_a.kind) == ("Phường Đại Phúc", UnitKind.WARD)
    reorg = Reorganisation.objects.get(kind="rename")
    assert reorg.effective_date == dt.date(2025, 7, 1) and reorg.note == "Nghị quyết 1234/NQ-UBTVQH15"
    detail = html(admin_client.get(reverse("org:detail", args=[commune_a.pk])))
    assert "Xã Đại Phúc → Phường Đại Phúc" in detail and "01/07/2025" in detail


def test_edit_reports_every_problem_per_field(admin_client, commune_a, commune_b):
    response = admin_client.post(reverse("org:edit", args=[commune_a.pk]), {
        "name": "", "code": "123", "kind": "nonsense",
    })
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"name", "code", "kind"} <= set(errors)
    # A duplicate code is caught by the service and shown on the code field.
    response = admin_client.post(reverse("org:edit", args=[commune_a.pk]), {
        "name": commune_a.name, "code": commune_b.code, "kind": "commune",
    })
    assert "code" in response.context["form"].errors
    commune_a.refresh_from_db()
    assert commune_a.code == "000.01.30.H55"


def test_move_through_the_form(admin_client, commune_a, commune_b, school_a):
    page = admin_client.get(reverse("org:move", args=[school_a.pk]))
    choices = {u.pk for u in page.context["form"].fields["new_parent"].queryset}
    assert commune_b.pk in choices and school_a.pk not in choices
    response = admin_client.post(reverse("org:move", args=[school_a.pk]),
                                 {"new_parent": commune_b.pk, "on": "2025-07-01", "note": ""})
    assert response.status_code == 302
    school_a.refresh_from_db()
    assert school_a.parent == commune_b and school_a.path.startswith(commune_b.path)


def test_move_search_narrows_the_parent_list(admin_client, commune_a, commune_b, school_a):
    page = admin_client.get(reverse("org:move", args=[school_a.pk]), {"q": "yen trach"})
    assert [u.pk for u in page.context["form"].fields["new_parent"].queryset] == [commune_b.pk]


# --- Target groups ----------------------------------------------------------------------------------------------


def test_target_groups_admin_can_add_and_edit(admin_client):
    response = admin_client.post(reverse("org:target_group_create"), {
        "code": "village_officials", "name": "Người hoạt động không chuyên trách", "description": "",
        "position": "9", "is_active": "on",
    })
    assert response.status_code == 302
    group = TargetGroup.objects.get(code="village_officials")
    response = admin_client.post(reverse("org:target_group_edit", args=[group.pk]), {
        "code": "village_officials", "name": "Người hoạt động không chuyên trách ở thôn", "position": "9",
    })
    group.refresh_from_db()
    assert group.name.endswith("ở thôn") and not group.is_active
    listing = html(admin_client.get(reverse("org:target_groups")))
    assert group.name in listing and reverse("org:target_group_edit", args=[group.pk]) in listing


def test_target_group_duplicate_code_is_a_field_error(admin_client):
    existing = TargetGroup.objects.first()
    response = admin_client.post(reverse("org:target_group_create"),
                                 {"code": existing.code, "name": "Trùng", "position": "1"})
    assert response.status_code == 200 and "code" in response.context["form"].errors


def test_focal_point_reads_target_groups_but_cannot_edit(focal_client):
    group = TargetGroup.objects.first()
    listing = focal_client.get(reverse("org:target_groups"))
    assert listing.status_code == 200 and group.name in html(listing)
    assert reverse("org:target_group_edit", args=[group.pk]) not in html(listing)
    assert focal_client.get(reverse("org:target_group_create")).status_code == 403
    assert focal_client.get(reverse("org:target_group_edit", args=[group.pk])).status_code == 403
    response = focal_client.post(reverse("org:target_group_edit", args=[group.pk]),
                                 {"code": group.code, "name": "Đổi tên", "position": "1"})
    assert response.status_code == 403
    group.refresh_from_db()
    assert group.name != "Đổi tên"


# --- Counts and query budgets -----------------------------------------------------------------------------------


def test_tree_learner_counts(admin_client, province, commune_a, commune_b, school_a, learner_in_a, learner_in_b):
    make_learner(commune_a, "Hoàng Văn Em")
    response = admin_client.get(reverse("org:tree"))
    assert learners_shown(response, province) == 3
    assert learners_shown(response, commune_a) == 2  # one in the commune, one in its school
    assert learners_shown(response, commune_b) == 1
    children = admin_client.get(reverse("org:children", args=[commune_a.pk]))
    assert learners_shown(children, school_a) == 1


def _bigger_province(province, communes: int = 8, schools: int = 3, people: int = 3) -> list[Unit]:
    made = []
    for c in range(communes):
        commune = make_unit(f"Xã Số {c}", province, kind=UnitKind.COMMUNE)
        made.append(commune)
        for s in range(schools):
            school = make_unit(f"Trường {c}-{s}", commune, kind=UnitKind.SCHOOL)
            for p in range(people):
                make_learner(school, f"Nguyễn Văn Người {c} {s} {p}")
    return made


def test_tree_page_query_count_is_bounded(admin_client, province, django_assert_max_num_queries):
    communes = _bigger_province(province)
    with django_assert_max_num_queries(14):
        response = admin_client.get(reverse("org:tree"), {"q": "truong", "former": "1"})
    assert response.status_code == 200
    assert learners_shown(response, communes[0]) == 9
    with django_assert_max_num_queries(10):
        admin_client.get(reverse("org:children", args=[communes[0].pk]))


def test_detail_page_query_count_is_bounded(admin_client, province_admin, province, django_assert_max_num_queries):
    communes = _bigger_province(province)
    merged = units_merge(actor=province_admin, sources=communes[:3], new_name="Xã Hợp Nhất", on=MERGE_DAY)
    for i in range(5):
        make_learner(merged, f"Trần Văn Mới {i}")
    with django_assert_max_num_queries(20):
        response = admin_client.get(reverse("org:detail", args=[merged.pk]))
    assert response.status_code == 200
    assert response.context["unit"].learner_count == 3 * 9 + 5


def test_tree_nodes_load_children_lazily_and_link_to_the_unit_without_javascript(
    admin_client, province, commune_a, school_a
):
    body = html(admin_client.get(reverse("org:tree")))
    # Commune A is shown (first level is open) but its school is not loaded until the node is opened.
    assert commune_a.name in body and school_a.name not in body
    assert f'hx-get="{reverse("org:children", args=[commune_a.pk])}"' in body
    assert f'<a href="{reverse("org:detail", args=[commune_a.pk])}">' in body
    former = html(admin_client.get(reverse("org:tree"), {"former": "1"}))
    assert f'hx-get="{reverse("org:children", args=[commune_a.pk])}?former=1"' in former
