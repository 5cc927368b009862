from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from hocso.campaigns.models import Snapshot
from hocso.core.actors import SYSTEM
from hocso.core.models import AuditEntry
from hocso.identity.services import api_key_issue

from .helpers import assert_no_personal_data, make_attempt, publish

pytestmark = pytest.mark.usefixtures("exact_figures")


def bearer(raw_key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw_key}"}


def test_publish_freezes_and_republish_adds_a_version(client, world, province_admin, province):
    campaign, _m, _into, people = world
    v1 = publish(client, province_admin, campaign)
    assert v1.version == 1
    row = v1.rows.get(unit=province)
    assert (row.total["audience"], row.total["passed"], row.total["median"]) == (6, 3, 70.0)
    assert row.agency_code == "000.00.00.H55" and row.admin_unit_code == "19"
    assert AuditEntry.objects.filter(action="campaign.publish", object_id=str(campaign.pk)).exists()
    make_attempt(campaign.quiz, people["dung"], percent=100)  # a later result...
    v1.refresh_from_db()
    assert v1.rows.get(unit=province).total["passed"] == 3  # ...does not change what was published
    v2 = publish(client, province_admin, campaign)
    assert v2.version == 2 and v2.rows.get(unit=province).total["passed"] == 4
    assert Snapshot.objects.filter(campaign=campaign).count() == 2


def test_only_province_admins_publish(client, world, focal_a):
    campaign = world[0]
    client.force_login(focal_a)
    assert client.post(f"/dot-kiem-tra/{campaign.pk}/cong-bo/").status_code == 403
    assert not Snapshot.objects.exists()


def test_feed_lists_campaigns_and_per_unit_figures_with_etag(client, world, province_admin, commune_a):
    campaign, unit_m = world[0], world[1]
    publish(client, province_admin, campaign)
    _key, raw = api_key_issue(actor=SYSTEM, name="IOC")
    listing = client.get("/api/v1/campaigns", **bearer(raw))
    assert listing.status_code == 200
    assert listing.json()["items"][0] | {"published_at": None} == {
        "id": campaign.pk, "title": "Quý IV/2026", "opens_on": "2026-10-01", "closes_on": "2026-12-31",
        "latest_version": 1, "published_at": None}
    response = client.get(f"/api/v1/campaigns/{campaign.pk}/results?page_size=2", **bearer(raw))
    data = response.json()
    assert response.status_code == 200 and data["count"] == 5 and data["pages"] == 3  # province, A, school, B, M
    assert data["snapshot"]["version"] == 1 and data["items"][0]["total"]["audience"] == 6
    etag = response["ETag"]
    again = client.get(f"/api/v1/campaigns/{campaign.pk}/results?page_size=2", HTTP_IF_NONE_MATCH=etag,
                       **bearer(raw))
    assert again.status_code == 304 and again.content == b""
    other_page = client.get(f"/api/v1/campaigns/{campaign.pk}/results?page_size=2&page=2",
                            HTTP_IF_NONE_MATCH=etag, **bearer(raw))
    assert other_page.status_code == 200
    merged = [i for i in client.get(f"/api/v1/campaigns/{campaign.pk}/results", **bearer(raw)).json()["items"]
              if i["unit_id"] == unit_m.pk]
    assert merged[0]["agency_code"] == "000.03.30.H55" and merged[0]["own"]["passed"] == 1


def test_republishing_changes_the_etag_and_old_versions_stay_readable(client, world, province_admin):
    campaign = world[0]
    publish(client, province_admin, campaign)
    _key, raw = api_key_issue(actor=SYSTEM, name="IOC")
    first = client.get(f"/api/v1/campaigns/{campaign.pk}/results", **bearer(raw))
    publish(client, province_admin, campaign)
    second = client.get(f"/api/v1/campaigns/{campaign.pk}/results", HTTP_IF_NONE_MATCH=first["ETag"],
                        **bearer(raw))
    assert second.status_code == 200 and second.json()["snapshot"]["version"] == 2
    old = client.get(f"/api/v1/campaigns/{campaign.pk}/results?version=1", **bearer(raw))
    assert old.status_code == 200 and old.json()["snapshot"]["version"] == 1
    assert client.get(f"/api/v1/campaigns/{campaign.pk}/results?version=9", **bearer(raw)).status_code == 404


def test_feed_requires_a_key_and_respects_its_scope(client, world, province_admin, commune_a, commune_b):
    campaign = world[0]
    publish(client, province_admin, campaign)
    assert client.get(f"/api/v1/campaigns/{campaign.pk}/results").status_code == 401
    _key, raw = api_key_issue(actor=SYSTEM, name="Xã Đại Phúc", unit=commune_a)
    items = client.get(f"/api/v1/campaigns/{campaign.pk}/results", **bearer(raw)).json()["items"]
    assert {i["unit_name"] for i in items} == {"Xã Đại Phúc", "Trường Tiểu học Đại Phúc"}
    _key, raw_b = api_key_issue(actor=SYSTEM, name="other", unit=commune_b)
    unpublished_or_hidden = client.get("/api/v1/campaigns/999999/results", **bearer(raw_b))
    assert unpublished_or_hidden.status_code == 404


def test_openapi_documents_the_feed(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/campaigns" in paths and "/api/v1/campaigns/{campaign_id}/results" in paths


def test_snapshot_downloads(client, world, province_admin):
    campaign = world[0]
    publish(client, province_admin, campaign)
    client.force_login(province_admin)
    response = client.get(f"/dot-kiem-tra/{campaign.pk}/ban-cong-bo/1.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["period", "version", "unit"] and len(rows) == 6
    assert rows[1][2] == "Tỉnh Thái Nguyên" and rows[1][6] == "6"
    xlsx = client.get(f"/dot-kiem-tra/{campaign.pk}/ban-cong-bo/1.xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.active.max_row == 6
    assert client.get(f"/dot-kiem-tra/{campaign.pk}/ban-cong-bo/1.pdf").status_code == 404


def test_no_feed_or_download_response_contains_personal_data(client, world, province_admin):
    campaign, _m, _into, people = world
    publish(client, province_admin, campaign)
    _key, raw = api_key_issue(actor=SYSTEM, name="IOC")
    responses = [
        client.get("/api/v1/campaigns", **bearer(raw)),
        client.get(f"/api/v1/campaigns/{campaign.pk}/results", **bearer(raw)),
        client.get(f"/api/v1/campaigns/{campaign.pk}/results?page=2&page_size=3", **bearer(raw)),
    ]
    client.force_login(province_admin)
    responses.append(client.get(f"/dot-kiem-tra/{campaign.pk}/ban-cong-bo/1.csv"))
    # Each one is the real answer (an error page would hold no personal data either, and prove nothing).
    assert [r.status_code for r in responses] == [200, 200, 200, 200]
    for response in responses:
        assert_no_personal_data(response.content.decode("utf-8-sig"), people)


def test_feed_keeps_a_bounded_number_of_queries(client, world, province_admin, django_assert_max_num_queries):
    campaign = world[0]
    publish(client, province_admin, campaign)
    _key, raw = api_key_issue(actor=SYSTEM, name="IOC")
    with django_assert_max_num_queries(8):
        assert client.get(f"/api/v1/campaigns/{campaign.pk}/results", **bearer(raw)).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/campaigns", **bearer(raw)).status_code == 200


def test_results_page_is_served_from_the_cache_the_same_until_republished(client, world, province_admin,
                                                                          django_assert_max_num_queries):
    campaign, _m, _into, people = world
    publish(client, province_admin, campaign)
    _key, raw = api_key_issue(actor=SYSTEM, name="IOC")
    url = f"/api/v1/campaigns/{campaign.pk}/results"
    first = client.get(url, **bearer(raw))
    assert first.status_code == 200
    with django_assert_max_num_queries(4):  # key, campaign, snapshot; the page itself comes from the cache
        again = client.get(url, **bearer(raw))
    assert again.status_code == 200 and again.content == first.content and again["ETag"] == first["ETag"]
    assert client.get(url + "?page_size=1", **bearer(raw)).json()["pages"] > 1  # other pages: other entries

    make_attempt(campaign.quiz, people["dung"], percent=100)
    publish(client, province_admin, campaign)
    newer = client.get(url, **bearer(raw)).json()
    assert newer["snapshot"]["version"] == 2 and newer["snapshot"]["campaign_id"] == campaign.pk
    province_row = next(r for r in newer["items"] if r["depth"] == 0)
    assert province_row["total"]["passed"] == 4
