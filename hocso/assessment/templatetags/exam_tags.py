"""Template filters of the exam pages."""

from __future__ import annotations

from django import template

from hocso.core.formatting import points

register = template.Library()


@register.filter
def mark(value) -> str:
    """A mark or raw score (hocso.core.formatting.points): 1.500 → "1,5", 2.000 → "2"; nothing for None."""
    return "" if value is None or value == "" else points(value)
