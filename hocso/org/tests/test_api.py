"""The /api/v1 skeleton (docs, errors, auth) and the unit endpoints, through the real HTTP stack."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext

from hocso.core.api_common import ApiError, SessionAuth
from hocso.identity.services import api_key_issue
from hocso.org.models import Unit, UnitKind
from hocso.tests.factories import make_learner, make_unit

pytestmark = pytest.mark.django_db

UNIT_FIELDS = {
    "id", "name", "short_name", "code", "admin_unit_code", "kind", "parent_id", "depth", "valid_from", "valid_to",
    "learner_count",
}


def ids(response) -> set[int]:
    return {item["id"] for item in response.json()["items"]}


def bearer(raw_key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw_key}"}


# --- OpenAPI and docs ----------------------------------------------------------------------------------------


def test_openapi_json_lists_every_path_and_both_auth_schemes(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "Học Số" in schema["info"]["title"]
    assert "Học Số" in schema["info"]["description"]
    assert {
        "/api/v1/units", "/api/v1/units/{unit_id}", "/api/v1/units/{unit_id}/subtree",
        "/api/v1/units/{unit_id}/children", "/api/v1/target-groups", "/api/v1/learners",
        "/api/v1/learners/{learner_id}",
    } <= set(schema["paths"])
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"} in schemes.values()
    assert any(s.get("name") == "X-API-Key" and s.get("in") == "header" for s in schemes.values())


def test_docs_page_loads_swagger_from_this_server_not_a_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in html
    assert "/api/v1/openapi.json" in html
    # Every script and stylesheet comes from this server (relative URLs), never a CDN.
    # (Checked on the src/href attributes: the random CSRF token may contain any letters.)
    asset_urls = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert asset_urls
    assert all(url.startswith("/") for url in asset_urls), asset_urls
    assert "https://" not in html

    asset = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200
    assert b"SwaggerUIBundle" in b"".join(asset.streaming_content)
    assert client.get("/api/v1/docs/assets/settings.py").status_code == 404


def test_api_root_points_to_the_docs(client):
    assert client.get("/api/v1/").json()["docs"] == "/api/v1/docs"


# --- Errors ----------------------------------------------------------------------------------------------------


def test_unauthenticated_request_gets_401_in_the_error_shape(client, commune_a):
    response = client.get("/api/v1/units")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    error = response.json()["error"]
    assert error["code"] == "unauthenticated"
    assert set(error) == {"code", "message", "details"}


def test_error_message_is_vietnamese_by_default(client, focal_a, commune_b):
    client.force_login(focal_a)
    response = client.get(f"/api/v1/units/{commune_b.pk}")
    assert response.status_code == 404
    assert response["Content-Language"] == "vi"
    with translation.override("vi"):
        expected = gettext("Unit not found.")
    assert response.json() == {"error": {"code": "not_found", "message": expected, "details": None}}


def test_error_message_is_english_with_accept_language_en(client, focal_a, commune_b):
    client.force_login(focal_a)
    response = client.get(f"/api/v1/units/{commune_b.pk}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Language"] == "en"
    assert response.json()["error"]["message"] == "Unit not found."
    anonymous = client.__class__().get("/api/v1/units", HTTP_ACCEPT_LANGUAGE="en")
    assert anonymous.json()["error"]["message"] == "Authentication required: sign in or send an API key."


def test_invalid_query_parameter_is_422_with_details(client, province_admin, province):
    client.force_login(province_admin)
    response = client.get("/api/v1/units?page_size=201", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"] == "The request is not valid."
    assert error["details"][0]["loc"] == ["query", "page_size"]


def test_unknown_path_and_wrong_method_answer_in_the_error_shape(client, province_admin):
    client.force_login(province_admin)
    missing = client.get("/api/v1/khong-co")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    wrong_method = client.delete("/api/v1/units")
    assert wrong_method.status_code == 405
    assert wrong_method["Allow"] == "GET"
    assert wrong_method.json()["error"]["code"] == "method_not_allowed"


def test_session_auth_enforces_csrf_for_unsafe_methods(focal_a):
    auth = SessionAuth()
    unsafe = RequestFactory().post("/api/v1/units")
    unsafe.user = focal_a
    with pytest.raises(ApiError) as caught:
        auth(unsafe)
    assert caught.value.status_code == 403 and caught.value.code == "csrf_failed"

    safe = RequestFactory().get("/api/v1/units")
    safe.user = focal_a
    assert auth(safe) == focal_a


# --- Scope ---------------------------------------------------------------------------------------------------


def test_focal_point_sees_only_own_subtree(client, focal_a, province, commune_a, school_a, commune_b):
    client.force_login(focal_a)
    response = client.get("/api/v1/units")
    assert response.status_code == 200
    assert ids(response) == {commune_a.pk, school_a.pk}
    assert set(response.json()["items"][0]) == UNIT_FIELDS


def test_focal_point_gets_404_for_every_unit_endpoint_outside_scope(client, focal_a, commune_a, commune_b, province):
    client.force_login(focal_a)
    for url in (
        f"/api/v1/units/{commune_b.pk}",
        f"/api/v1/units/{commune_b.pk}/subtree",
        f"/api/v1/units/{commune_b.pk}/children",
        f"/api/v1/units/{province.pk}",
        f"/api/v1/units?parent={commune_b.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/units/{commune_a.pk}").status_code == 200


@pytest.mark.parametrize("header", ["bearer", "x-api-key"])
def test_api_key_scoped_to_commune_sees_only_its_subtree(client, header, province_admin, commune_a, school_a,
                                                         commune_b):
    _key, raw = api_key_issue(actor=province_admin, name="Cổng xã A", unit=commune_a)
    headers = bearer(raw) if header == "bearer" else {"HTTP_X_API_KEY": raw}
    response = client.get("/api/v1/units", **headers)
    assert response.status_code == 200
    assert ids(response) == {commune_a.pk, school_a.pk}
    assert client.get(f"/api/v1/units/{commune_b.pk}", **headers).status_code == 404
    assert client.get(f"/api/v1/units/{school_a.pk}", **headers).status_code == 200


def test_province_wide_key_sees_every_unit(client, province_admin, province, commune_a, commune_b):
    _key, raw = api_key_issue(actor=province_admin, name="IOC", unit=None)
    response = client.get("/api/v1/units", **bearer(raw))
    assert ids(response) == {province.pk, commune_a.pk, commune_b.pk}


# --- Units -----------------------------------------------------------------------------------------------------


def test_unit_detail_counts_learners_in_the_whole_subtree(client, province_admin, commune_a, learner_in_a):
    make_learner(commune_a, "Lê Văn Cường")
    client.force_login(province_admin)
    data = client.get(f"/api/v1/units/{commune_a.pk}").json()
    assert data["learner_count"] == 2  # one in the commune itself, one in its school
    assert data["child_count"] == 1
    assert data["code"] == "000.01.30.H55"
    assert data["kind"] == UnitKind.COMMUNE


def test_unit_search_ignores_accents_and_case(client, province_admin, commune_a, commune_b):
    client.force_login(province_admin)
    assert ids(client.get("/api/v1/units?q=DAI phuc")) == {commune_a.pk}
    assert ids(client.get("/api/v1/units?q=000.02.30")) == {commune_b.pk}


def test_units_filtered_by_parent(client, province_admin, province, commune_a, commune_b, school_a):
    client.force_login(province_admin)
    assert ids(client.get(f"/api/v1/units?parent={province.pk}")) == {commune_a.pk, commune_b.pk}


def test_former_units_are_listed_only_when_asked(client, province_admin, province, commune_a, commune_b):
    Unit.objects.filter(pk=commune_b.pk).update(valid_to=dt.date(2025, 7, 1))
    client.force_login(province_admin)
    assert commune_b.pk not in ids(client.get("/api/v1/units"))
    response = client.get("/api/v1/units?former=true")
    former = next(item for item in response.json()["items"] if item["id"] == commune_b.pk)
    assert former["valid_to"] == "2025-07-01"
    assert client.get(f"/api/v1/units/{commune_b.pk}").status_code == 200  # history stays reachable


def test_subtree_lists_current_units_below_by_depth_then_name(client, province_admin, province, commune_a,
                                                              commune_b, school_a):
    old = make_unit("Xã Cũ", province, kind=UnitKind.COMMUNE)
    Unit.objects.filter(pk=old.pk).update(valid_to=dt.date(2025, 7, 1))
    client.force_login(province_admin)
    data = client.get(f"/api/v1/units/{province.pk}/subtree").json()
    # Depth 1 first, in Vietnamese order (Đại < Yên), then depth 2; the former unit and the root are left out.
    assert [item["id"] for item in data["items"]] == [commune_a.pk, commune_b.pk, school_a.pk]
    assert data["count"] == 3


def test_children_are_the_direct_children_only(client, province_admin, province, commune_a, commune_b, school_a):
    client.force_login(province_admin)
    response = client.get(f"/api/v1/units/{province.pk}/children")
    assert {item["id"] for item in response.json()} == {commune_a.pk, commune_b.pk}


def test_page_pagination(client, province_admin, province):
    for number in range(5):
        make_unit(f"Phường {number}", province, kind=UnitKind.WARD)
    client.force_login(province_admin)
    data = client.get(f"/api/v1/units/{province.pk}/subtree?page=2&page_size=2").json()
    assert (data["count"], data["pages"], data["page"], data["page_size"]) == (5, 3, 2, 2)
    assert [item["name"] for item in data["items"]] == ["Phường 2", "Phường 3"]
    assert client.get(f"/api/v1/units/{province.pk}/subtree?page=9&page_size=2").json()["items"] == []


def test_unit_list_query_count_does_not_grow_with_units(client, province_admin, province,
                                                        django_assert_max_num_queries):
    for number in range(15):
        commune = make_unit(f"Xã số {number}", province, kind=UnitKind.COMMUNE)
        school = make_unit(f"Trường số {number}", commune, kind=UnitKind.SCHOOL)
        make_learner(school, f"Nguyễn Văn {number}", with_cccd=False)
    client.force_login(province_admin)
    # session + user + roles (3), count + page (2), learner counts per depth (3) and child counts (1).
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/units?page_size=200")
    assert response.json()["count"] == 31
    with django_assert_max_num_queries(10):
        assert client.get(f"/api/v1/units/{province.pk}/subtree?page_size=200").json()["count"] == 30


def test_target_groups_are_listed(client, focal_a):
    client.force_login(focal_a)
    codes = [group["code"] for group in client.get("/api/v1/target-groups").json()]
    assert "civil_servants" in codes and "leaders" in codes


def test_api_views_are_csrf_exempt_so_key_clients_are_not_blocked(province_admin, province):
    from django.test import Client
    from django.urls import resolve

    assert getattr(resolve("/api/v1/units").func, "csrf_exempt", False) is True
    _key, raw = api_key_issue(actor=province_admin, name="IOC")
    strict = Client(enforce_csrf_checks=True)
    # Reaches the API (405 in the error shape), not Django's CSRF 403 page.
    response = strict.post("/api/v1/units", **bearer(raw))
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_service_errors_map_to_403_and_422_in_the_error_shape():
    import json

    from django.core.exceptions import PermissionDenied, ValidationError

    from hocso.core import api_common

    request = RequestFactory().get("/api/v1/units")
    denied = api_common._on_permission_denied(request, PermissionDenied("Không được phép."))
    assert denied.status_code == 403
    assert json.loads(denied.content) == {
        "error": {"code": "permission_denied", "message": "Không được phép.", "details": None}
    }
    invalid = api_common._on_django_validation(request, ValidationError({"name": ["Tên bắt buộc."]}))
    assert invalid.status_code == 422
    body = json.loads(invalid.content)["error"]
    assert body["code"] == "validation_error" and body["details"] == {"name": ["Tên bắt buộc."]}
    assert "Tên bắt buộc." in invalid.content.decode()  # UTF-8, not \u escapes
