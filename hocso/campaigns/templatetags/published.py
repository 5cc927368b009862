"""Template filters of the published results (public board, widget): one figure as the public may see it."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from hocso.campaigns.disclosure import AUDIENCE, AUDIENCE_FIGURES, RESULTS, SMALL_GROUP
from hocso.core.formatting import number, score

register = template.Library()


@register.filter
def figure(shown: dict, name: str) -> str:
    """`shown` is a PublicRow's shown_total or shown_own. A withheld figure reads as its mark ("< 5" or "*") with
    the reason on hover; a figure about nobody as "—"; a rate as 54,0 (its heading says %), a mean or median as
    71,6, a count as 1.474 (hocso.core.formatting)."""
    group = AUDIENCE if name in AUDIENCE_FIGURES else RESULTS
    reason = shown["suppression"][group]
    if reason:
        title = (_("Not published: a group this small could identify people") if reason == SMALL_GROUP
                 else _("Not published: it would let a small group be worked out by subtraction"))
        return format_html('<span class="withheld" title="{}">{}</span>', title, shown[name])
    value = shown.get(name)
    if name.endswith("_rate"):
        return number(value, 1)  # under a "(%)" heading
    return score(value) if name in ("mean", "median") else number(value)
