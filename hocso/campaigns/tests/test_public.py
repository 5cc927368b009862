from __future__ import annotations

import datetime as dt

import pytest

from hocso.campaigns.services import AudienceLine, campaign_create, campaign_publish
from hocso.core.actors import SYSTEM

from .helpers import assert_no_personal_data, build_world, make_attempt


@pytest.fixture
def published(province, commune_a, commune_b, school_a, learner_in_a, province_admin, exact_figures):
    world = build_world(province, commune_a, commune_b, school_a, learner_in_a, province_admin)
    campaign_publish(actor=province_admin, campaign=world[0])
    return world


def test_public_board_needs_no_login_and_drills_down(client, published, province, commune_a):
    campaign = published[0]
    client.cookies["hocso_language"] = "en"
    top = client.get(f"/dot-kiem-tra/cong-khai/{campaign.pk}/")
    assert top.status_code == 200 and "Tỉnh Thái Nguyên" in top.content.decode()
    below = client.get(f"/dot-kiem-tra/cong-khai/{campaign.pk}/?unit={province.pk}").content.decode()
    assert "Xã Đại Phúc" in below and "Xã Minh Tiến" in below and "83.3" in below
    assert 'name="viewport"' in below


def test_public_board_shows_the_snapshot_not_live_data(client, published, province):
    campaign, _m, _into, people = published
    make_attempt(campaign.quiz, people["dung"], percent=100)
    client.cookies["hocso_language"] = "en"
    body = client.get(f"/dot-kiem-tra/cong-khai/{campaign.pk}/?unit={province.pk}").content.decode()
    assert "<dd>3 (75.0% of those with a result)</dd>" in body  # still 3 passed, as published
    # every rate says what it divides by
    assert "<dd>5 (83.3% of the audience)</dd>" in body
    assert "Participation rate = participants / audience." in body and "Pass rate = passed / people with" in body


def test_unpublished_campaign_has_no_board(client, province, commune_a, commune_b, school_a, learner_in_a,
                                           province_admin):
    campaign = build_world(province, commune_a, commune_b, school_a, learner_in_a, province_admin)[0]
    assert client.get(f"/dot-kiem-tra/cong-khai/{campaign.pk}/").status_code == 404
    assert client.get(f"/dot-kiem-tra/cong-khai/{campaign.pk}/widget/{province.pk}/").status_code == 404


def test_widget_is_frameable_and_the_rest_is_not(client, published, commune_a):
    campaign = published[0]
    widget = client.get(f"/dot-kiem-tra/cong-khai/{campaign.pk}/widget/{commune_a.pk}/")
    assert widget.status_code == 200 and "Xã Đại Phúc" in widget.content.decode()
    assert "X-Frame-Options" not in widget
    assert "<form" not in widget.content.decode()
    board = client.get(f"/dot-kiem-tra/cong-khai/{campaign.pk}/")
    assert board["X-Frame-Options"] == "DENY"
    assert client.get(f"/dot-kiem-tra/cong-khai/{campaign.pk}/widget/999999/").status_code == 404


def test_public_pages_contain_no_personal_data(client, published, province, commune_a, commune_b, school_a):
    campaign, unit_m, _into, people = published
    urls = [f"/dot-kiem-tra/cong-khai/{campaign.pk}/"]
    for unit in (province, commune_a, commune_b, school_a, unit_m):
        urls.append(f"/dot-kiem-tra/cong-khai/{campaign.pk}/?unit={unit.pk}")
        urls.append(f"/dot-kiem-tra/cong-khai/{campaign.pk}/widget/{unit.pk}/")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_personal_data(response.content.decode(), people)


def test_board_figures_are_cached_until_something_is_published(client, published, province, province_admin,
                                                               django_assert_max_num_queries):
    """The board's figures are cached per snapshot; a new version, or a snapshot of another campaign (the trend
    chart), is seen at once."""
    campaign, _m, _into, people = published
    url = f"/dot-kiem-tra/cong-khai/{campaign.pk}/?unit={province.pk}"
    client.cookies["hocso_language"] = "en"
    first = client.get(url)
    assert "<dd>3 (75.0% of those with a result)</dd>" in first.content.decode()
    with django_assert_max_num_queries(2):  # the snapshot and the cache key; the figures come from the cache
        again = client.get(url)
    assert again.context["rows"] == first.context["rows"] and again.context["charts"] == first.context["charts"]

    make_attempt(campaign.quiz, people["dung"], percent=100, number=1)
    campaign_publish(actor=province_admin, campaign=campaign)
    body = client.get(url).content.decode()
    assert "<dd>4 (80.0% of those with a result)</dd>" in body and "version 2" in body  # Dũng now sat and passed

    other = campaign.__class__.objects.get(pk=campaign.pk)
    other.pk = None
    other.title = "Quý I/2027"
    other.save()
    campaign_publish(actor=province_admin, campaign=other)
    trend = client.get(url).context["charts"]["trend"]
    assert trend["periods"] == ["Quý IV/2026", "Quý I/2027"]


def test_public_index_lists_published_campaigns_only(client, published, province, province_admin):
    campaign, _m, _into, people = published
    # Another campaign that was never published: not listed. The index needs no login.
    hidden = campaign_create(actor=SYSTEM, title="Quý I/2027 chưa công bố", quiz=campaign.quiz,
                             opens_on=dt.date(2027, 1, 1), closes_on=dt.date(2027, 3, 31),
                             lines=[AudienceLine(unit=province)])
    client.cookies["hocso_language"] = "en"
    response = client.get("/cong-khai/")
    assert response.status_code == 200
    body = response.content.decode()
    snapshot = campaign.snapshots.get()
    assert f'href="/dot-kiem-tra/cong-khai/{campaign.pk}/"' in body and snapshot.period in body
    assert "version 1" in body
    assert f"/dot-kiem-tra/cong-khai/{hidden.pk}/" not in body and hidden.title not in body
    assert_no_personal_data(body, people)
    # Search by period; a period that matches nothing lists nothing.
    assert f"/dot-kiem-tra/cong-khai/{campaign.pk}/" in client.get("/cong-khai/", {"q": "quý iv"}).content.decode()
    empty = client.get("/cong-khai/", {"q": "không có kỳ nào như thế"}).content.decode()
    assert f"/dot-kiem-tra/cong-khai/{campaign.pk}/" not in empty and "No results have been published yet." in empty
    # Re-publishing lists the campaign once, with its newest version.
    campaign_publish(actor=province_admin, campaign=campaign)
    again = client.get("/cong-khai/").content.decode()
    assert again.count(f'href="/dot-kiem-tra/cong-khai/{campaign.pk}/"') == 1 and "version 2" in again


def test_every_page_links_to_the_public_results(client):
    assert 'href="/cong-khai/"' in client.get("/dang-nhap/").content.decode()
