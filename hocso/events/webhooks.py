"""Join and leave events from the video system, BigBlueButton's `bbb-webhooks` as the documented example.

The hook is registered in BigBlueButton (`hooks/create?callbackURL=<HOCSO_BBB_CALLBACK_URL>`); each event then comes
as a form POST `domain=…&event=[{…}]&timestamp=…`, authenticated either by `?checksum=` — the hex digest
(HOCSO_BBB_CHECKSUM_ALGORITHM, sha1 by default) of the callback URL as registered, the body as sent and the shared
secret — or, with bbb-webhooks' `auth2_0`, by `Authorization: Bearer <secret>`. An event names its meeting by
`external-meeting-id` (a session's `meeting_id`) and its user by `external-user-id`; a site's own connection joins
as `diemcau-<site id>`. Events of other meetings, or of other kinds, are acknowledged and ignored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q

from .models import BridgeSite, ProgrammeSession, VideoEvent, VideoEventKind

KINDS = {"user-joined": VideoEventKind.JOINED, "user-left": VideoEventKind.LEFT}
SITE_PREFIX = "diemcau-"
ALGORITHMS = {"sha1", "sha256", "sha384", "sha512"}


class Refused(Exception):
    """Not from the video system (401), or not an event list at all (400)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def secret() -> str:
    return settings.HOCSO_BBB_WEBHOOK_SECRET


def authenticate(*, callback_url: str, body: bytes, checksum: str, authorization: str) -> None:
    """Refused(401) unless the request carries the shared secret's proof, compared in constant time."""
    shared = secret()
    if not shared:
        raise Refused(401, "webhook not configured")
    if authorization.startswith("Bearer "):
        if hmac.compare_digest(authorization[7:].encode(), shared.encode()):
            return
        raise Refused(401, "bad bearer token")
    algorithm = settings.HOCSO_BBB_CHECKSUM_ALGORITHM
    if algorithm not in ALGORITHMS:
        raise Refused(401, "unknown checksum algorithm")
    expected = hashlib.new(algorithm, callback_url.encode() + body + shared.encode()).hexdigest()
    if not checksum or not hmac.compare_digest(checksum.lower().encode(), expected.encode()):
        raise Refused(401, "bad checksum")


@dataclass
class Received:
    stored: int = 0
    ignored: int = 0


def receive(events_json: str) -> Received:
    """Store the join and leave events of known meetings, once each (a retried callback stores nothing new)."""
    try:
        events = json.loads(events_json)
    except ValueError:
        raise Refused(400, "event is not JSON") from None
    if not isinstance(events, list):
        raise Refused(400, "event is not a list")
    outcome = Received()
    sessions: dict[str, ProgrammeSession | None] = {}
    for item in events:
        data = item.get("data") if isinstance(item, dict) else None
        kind = KINDS.get(data.get("id")) if isinstance(data, dict) else None
        attributes = data.get("attributes") if kind else None
        if not isinstance(attributes, dict):
            outcome.ignored += 1
            continue
        meeting = (attributes.get("meeting") or {}).get("external-meeting-id")
        user = attributes.get("user") or {}
        user_key = str(user.get("external-user-id") or user.get("internal-user-id") or "")[:200]
        stamp = (data.get("event") or {}).get("ts")
        if not isinstance(meeting, str) or not meeting or not user_key or not isinstance(stamp, int | float):
            outcome.ignored += 1
            continue
        if meeting not in sessions:
            sessions[meeting] = ProgrammeSession.objects.filter(meeting_id=meeting).order_by("-starts_at").first()
        session = sessions[meeting]
        if session is None:
            outcome.ignored += 1
            continue
        site = None
        if user_key.startswith(SITE_PREFIX) and user_key[len(SITE_PREFIX):].isdigit():
            site = BridgeSite.objects.filter(pk=int(user_key[len(SITE_PREFIX):]),
                                             programme_sites__programme_id=session.programme_id).first()
        try:
            with transaction.atomic():
                VideoEvent.objects.create(session=session, site=site, user_key=user_key, kind=kind,
                                          at=dt.datetime.fromtimestamp(stamp / 1000, tz=dt.UTC))
            outcome.stored += 1
        except IntegrityError:
            outcome.ignored += 1  # the same event again
    return outcome


def connections(session: ProgrammeSession) -> tuple[dict[int, int], int]:
    """{site pk: the site's connections open now}, and every connection open now in the session's meeting: a user
    whose latest event is a join."""
    latest = (VideoEvent.objects.filter(session=session).values("user_key", "site_id")
              .annotate(last_join=Max("at", filter=Q(kind=VideoEventKind.JOINED)),
                        last_leave=Max("at", filter=Q(kind=VideoEventKind.LEFT))))
    per_site: dict[int, int] = {}
    total = 0
    for row in latest:
        if row["last_join"] is not None and (row["last_leave"] is None or row["last_leave"] < row["last_join"]):
            total += 1
            if row["site_id"]:
                per_site[row["site_id"]] = per_site.get(row["site_id"], 0) + 1
    return per_site, total

