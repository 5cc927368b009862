"""/api/v1/training/…as a whole: every endpoint is documented under the training tag, and none answers without
signing in (the learner's own ones not to an API key either)."""

from __future__ import annotations

import pytest

from hocso.identity.services import api_key_issue

API = "/api/v1/training"


@pytest.mark.parametrize("path", ["/my/courses", "/my/certificates", "/my/calendar", "/my/courses/1/progress",
                                  "/courses", "/classes", "/classes/1/enrolments", "/classes/1/attendance"])
def test_unauthenticated_gets_401(client, db, path):
    response = client.get(API + path)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_learner_endpoints_refuse_api_keys(client, province_admin):
    _key, raw = api_key_issue(actor=province_admin, name="IOC", unit=None)
    response = client.get(f"{API}/my/courses", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401


def test_endpoints_are_in_the_openapi_schema(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ["/my/courses", "/my/courses/{course_id}/progress", "/my/certificates", "/my/calendar", "/courses",
                 "/classes", "/classes/{class_id}/enrolments", "/classes/{class_id}/attendance",
                 "/certificates/{code}/verify"]:
        operations = paths[f"{API}{path}"]
        for operation in operations.values():
            assert operation["tags"] == ["training"] and operation["summary"]
    assert "post" in paths[f"{API}/classes/{{class_id}}/enrolments"]
