"""Writes of the second factor (TOTP, RFC 6238): checking a code (which uses it up), setting an app up, turning it
off. The reads (the device, whether it is required, its QR code) are hocso.identity.totp."""

from __future__ import annotations

import time

import pyotp
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from hocso.core.audit import audit
from hocso.core.permissions import ensure

from ..models import TotpDevice
from ..totp import VALID_WINDOW, device_of, is_required_for


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
