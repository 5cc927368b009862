"""Join and leave events from the video system, BigBlueButton's `bbb-webhooks` as the documented example.

The hook is registered in BigBlueButton (`hooks/create?callbackURL=<HOCSO_BBB_CALLBACK_URL>`); each event then comes
as a form POST `domain=…&event=[{…}]&timestamp=…`, authenticated either by `?checksum=` — the hex digest
(HOCSO_BBB_CHECKSUM_ALGORITHM, sha1 by default) of the callback URL as registered, the body as sent and the shared
secret — or, with bbb-webhooks' `auth2_0`, by `Authorization: Bearer <secret>`. An event names its meeting by
`external-meeting-id` (a session's `meeting_id`, within an hour of the session's time) and its connection by
`internal-user-id`; a site's own connection joins with the external user ID `diemcau-<site id>`. Events of other
meetings or times, or of other kinds, are acknowledged and ignored. Needs bbb-webhooks 3.x (its checksum covers the
form body; older versions hashed a JSON text instead).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q

from .models import BridgeSite, ProgrammeSession, VideoEvent, VideoEventKind

KINDS = {"user-joined": VideoEventKind.JOINED, "user-left": VideoEventKind.LEFT,
         "meeting-ended": VideoEventKind.ENDED}
SITE_ID = re.compile(r"diemcau-([0-9]{1,12})")
SLACK = dt.timedelta(hours=1)
MAX_EVENTS = 1000  # per callback; bbb-webhooks sends one
MAX_TS = 10**13  # milliseconds: beyond the year 2286
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
        raise Refused(401, "webhook not configured (HOCSO_BBB_WEBHOOK_SECRET)")
    if authorization.startswith("Bearer "):
        if hmac.compare_digest(authorization[7:].encode(), shared.encode()):
            return
        raise Refused(401, "bad bearer token")
    if not callback_url:
        raise Refused(401, "checksum mode needs HOCSO_BBB_CALLBACK_URL, the URL registered in BigBlueButton")
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


def _session_for(meeting: str, at: dt.datetime) -> ProgrammeSession | None:
    """The session of this meeting whose time (an hour either side) holds the event: a meeting ID reused for the
    next session, or a replayed old callback, never lands in the wrong session."""
    return (ProgrammeSession.objects.filter(meeting_id=meeting, starts_at__lte=at + SLACK, ends_at__gte=at - SLACK)
            .order_by("starts_at").first())


def _text(value, limit: int = 200) -> str:
    return value[:limit] if isinstance(value, str) and "\x00" not in value else ""


def receive(events_json: str) -> Received:
    """Store the join, leave and meeting-ended events of known meetings, once each (a retried callback stores
    nothing new). Anything else, or anything malformed, is counted as ignored: the video system retries a 5xx for
    ever, so nothing here may raise but Refused."""
    if "\x00" in events_json:
        raise Refused(400, "NUL in event")
    try:
        events = json.loads(events_json)
    except ValueError:
        raise Refused(400, "event is not JSON") from None
    if not isinstance(events, list):
        raise Refused(400, "event is not a list")
    outcome = Received()
    for item in events[:MAX_EVENTS]:
        if _store(item):
            outcome.stored += 1
        else:
            outcome.ignored += 1
    outcome.ignored += max(0, len(events) - MAX_EVENTS)
    return outcome


def _store(item) -> bool:
    data = item.get("data") if isinstance(item, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return False
    kind = KINDS.get(data["id"])
    attributes, event = data.get("attributes"), data.get("event")
    if kind is None or not isinstance(attributes, dict) or not isinstance(event, dict):
        return False
    meeting_data = attributes.get("meeting")
    meeting = _text(meeting_data.get("external-meeting-id")) if isinstance(meeting_data, dict) else ""
    stamp = event.get("ts")
    if not meeting or not isinstance(stamp, int) or isinstance(stamp, bool) or not 0 < stamp < MAX_TS:
        return False
    at = dt.datetime.fromtimestamp(stamp / 1000, tz=dt.UTC)
    session = _session_for(meeting, at)
    if session is None:
        return False
    site = None
    if kind == VideoEventKind.ENDED:
        connection = ""  # the whole meeting: every connection closes
    else:
        user = attributes.get("user")
        if not isinstance(user, dict):
            return False
        # One connection is one internal user ID (a site that reconnects gets a new one); the site is named by
        # the external user ID it joined with.
        connection = _text(user.get("internal-user-id")) or _text(user.get("external-user-id"))
        external = _text(user.get("external-user-id"))
        if not connection:
            return False
        if (match := SITE_ID.fullmatch(external)) is not None:
            site = BridgeSite.objects.filter(pk=int(match.group(1)),
                                             programme_sites__programme_id=session.programme_id).first()
    try:
        with transaction.atomic():
            VideoEvent.objects.create(session=session, site=site, user_key=connection, kind=kind, at=at)
    except IntegrityError:
        return False  # the same event again
    return True


def connections(session: ProgrammeSession) -> tuple[dict[int, int], int]:
    """{site pk: the site's connections open now}, and every connection open now in the session's meeting: a
    connection whose latest join is after its latest leave and after the meeting last ended."""
    ended = VideoEvent.objects.filter(session=session, kind=VideoEventKind.ENDED).aggregate(at=Max("at"))["at"]
    rows = (VideoEvent.objects.filter(session=session).exclude(kind=VideoEventKind.ENDED).values("user_key")
            .annotate(last_join=Max("at", filter=Q(kind=VideoEventKind.JOINED)),
                      last_leave=Max("at", filter=Q(kind=VideoEventKind.LEFT)),
                      site=Max("site_id")))
    per_site: dict[int, int] = {}
    total = 0
    for row in rows:
        joined = row["last_join"]
        if joined is None or (row["last_leave"] is not None and row["last_leave"] >= joined) or \
                (ended is not None and ended >= joined):
            continue
        total += 1
        if row["site"]:
            per_site[row["site"]] = per_site.get(row["site"], 0) + 1
    return per_site, total
