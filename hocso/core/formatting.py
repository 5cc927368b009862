"""Numbers and dates as people read them, in the active language: the one place they are formatted.

Vietnamese (the default): 2.500 people, 68,1%, a score of 7,5, 30/09/2026, 30/09/2026 14:05. English: 2,500,
68.1%, 7.5, the same day-first dates (the province's documents are dated that way in both languages).
Templates use the filters of `{% load formatting %}` (hocso/core/templatetags/formatting.py); Python code that
writes display text (PDFs, export display columns, chart labels sent as data) calls these functions. Every rate
and score has one decimal, a mark (points) at most two without trailing zeros, every count a thousands separator;
None is an em dash.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats, numberformat, timezone

MISSING = "—"
DATE = "d/m/Y"
DATE_TIME = "d/m/Y H:i"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def number(value, decimals: int = 0) -> str:
    """A count or amount with the language's thousands and decimal separators, rounded half up."""
    amount = _decimal(value)
    if amount is None:
        return MISSING
    amount = amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if amount == 0:
        amount = abs(amount)  # no "-0,0"
    # Django's Vietnamese locale has the separators but no grouping: groups of three are said here.
    return numberformat.format(amount, formats.get_format("DECIMAL_SEPARATOR"), decimal_pos=decimals, grouping=3,
                               thousand_sep=formats.get_format("THOUSAND_SEPARATOR"), force_grouping=True)


def percent(value) -> str:
    """A rate already in percent (68.125 -> "68,1%")."""
    shown = number(value, 1)
    return shown if shown == MISSING else f"{shown}%"


def score(value) -> str:
    """A score or an average score: one decimal."""
    return number(value, 1)


def points(value) -> str:
    """A mark or raw score (points, not a percentage): at most two decimals, no trailing zeros (1,5; 2; 0,33)."""
    amount = _decimal(value)
    if amount is None:
        return MISSING
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    places = 0 if amount == amount.to_integral() else -amount.normalize().as_tuple().exponent
    return number(amount, places)


def day(value: dt.date | dt.datetime | None) -> str:
    """dd/mm/yyyy; a date-time is first put in the province's time zone."""
    if value is None:
        return MISSING
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, DATE)


def moment(value: dt.datetime | None) -> str:
    """dd/mm/yyyy hh:mm in the province's time zone."""
    if value is None:
        return MISSING
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, DATE_TIME)
