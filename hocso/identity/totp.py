"""Second factor: time-based one-time codes (RFC 6238) from an authenticator app, through pyotp.

The secret never leaves the server except once, as the QR code the person scans while setting up. A code is
accepted once: the time step it belongs to is remembered, so a code seen over a shoulder cannot be replayed.
"""

from __future__ import annotations

import pyotp
import segno
from django.conf import settings

from hocso.access.scoping import is_province_admin

from .models import TotpDevice

ISSUER_NAME = "Học Số"
# One step either side of now: phone clocks drift, and a code typed at the end of its 30 seconds still counts.
VALID_WINDOW = 1


def device_of(user) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user).first()


def has_confirmed_device(user) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def is_required_for(user) -> bool:
    return bool(settings.HOCSO_TOTP_REQUIRED_FOR_ADMINS) and is_province_admin(user)


def provisioning_uri(device: TotpDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.get_username(), issuer_name=ISSUER_NAME)


def qr_svg(device: TotpDevice) -> str:
    """Inline SVG markup (no image file, nothing sent to a third party)."""
    return segno.make(provisioning_uri(device), error="m").svg_inline(scale=5, border=2, title=ISSUER_NAME)
