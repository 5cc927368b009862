"""BigBlueButton's join and leave events (bbb-webhooks' callback: form body, ?checksum= or a bearer token): only
with the shared secret's proof, once each, shown beside the site's own count on the live board."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from hocso.events.models import ProgrammeSession, VideoEvent
from hocso.events.programme_selectors import board
from hocso.events.programme_services import programme_save, programme_sites_add

pytestmark = pytest.mark.django_db
SECRET = "mysharedsecret"
CALLBACK = "http://testserver/chuong-trinh/webhook/bigbluebutton/"


@pytest.fixture(autouse=True)
def configured(settings):
    settings.HOCSO_BBB_WEBHOOK_SECRET = SECRET
    settings.HOCSO_BBB_CALLBACK_URL = CALLBACK


@pytest.fixture
def session(province_admin, province, site_a, site_b):
    programme = programme_save(actor=province_admin, title="Hội nghị trực tuyến", host_unit=province)
    programme_sites_add(actor=province_admin, programme=programme, sites=[site_a, site_b])
    start = timezone.now()
    return ProgrammeSession.objects.create(programme=programme, title="Khai mạc", starts_at=start,
                                           ends_at=start + dt.timedelta(hours=2), meeting_id="hn-cds-2026")


def _now_ms(minutes: float = 0) -> int:
    return int((timezone.now().timestamp() + 60 * minutes) * 1000)


def _event(kind: str, user: str, ts: int | None = None, meeting: str = "hn-cds-2026", internal: str = "") -> dict:
    # The shape bbb-webhooks posts (example/events/mapped-events.json in its repository).
    return {"data": {"type": "event", "id": kind, "attributes": {
        "meeting": {"internal-meeting-id": "8043c845-1698771157700", "external-meeting-id": meeting},
        "user": {"internal-user-id": internal or f"w_{user}", "external-user-id": user, "name": "Điểm cầu",
                 "role": "VIEWER"}},
        "event": {"ts": ts if ts is not None else _now_ms()}}}


def _post(client, events: list, *, checksum: str | None = None, algorithm: str = "sha1", **headers):
    body = urlencode({"domain": "bbb.thainguyen.gov.vn", "event": json.dumps(events), "timestamp": 1}).encode()
    if checksum is None and "HTTP_AUTHORIZATION" not in headers:
        checksum = hashlib.new(algorithm, CALLBACK.encode() + body + SECRET.encode()).hexdigest()
    url = reverse("events:bbb_webhook") + (f"?checksum={checksum}" if checksum else "")
    return client.post(url, body, content_type="application/x-www-form-urlencoded", **headers)


def test_join_and_leave_events_count_each_sites_connections(client, session, site_a, site_b):
    ts = _now_ms()
    response = _post(client, [_event("user-joined", f"diemcau-{site_a.pk}", ts),
                              _event("user-joined", f"diemcau-{site_b.pk}", ts + 1),
                              _event("user-joined", "w_guest", ts + 2),
                              _event("meeting-created", "x", ts)])
    assert response.status_code == 200 and response.json() == {"stored": 3, "ignored": 1}
    _post(client, [_event("user-left", f"diemcau-{site_b.pk}", ts + 60_000)])
    # Site A's computer drops and reconnects: a new connection joins before the old one is timed out.
    _post(client, [_event("user-joined", f"diemcau-{site_a.pk}", ts + 90_000, internal="w_second")])
    _post(client, [_event("user-left", f"diemcau-{site_a.pk}", ts + 120_000)])
    data = board(session)
    by_site = {s["id"]: s["video"] for s in data["sites"]}
    assert by_site == {site_a.pk: 1, site_b.pk: 0} and data["totals"]["video"] == 2
    # (after the reconnection below, site A still has one connection open: the second one)
    # The video system retries a callback it thinks failed: nothing is counted twice.
    again = _post(client, [_event("user-joined", f"diemcau-{site_a.pk}", ts)])
    assert again.json() == {"stored": 0, "ignored": 1} and VideoEvent.objects.count() == 6
    # The meeting ends: nothing stays open, whatever leave events never came.
    _post(client, [{"data": {"id": "meeting-ended", "attributes": {"meeting": {"external-meeting-id": "hn-cds-2026"}},
                             "event": {"ts": ts + 180_000}}}])
    assert board(session)["totals"]["video"] == 0


def test_without_the_secrets_proof_nothing_is_stored(client, session, site_a, settings):
    events = [_event("user-joined", f"diemcau-{site_a.pk}")]
    assert _post(client, events, checksum="0" * 40).status_code == 401
    assert _post(client, events, checksum="").status_code == 401
    assert _post(client, events, HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert not VideoEvent.objects.exists()
    assert _post(client, events, HTTP_AUTHORIZATION=f"Bearer {SECRET}").status_code == 200
    settings.HOCSO_BBB_CHECKSUM_ALGORITHM = "sha256"
    assert _post(client, [_event("user-left", f"diemcau-{site_a.pk}", _now_ms(1))],
                 algorithm="sha256").status_code == 200
    settings.HOCSO_BBB_WEBHOOK_SECRET = ""  # not configured: refused, whatever is sent
    assert _post(client, [_event("user-left", f"diemcau-{site_a.pk}", _now_ms(2))]).status_code == 401
    settings.HOCSO_BBB_WEBHOOK_SECRET, settings.HOCSO_BBB_CALLBACK_URL = SECRET, ""  # the URL is never guessed
    assert _post(client, [_event("user-left", f"diemcau-{site_a.pk}", _now_ms(3))]).status_code == 401
    assert VideoEvent.objects.count() == 2


@pytest.mark.parametrize("event", [
    "not json", '{"data": 1}', "[1, 2]", json.dumps([{"data": {"id": "user-joined"}}]),
    json.dumps([{"data": {"id": ["user-joined"], "attributes": {}, "event": {}}}]),
    json.dumps([{"data": {"id": "user-joined", "attributes": {"meeting": "x", "user": "y"}, "event": "z"}}]),
    json.dumps([_event("user-joined", "diemcau-²")]), json.dumps([_event("user-joined", "diemcau-1", ts=10**20)]),
    '[{"data": {"id": "user-joined", "event": {"ts": NaN}}}]', json.dumps([_event("user-joined", "a\u0000b")]),
])
def test_odd_payloads_are_answered_not_crashed(client, session, event):
    body = urlencode({"event": event}).encode()
    checksum = hashlib.sha1(CALLBACK.encode() + body + SECRET.encode()).hexdigest()
    response = client.post(reverse("events:bbb_webhook") + f"?checksum={checksum}", body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 400)
    # Nothing malformed is stored; "diemcau-²" is a well-formed join that names no site: a connection of the session.
    assert not VideoEvent.objects.exclude(user_key="w_diemcau-²").exists()
    assert not VideoEvent.objects.exclude(site=None).exists()


def test_an_unknown_meeting_or_a_site_outside_the_programme_is_not_counted(client, session, province):
    from hocso.events.tests.conftest import make_site
    from hocso.tests.factories import make_unit

    elsewhere = make_site(make_unit("Xã Khác", province), "Hội trường xã Khác")
    response = _post(client, [_event("user-joined", "diemcau-1", meeting="another-meeting"),
                              _event("user-joined", f"diemcau-{elsewhere.pk}"),
                              _event("user-joined", "late", _now_ms(60 * 24))])  # the next day: another session's
    assert response.json() == {"stored": 1, "ignored": 2}
    assert VideoEvent.objects.get().site is None  # counted for the session, not for a site
