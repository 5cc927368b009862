"""Citizen identity card numbers (CCCD, 12 digits) validated by structure.

Layout (Circular 07/2016/TT-BCA, kept by Circular 59/2021/TT-BCA):
  digits 1-3  province code where the birth was registered (001 Hà Nội … 096 Cà Mau, the 63 old provinces)
  digit 4     century and gender: 0/1 = 20th century male/female, 2/3 = 21st, 4/5 = 22nd, 6/7 = 23rd, 8/9 = 24th
  digits 5-6  last two digits of the year of birth
  digits 7-12 random
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .text import is_digits

PROVINCE_CODES = frozenset(
    {
        "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020",
        "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038",
        "040", "042", "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060",
        "062", "064", "066", "067", "068", "070", "072", "074", "075", "077", "079", "080", "082",
        "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096",
    }
)  # fmt: skip

_DIGITS = re.compile(r"^\d{12}$")
MALE, FEMALE = "M", "F"


def clean_cccd(value: str | int | None) -> str:
    """Strip spaces and dots; restore leading zeros lost when Excel stored the number as a number."""
    if value is None:
        return ""
    text = re.sub(r"[\s.\-]", "", str(value))
    if is_digits(text) and 9 <= len(text) < 12:
        text = text.zfill(12)
    return text


def century_gender_digit(birth_date: date, gender: str) -> int:
    century_index = (birth_date.year // 100) - 19  # 1900s -> 0, 2000s -> 1
    return century_index * 2 + (1 if gender == FEMALE else 0)


def validate_cccd(value: str, *, birth_date: date | None = None, gender: str | None = None) -> str:
    """Return the cleaned number or raise ValidationError listing every problem found."""
    number = clean_cccd(value)
    if not _DIGITS.match(number):
        raise ValidationError(_("A CCCD number must have exactly 12 digits."), code="cccd_format")
    errors = []
    if number[:3] not in PROVINCE_CODES:
        errors.append(
            ValidationError(
                _("The first three digits (%(code)s) are not a province code.") % {"code": number[:3]},
                code="cccd_province",
            )
        )
    if birth_date is not None:
        if int(number[4:6]) != birth_date.year % 100:
            errors.append(
                ValidationError(
                    _("Digits 5-6 (%(yy)s) do not match the year of birth %(year)s.")
                    % {"yy": number[4:6], "year": birth_date.year},
                    code="cccd_year",
                )
            )
        century_index = (birth_date.year // 100) - 19
        digit = int(number[3])
        if digit // 2 != century_index:
            errors.append(
                ValidationError(
                    _("Digit 4 (%(digit)s) does not match the century of birth %(year)s.")
                    % {"digit": digit, "year": birth_date.year},
                    code="cccd_century",
                )
            )
        elif gender in (MALE, FEMALE) and digit % 2 != (1 if gender == FEMALE else 0):
            errors.append(
                ValidationError(
                    _("Digit 4 (%(digit)s) does not match the gender.") % {"digit": digit},
                    code="cccd_gender",
                )
            )
    if errors:
        raise ValidationError(errors)
    return number


def mask_cccd(number: str | None) -> str:
    """'019085001234' -> '019*******34': enough to tell people apart, not enough to misuse."""
    if not number:
        return ""
    if len(number) < 6:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 5) + number[-2:]
