"""Phone numbers as people write them in forms and spreadsheets: "0912 345 678", "091.234.5678", "+84 912345678",
or 912345678 where Excel dropped the leading zero. Stored as digits with an optional leading "+"."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .text import is_digits

_SEPARATORS = re.compile(r"[\s.\-()]")


class PhoneError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalise_phone(text: str) -> str:
    """The number's digits (and a leading +); "" for an empty text; PhoneError with a message for anything else."""
    text = _SEPARATORS.sub("", text or "")
    if not text:
        return ""
    prefix, digits = ("+", text[1:]) if text.startswith("+") else ("", text)
    if not is_digits(digits):
        raise PhoneError(_("A phone number has only digits (and a leading +)."))
    if not prefix and len(digits) == 9 and digits[0] != "0":
        digits = "0" + digits  # the leading zero Excel drops from numbers
    if not 8 <= len(digits) <= 15:
        raise PhoneError(_("A phone number has 10 digits, e.g. 0912345678."))
    return prefix + digits
