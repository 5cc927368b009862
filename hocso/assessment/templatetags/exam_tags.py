"""Template filters of the learner's exam pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def mark(value) -> str:
    """A mark or score without trailing zeros, in the page's number format: 1.500 → "1,5" (vi), 2.000 → "2"."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    number = number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()
    return number_format(number)
