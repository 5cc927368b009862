"""Second factor: time-based one-time codes (RFC 6238) from an authenticator app, through pyotp.

The secret never leaves the server except once, as the QR code the person scans while setting up. A code is
accepted once: the time step it belongs to is remembered, so a code seen over a shoulder cannot be replayed.
"""

from __future__ import annotations

import time

import pyotp
import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from hocso.access.scoping import is_province_admin
from hocso.core.audit import audit
from hocso.core.permissions import ensure

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


def _clean(code: str) -> str:
    return "".join(ch for ch in str(code or "") if ch.isdigit())


def verify(device: TotpDevice, code: str, *, now: float | None = None) -> bool:
    """True once per code: the matching time step must be newer than the last one used."""
    code = _clean(code)
    if len(code) != 6:
        return False
    totp = pyotp.TOTP(device.secret)
    current = totp.timecode(now if now is not None else time.time())
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if step <= device.last_step or not constant_time_compare(totp.generate_otp(step), code):
            continue
        # Conditional update: of two requests racing with the same code, only one moves last_step.
        claimed = TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step)
        if claimed:
            device.last_step = step
            return True
        return False
    return False


@transaction.atomic
def totp_begin(*, user) -> TotpDevice:
    """A fresh secret for setting up an app. A confirmed device is replaced only after the new one is confirmed."""
    device = device_of(user)
    if device is not None and device.is_confirmed:
        raise ValidationError(_("Two-step verification is already on. Turn it off first to use another app."))
    if device is None:
        device = TotpDevice(user=user)
    device.secret = pyotp.random_base32()
    device.last_step = 0
    device.save()
    return device


@transaction.atomic
def totp_confirm(*, user, code: str) -> TotpDevice:
    device = TotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
    if device is None:
        raise ValidationError(_("Start the set-up again: no authenticator app is waiting for confirmation."))
    if not verify(device, code):
        raise ValidationError({"code": [_("That code is not right. Enter the 6 digits the app shows now.")]})
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at"])
    audit(user, "account.totp_enable", user)
    return device


@transaction.atomic
def totp_disable(*, user, code: str) -> None:
    """Turning the second factor off needs a current code, so a session left open is not enough."""
    ensure(not is_required_for(user), _("Province administrators must keep two-step verification on."))
    device = TotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        raise ValidationError(_("Two-step verification is not on."))
    if not verify(device, code):
        raise ValidationError({"code": [_("That code is not right. Enter the 6 digits the app shows now.")]})
    device.delete()
    audit(user, "account.totp_disable", user)
