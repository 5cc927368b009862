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
