"""QR check-in codes: a session's time-limited signed token, shown on the screen in the room and scanned by the
learners (`services.check_in` records the attendance)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

from ..models import Session

CHECKIN_SALT = "hocso.training.checkin"


def checkin_max_age() -> int:
    """Seconds a displayed QR code stays valid; the code page refreshes well before that."""
    return int(getattr(settings, "HOCSO_CHECKIN_TOKEN_SECONDS", 300))


class CheckinError(Exception):
    """Why a check-in was refused; `code` (expired, invalid, not_enrolled, already) picks the page's status."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def checkin_token(session: Session) -> str:
    return signing.TimestampSigner(salt=CHECKIN_SALT).sign(str(session.pk))


def session_for_token(token: str) -> Session:
    signer = signing.TimestampSigner(salt=CHECKIN_SALT)
    try:
        value = signer.unsign(token, max_age=checkin_max_age())
    except signing.SignatureExpired as exc:
        raise CheckinError("expired", _("This code has expired. Scan the code on the screen again.")) from exc
    except signing.BadSignature as exc:
        raise CheckinError("invalid", _("This code is not valid.")) from exc
    session = Session.objects.select_related("klass__course").filter(pk=int(value)).first()
    if session is None:
        raise CheckinError("invalid", _("This code is not valid."))
    return session
