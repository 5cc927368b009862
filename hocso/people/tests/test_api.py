"""The learner endpoints of /api/v1: scope, personal-data minimisation, filters, order and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from django.utils.translation import gettext

from hocso.core.actors import SYSTEM
from hocso.identity.services import api_key_issue
from hocso.people.models import LearnerStatus
from hocso.people.services import learner_move
from hocso.tests.factories import make_learner, make_unit, target_group

pytestmark = pytest.mark.django_db

LEARNER_FIELDS = {
    "id", "full_name", "family_name", "middle_name", "given_name", "cccd_masked", "birth_year", "gender",
    "position", "rank_code", "target_group", "unit", "status",
}


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


def test_focal_point_sees_only_learners_in_own_subtree(client, focal_a, learner_in_a, learner_in_b):
    client.force_login(focal_a)
    response = client.get("/api/v1/learners")
    assert response.status_code == 200
    assert ids(response) == [learner_in_a.pk]
    assert set(response.json()["items"][0]) == LEARNER_FIELDS


def test_focal_point_gets_404_for_learner_in_another_commune(client, focal_a, learner_in_a, learner_in_b):
    client.force_login(focal_a)
    response = client.get(f"/api/v1/learners/{learner_in_b.pk}")
    assert response.status_code == 404
    with translation.override("vi"):
        expected = gettext("Person not found.")
    assert response.json() == {"error": {"code": "not_found", "message": expected, "details": None}}
    assert client.get(f"/api/v1/learners/{learner_in_a.pk}").status_code == 200


def test_not_found_message_in_english(client, focal_a, learner_in_b):
    client.force_login(focal_a)
    response = client.get(f"/api/v1/learners/{learner_in_b.pk}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["error"]["message"] == "Person not found."


def test_api_key_scoped_to_commune_a_sees_only_its_learners(client, province_admin, commune_a, learner_in_a,
                                                            learner_in_b):
    _key, raw = api_key_issue(actor=province_admin, name="Website xã A", unit=commune_a)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert ids(client.get("/api/v1/learners", **headers)) == [learner_in_a.pk]
    assert client.get(f"/api/v1/learners/{learner_in_b.pk}", **headers).status_code == 404
    assert client.get(f"/api/v1/learners/{learner_in_a.pk}", **headers).status_code == 200


def test_learner_without_a_staff_role_sees_only_self(client, learner_user, learner_in_a, learner_in_b):
    make_learner(learner_in_a.unit, "Phạm Văn Dũng")
    client.force_login(learner_user)
    assert ids(client.get("/api/v1/learners")) == [learner_in_a.pk]
    assert client.get(f"/api/v1/learners/{learner_in_b.pk}").status_code == 404


def test_full_cccd_and_birth_date_never_appear(client, province_admin, learner_in_a, learner_in_b):
    # Even a province administrator (who may see the full number in the UI) gets it masked through the API.
    client.force_login(province_admin)
    for url in ("/api/v1/learners", f"/api/v1/learners/{learner_in_a.pk}", f"/api/v1/learners?q={learner_in_a.cccd}"):
        body = client.get(url).content.decode()
        assert learner_in_a.cccd not in body, url
        assert learner_in_b.cccd not in body, url
        assert "1985-05-17" not in body and "17/05/1985" not in body, url
    data = client.get(f"/api/v1/learners/{learner_in_a.pk}").json()
    assert data["cccd_masked"] == learner_in_a.cccd[:3] + "*******" + learner_in_a.cccd[-2:]
    assert data["birth_year"] == 1985


def test_learner_detail_has_names_refs_and_membership_history(client, province_admin, commune_a, commune_b,
                                                              school_a, learner_in_a):
    learner_in_a.target_group = target_group("civil_servants")
    learner_in_a.position = "Chuyên viên"
    learner_in_a.save()
    learner_move(actor=SYSTEM, learner=learner_in_a, to_unit=commune_b, on=dt.date(2025, 7, 1))
    client.force_login(province_admin)
    data = client.get(f"/api/v1/learners/{learner_in_a.pk}").json()
    assert (data["family_name"], data["middle_name"], data["given_name"]) == ("Đặng", "Thị", "Ánh")
    assert data["full_name"] == "Đặng Thị Ánh"
    assert data["position"] == "Chuyên viên"
    assert data["target_group"]["code"] == "civil_servants"
    assert data["unit"] == {"id": commune_b.pk, "name": commune_b.name, "code": commune_b.code}
    assert [(m["unit"]["id"], m["start_date"], m["end_date"]) for m in data["memberships"]] == [
        (commune_b.pk, "2025-07-01", None),
        (school_a.pk, "2024-01-01", "2025-07-01"),
    ]
    assert data["memberships"][0]["reason"] == "transfer"


def test_learners_are_in_vietnamese_order(client, province_admin, commune_a):
    # Given name first (a < ă < â < b < … < d < đ), then family name.
    for name in ("Lê Văn Đức", "Trần Thị Ân", "Nguyễn Văn Bình", "Phạm Thị An", "Hoàng Văn Dũng", "Bùi Thị Ăn"):
        make_learner(commune_a, name, with_cccd=False)
    client.force_login(province_admin)
    names = [item["given_name"] for item in client.get("/api/v1/learners").json()["items"]]
    assert names == ["An", "Ăn", "Ân", "Bình", "Dũng", "Đức"]


def test_learner_filters(client, province_admin, commune_a, school_a, commune_b, learner_in_a, learner_in_b):
    retired = make_learner(commune_a, "Vũ Thị Hoa", with_cccd=False, status=LearnerStatus.RETIRED,
                           target_group=target_group("leaders"))
    client.force_login(province_admin)
    assert set(ids(client.get(f"/api/v1/learners?unit={commune_a.pk}"))) == {learner_in_a.pk, retired.pk}
    assert ids(client.get(f"/api/v1/learners?unit={school_a.pk}")) == [learner_in_a.pk]
    assert ids(client.get("/api/v1/learners?status=retired")) == [retired.pk]
    assert ids(client.get(f"/api/v1/learners?target_group={target_group('leaders').pk}")) == [retired.pk]
    assert ids(client.get("/api/v1/learners?q=duong van binh")) == [learner_in_b.pk]


def test_invalid_status_is_422_and_unit_outside_scope_is_404(client, focal_a, commune_b):
    client.force_login(focal_a)
    invalid = client.get("/api/v1/learners?status=sleeping")
    assert invalid.status_code == 422
    assert invalid.json()["error"]["details"][0]["loc"] == ["query", "status"]
    assert client.get(f"/api/v1/learners?unit={commune_b.pk}").status_code == 404


def test_learner_list_query_count_does_not_grow_with_learners(client, province_admin, province, commune_a,
                                                              django_assert_max_num_queries):
    groups = [target_group("leaders"), target_group("civil_servants")]
    for number in range(40):
        unit = make_unit(f"Phòng {number}", commune_a) if number % 10 == 0 else commune_a
        make_learner(unit, f"Nguyễn Văn Số {number}", with_cccd=False, target_group=groups[number % 2])
    _key, raw = api_key_issue(actor=province_admin, name="IOC", unit=None)
    # key lookup + last-used update, then count + page (target group and unit joined in).
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/learners?page_size=200", HTTP_X_API_KEY=raw)
    assert response.json()["count"] == 40
    client.force_login(province_admin)
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/learners?page_size=25").json()["items"]) == 25
