"""Template filters of the published results (public board, widget): one figure as the public may see it."""

from __future__ import annotations

from django import template
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.translation import gettext as _

from hocso.campaigns.disclosure import AUDIENCE, AUDIENCE_FIGURES, RESULTS, SMALL_GROUP

register = template.Library()


@register.filter
def figure(shown: dict, name: str) -> str:
    """`shown` is a PublicRow's shown_total or shown_own. A withheld figure reads as its mark ("< 5" or "*") with
    the reason on hover; a figure about nobody as "—"; any other in the page's number format (54,0)."""
    group = AUDIENCE if name in AUDIENCE_FIGURES else RESULTS
    reason = shown["suppression"][group]
    if reason:
        title = (_("Not published: a group this small could identify people") if reason == SMALL_GROUP
                 else _("Not published: it would let a small group be worked out by subtraction"))
        return format_html('<span class="withheld" title="{}">{}</span>', title, shown[name])
    value = shown.get(name)
    return "—" if value is None else localize(value)
