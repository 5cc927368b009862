"""Check-in at a bridge site: the rotating QR code, and the one service every way of checking in goes through.

A code names one session and one site and is signed (Django's TimestampSigner): it cannot be made for another site
or session, and it expires (HOCSO_EVENT_QR_SECONDS, 120 s by default; the screen shows a new one every half of
that). A person checks in once per session whatever the way (the database's constraint): a retry of the same
check-in, at the same site, is answered as a success and counts once; a check-in at another site is refused with
that site's name. Check-in opens an hour before the session and closes half an hour after its start; after the
start it is marked late.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.audit import audit
from hocso.core.cccd import clean_cccd
from hocso.core.permissions import ensure
from hocso.core.phone import PhoneError, normalise_phone
from hocso.people.models import Learner

from .models import BridgeSite, CheckIn, CheckInMethod, ProgrammeSession, SiteSession
from .permissions import can_act_for_site

SALT = "hocso.events.checkin"
OPENS_BEFORE = dt.timedelta(minutes=60)
CLOSES_AFTER_START = dt.timedelta(minutes=30)


def qr_seconds() -> int:
    return settings.HOCSO_EVENT_QR_SECONDS


class CheckInError(Exception):
    """Why a check-in was refused. `code`: expired, invalid, closed, not_found, elsewhere, forbidden."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def token_for(session: ProgrammeSession, site: BridgeSite) -> str:
    return signing.TimestampSigner(salt=SALT).sign(f"{session.pk}.{site.pk}")


def read_token(token: str) -> tuple[ProgrammeSession, BridgeSite]:
    """The session and site a code names, or CheckInError (expired, invalid)."""
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=qr_seconds())
    except signing.SignatureExpired:
        raise CheckInError("expired", _("This code has expired. Scan the code on the screen again.")) from None
    except signing.BadSignature:
        raise CheckInError("invalid", _("This code is not valid.")) from None
    session_pk, _sep, site_pk = value.partition(".")
    session = ProgrammeSession.objects.select_related("programme").filter(pk=int(session_pk)).first()
    site = BridgeSite.objects.select_related("unit").filter(pk=int(site_pk or 0)).first()
    if session is None or site is None or not session.programme.programme_sites.filter(site=site).exists():
        raise CheckInError("invalid", _("This code is not valid."))
    return session, site


def window(session: ProgrammeSession) -> tuple[dt.datetime, dt.datetime]:
    return session.starts_at - OPENS_BEFORE, session.starts_at + CLOSES_AFTER_START


def check_window(session: ProgrammeSession, now: dt.datetime) -> None:
    opens, closes = window(session)
    if now < opens:
        raise CheckInError("closed", _("Check-in opens at %(time)s.") % {
            "time": timezone.localtime(opens).strftime("%H:%M %d/%m/%Y")})
    if now > closes:
        raise CheckInError("closed", _("Check-in for this session closed at %(time)s.") % {
            "time": timezone.localtime(closes).strftime("%H:%M %d/%m/%Y")})


@dataclass
class Outcome:
    check_in: CheckIn
    created: bool  # False: the person had already checked in here (a retry): counted once


def check_in(*, session: ProgrammeSession, site: BridgeSite, learner: Learner, method: str, by=None,
             now: dt.datetime | None = None) -> Outcome:
    """Record `learner` at `site` for `session`: the one write of every way of checking in."""
    now = now or timezone.now()
    check_window(session, now)
    try:
        with transaction.atomic():
            made = CheckIn.objects.create(session=session, site=site, learner=learner, method=method,
                                          checked_at=now, late=now > session.starts_at,
                                          by=by if getattr(by, "pk", None) else None)
    except IntegrityError:
        existing = CheckIn.objects.select_related("site").filter(session=session, learner=learner).first()
        if existing is None:
            raise
        if existing.site_id == site.pk:
            return Outcome(existing, created=False)
        raise CheckInError("elsewhere", _("Already checked in for this session at another site: %(site)s.") % {
            "site": existing.site.name}) from None
    return Outcome(made, created=True)


def find_person(identity: str, *, among: QuerySet[Learner]) -> Learner:
    """The person a CCCD number or a phone number names among `among` (the programme's audience: never a new
    person, nobody outside it); CheckInError if none or several (a phone number shared by two people: ask for the
    CCCD)."""
    text = (identity or "").strip()
    digits = re.sub(r"[\s.\-]", "", text)
    people: list[Learner] = []
    # Twelve digits as typed: a CCCD (clean_cccd would also pad a ten-digit phone number with zeros).
    if len(digits) == 12 and digits.isascii() and digits.isdigit():
        people = list(among.filter(cccd=clean_cccd(digits))[:2])
    else:
        try:
            phone = normalise_phone(text)
        except PhoneError:
            phone = ""
        if phone.startswith("+84"):
            phone = "0" + phone[3:]  # the staff lists keep the national form
        if phone:
            people = list(among.filter(phone=phone)[:2])
    if not people:
        raise CheckInError("not_found", _("No one with this CCCD or phone number is in this programme's audience. "
                                          "Ask the site's coordinator to count you in."))
    if len(people) > 1:
        raise CheckInError("not_found", _("Several people have this phone number: enter your CCCD number."))
    return people[0]


def coordinator_check_in(*, actor: Actor, session: ProgrammeSession, site: BridgeSite, learner: Learner) -> Outcome:
    ensure(can_act_for_site(actor, site),
           _("Only the site's coordinators check people in here."))
    outcome = check_in(session=session, site=site, learner=learner, method=CheckInMethod.LIST, by=actor)
    if outcome.created:
        audit(actor, "programme.check_in", session.programme,
              extra={"session": session.title, "site": site.name, "learner": learner.pk})
    return outcome


@transaction.atomic
def check_in_undo(*, actor: Actor, session: ProgrammeSession, site: BridgeSite, learner: Learner) -> bool:
    """A coordinator takes back a check-in made at their site by mistake."""
    ensure(can_act_for_site(actor, site),
           _("Only the site's coordinators check people in here."))
    deleted, _kinds = CheckIn.objects.filter(session=session, site=site, learner=learner).delete()
    if deleted:
        audit(actor, "programme.check_in_undo", session.programme,
              extra={"session": session.title, "site": site.name, "learner": learner.pk})
    return bool(deleted)


@transaction.atomic
def head_count_set(*, actor: Actor, session: ProgrammeSession, site: BridgeSite, count: int | None) -> SiteSession:
    """Everyone in the room at `site`, named or not (None clears it)."""
    ensure(can_act_for_site(actor, site),
           _("Only the site's coordinators check people in here."))
    if count is not None and not 0 <= count <= 100_000:
        raise CheckInError("invalid", _("The head count is a whole number from 0 to 100,000."))
    state, _created = SiteSession.objects.select_for_update().get_or_create(session=session, site=site)
    before = state.head_count
    state.head_count, state.head_count_at = count, timezone.now()
    state.head_count_by = actor if getattr(actor, "pk", None) else None
    state.save(update_fields=["head_count", "head_count_at", "head_count_by"])
    audit(actor, "programme.head_count", session.programme,
          extra={"session": session.title, "site": site.name, "head_count": [before, count]})
    return state
