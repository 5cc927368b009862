"""base.html's frame as a few tags (the markup is built in hocso.site.frame)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from .. import frame

register = template.Library()


@register.simple_tag
def frame_text(which: str) -> SafeString:
    return frame.text(which)


@register.simple_tag
def frame_head() -> SafeString:
    return frame.head()


@register.simple_tag(takes_context=True)
def frame_top(context) -> SafeString:
    return frame.top(user=context.get("user"), csrf_token=context.get("csrf_token"))


@register.simple_tag(takes_context=True)
def frame_menu(context) -> SafeString:
    return frame.menu(user=context.get("user"), request=context.get("request"))


@register.simple_tag(takes_context=True)
def frame_rest(context) -> SafeString:
    return frame.rest(user=context.get("user"), csrf_token=context.get("csrf_token"), request=context.get("request"))


@register.simple_tag
def frame_footer() -> SafeString:
    return frame.footer()
