"""API keys: issuing and revoking (services and UI), and authenticating API requests with them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from hocso.core.models import AuditEntry
from hocso.identity.models import ApiKey
from hocso.identity.services import api_key_issue, api_key_revoke
from hocso.org.models import Unit

pytestmark = pytest.mark.django_db

KEY_RE = re.compile(r"hs_[0-9a-f]{8}_[A-Za-z0-9_-]{40,}")


def bearer(raw_key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw_key}"}


# --- Services --------------------------------------------------------------------------------------------------


def test_issue_returns_the_raw_key_and_stores_only_its_hash(province_admin, commune_a, tmp_path):
    key, raw = api_key_issue(actor=province_admin, name="  Cổng thông tin   xã A ", unit=commune_a)
    assert KEY_RE.fullmatch(raw)
    assert raw.startswith(f"hs_{key.prefix}_")
    key.refresh_from_db()
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert key.name == "Cổng thông tin xã A"
    assert key.unit == commune_a and key.created_by == province_admin and key.is_active
    # The secret is nowhere in the database: not in the key row, not in the audit log, not anywhere else.
    dump = tmp_path / "dump.json"
    call_command("dumpdata", "identity", "core", output=str(dump), verbosity=0)
    text = dump.read_text()
    assert raw not in text and raw.split("_", 2)[2] not in text
    assert key.key_hash in text


def test_issue_and_revoke_are_audited(province_admin):
    key, _raw = api_key_issue(actor=province_admin, name="IOC")
    api_key_revoke(actor=province_admin, key=key)
    entries = AuditEntry.objects.filter(object_type="identity.apikey", object_id=str(key.pk)).order_by("id")
    assert [e.action for e in entries] == ["api_key.issue", "api_key.revoke"]
    assert all(e.actor == province_admin for e in entries)
    assert entries[0].changes["name"] == [None, "IOC"]
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_only_province_admins_can_issue_or_revoke(focal_a, province_admin, commune_a):
    with pytest.raises(PermissionDenied):
        api_key_issue(actor=focal_a, name="Của tôi", unit=commune_a)
    key, _raw = api_key_issue(actor=province_admin, name="IOC")
    with pytest.raises(PermissionDenied):
        api_key_revoke(actor=focal_a, key=key)
    key.refresh_from_db()
    assert key.is_active
    assert not AuditEntry.objects.filter(action="api_key.revoke").exists()


def test_issue_reports_every_problem(province_admin, commune_b):
    Unit.objects.filter(pk=commune_b.pk).update(valid_to=dt.date(2025, 7, 1))
    commune_b.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        api_key_issue(actor=province_admin, name="   ", unit=commune_b)
    assert set(caught.value.message_dict) == {"name", "unit"}
    assert not ApiKey.objects.exists()


def test_revoking_twice_is_refused(province_admin):
    key, _raw = api_key_issue(actor=province_admin, name="IOC")
    api_key_revoke(actor=province_admin, key=key)
    with pytest.raises(ValidationError):
        api_key_revoke(actor=province_admin, key=key)
    assert AuditEntry.objects.filter(action="api_key.revoke").count() == 1


# --- Authenticating API requests -------------------------------------------------------------------------------


def test_revoked_key_is_rejected_with_401(client, province_admin, commune_a):
    key, raw = api_key_issue(actor=province_admin, name="IOC")
    assert client.get("/api/v1/units", **bearer(raw)).status_code == 200
    api_key_revoke(actor=province_admin, key=key)
    for headers in (bearer(raw), {"HTTP_X_API_KEY": raw}):
        response = client.get("/api/v1/units", HTTP_ACCEPT_LANGUAGE="en", **headers)
        assert response.status_code == 401
        assert response.json()["error"] == {
            "code": "invalid_api_key", "message": "The API key is not valid or has been revoked.", "details": None,
        }


@pytest.mark.parametrize(
    "raw",
    ["hs_0000abcd_" + "x" * 43, "not-a-key", "hs_zzzz_short"],
    ids=["unknown", "malformed", "bad-prefix"],
)
def test_unknown_or_malformed_key_is_rejected(client, province, raw):
    response = client.get("/api/v1/units", HTTP_X_API_KEY=raw)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"


def test_bad_key_is_not_rescued_by_a_session(client, province_admin, province):
    key, raw = api_key_issue(actor=province_admin, name="IOC")
    api_key_revoke(actor=province_admin, key=key)
    client.force_login(province_admin)
    assert client.get("/api/v1/units").status_code == 200
    assert client.get("/api/v1/units", **bearer(raw)).status_code == 401


def test_key_with_tampered_prefix_is_rejected(client, province_admin, province):
    key, raw = api_key_issue(actor=province_admin, name="IOC")
    other_prefix = "0" * 8 if key.prefix != "0" * 8 else "1" * 8
    tampered = f"hs_{other_prefix}_{raw.split('_', 2)[2]}"
    assert client.get("/api/v1/units", **bearer(tampered)).status_code == 401


def test_last_used_is_recorded_at_most_once_a_minute(client, province_admin, province,
                                                     django_assert_num_queries):
    key, raw = api_key_issue(actor=province_admin, name="IOC")
    assert key.last_used_at is None
    client.get("/api/v1/target-groups", **bearer(raw))
    key.refresh_from_db()
    first = key.last_used_at
    assert first is not None and timezone.now() - first < dt.timedelta(seconds=5)

    # Within the minute: the key lookup and the endpoint's own query, no UPDATE.
    with django_assert_num_queries(2) as captured:
        client.get("/api/v1/target-groups", **bearer(raw))
    assert not any(q["sql"].startswith("UPDATE") for q in captured.captured_queries)
    key.refresh_from_db()
    assert key.last_used_at == first

    ApiKey.objects.filter(pk=key.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    client.get("/api/v1/target-groups", **bearer(raw))
    key.refresh_from_db()
    assert key.last_used_at > first


# --- The web UI ------------------------------------------------------------------------------------------------


def test_non_admins_get_403_on_every_key_page(client, focal_a, province_admin):
    key, _raw = api_key_issue(actor=province_admin, name="IOC")
    client.force_login(focal_a)
    assert client.get(reverse("identity:api_keys")).status_code == 403
    assert client.get(reverse("identity:api_key_create")).status_code == 403
    assert client.post(reverse("identity:api_key_create"), {"name": "Của tôi"}).status_code == 403
    assert client.post(reverse("identity:api_key_revoke", args=[key.pk])).status_code == 403
    assert ApiKey.objects.count() == 1
    key.refresh_from_db()
    assert key.is_active


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("identity:api_keys"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:login"))


def test_admin_creates_a_key_and_sees_it_once(client, province_admin, commune_a):
    client.force_login(province_admin)
    form = client.get(reverse("identity:api_key_create"))
    assert form.status_code == 200
    assert commune_a.name in form.content.decode()

    response = client.post(reverse("identity:api_key_create"), {"name": "Cổng xã A", "unit": commune_a.pk})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = KEY_RE.search(response.content.decode()).group(0)
    key = ApiKey.objects.get()
    assert key.unit == commune_a and key.name == "Cổng xã A"
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert AuditEntry.objects.filter(action="api_key.issue", actor=province_admin).count() == 1

    listing = client.get(reverse("identity:api_keys")).content.decode()
    assert "Cổng xã A" in listing and key.prefix in listing and commune_a.name in listing
    assert raw not in listing
    # The new key works at once, within its scope.
    assert client.__class__().get(f"/api/v1/units/{commune_a.pk}", **bearer(raw)).status_code == 200


def test_create_form_reports_errors(client, province_admin):
    client.force_login(province_admin)
    response = client.post(reverse("identity:api_key_create"), {"name": "", "unit": "999999"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"name", "unit"}
    assert not ApiKey.objects.exists()


def test_admin_revokes_a_key(client, province_admin):
    key, raw = api_key_issue(actor=province_admin, name="IOC")
    client.force_login(province_admin)
    confirm = client.get(reverse("identity:api_key_revoke", args=[key.pk]))
    assert confirm.status_code == 200 and "IOC" in confirm.content.decode()
    key.refresh_from_db()
    assert key.is_active  # GET only asks

    response = client.post(reverse("identity:api_key_revoke", args=[key.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("identity:api_keys")
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert AuditEntry.objects.filter(action="api_key.revoke", object_id=str(key.pk)).exists()
    assert client.get("/api/v1/units", **bearer(raw)).status_code == 401

    again = client.post(reverse("identity:api_key_revoke", args=[key.pk]), follow=True)
    assert again.status_code == 200
    assert AuditEntry.objects.filter(action="api_key.revoke").count() == 1


def test_revoke_unknown_key_is_404(client, province_admin):
    client.force_login(province_admin)
    assert client.post(reverse("identity:api_key_revoke", args=[424242])).status_code == 404


def test_key_list_query_count_is_bounded(client, province_admin, commune_a, django_assert_max_num_queries):
    for number in range(20):
        api_key_issue(actor=province_admin, name=f"Khóa {number}", unit=commune_a if number % 2 else None)
    client.force_login(province_admin)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("identity:api_keys"))
    assert response.status_code == 200
    assert response.content.decode().count("hs_") >= 20


def test_api_key_menu_entry_only_for_admins(client, province_admin, focal_a):
    client.force_login(province_admin)
    assert reverse("identity:api_keys") in client.get(reverse("core:home")).content.decode()
    client.force_login(focal_a)
    assert reverse("identity:api_keys") not in client.get(reverse("core:home")).content.decode()


def test_openapi_documents_the_key_headers(client):
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    security = schema["paths"]["/api/v1/units"]["get"]["security"]
    assert {"ApiKeyBearer": []} in security and {"ApiKeyHeader": []} in security
