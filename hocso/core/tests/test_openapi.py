import json


def _no_duplicate_keys(pairs):
    keys = [key for key, _value in pairs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    assert not duplicates, f"duplicate keys in the OpenAPI document: {duplicates}"
    return dict(pairs)


def test_openapi_document_is_valid_json_without_duplicate_keys(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content, object_pairs_hook=_no_duplicate_keys)
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/units", "/api/v1/learners", "/api/v1/me/quizzes", "/api/v1/quizzes"):
        assert path in schema["paths"]


def _can_be_invalid(schema: dict) -> bool:
    """Any value but a free string can fail validation (a number, a boolean, an enum, a bound)."""
    return schema.get("type") != "string" or bool(set(schema) - {"type", "title", "default", "description"})


def test_every_operation_documents_its_errors_with_the_shared_error_shape(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    error_shape = schema["components"]["schemas"]["ErrorOut"]
    assert error_shape["properties"]["error"]["$ref"].endswith("/ErrorBody")
    assert set(schema["components"]["schemas"]["ErrorBody"]["required"]) == {"code", "message"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            name = f"{method.upper()} {path}"
            # Any request can carry a NUL (refused with 400); a secured operation answers 401 without a key.
            assert "400" in responses, name
            assert ("401" in responses) == bool(operation.get("security")), name
            if operation.get("requestBody") or any(_can_be_invalid(p["schema"]) for p in operation.get("parameters",
                                                                                                         [])):
                assert "422" in responses, name
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    content = response["content"]["application/json"]["schema"]
                    assert content == {"$ref": "#/components/schemas/ErrorOut"}, (name, status)
                    assert "Unknown" not in response["description"], (name, status)
    # The bounds the database needs are stated where clients read them.
    save = schema["paths"]["/api/v1/me/attempts/{attempt_id}/answers/{slot}"]["put"]
    slot = next(p for p in save["parameters"] if p["name"] == "slot")["schema"]
    assert (slot["minimum"], slot["maximum"]) == (1, 32_767)
    attempt_id = next(p for p in save["parameters"] if p["name"] == "attempt_id")["schema"]
    assert attempt_id["maximum"] == 2**63 - 1


def test_documented_statuses_are_the_ones_answered(client, db):
    """A few real answers, checked against what the schema says of their operation."""
    schema = client.get("/api/v1/openapi.json").json()

    def documented(path: str, method: str = "get") -> set[int]:
        return {int(status) for status in schema["paths"][path][method]["responses"]}

    cases = [
        ("/api/v1/units", client.get("/api/v1/units")),  # no key, no session
        ("/api/v1/units", client.get("/api/v1/units", HTTP_AUTHORIZATION="Bearer hs_nope")),
        ("/api/v1/units", client.get("/api/v1/units?q=%00")),
        ("/api/v1/training/certificates/{code}/verify", client.get("/api/v1/training/certificates/NOPE/verify")),
    ]
    for path, response in cases:
        assert response.status_code in documented(path), (path, response.status_code)
        assert set(response.json()["error"]) == {"code", "message", "details"}
