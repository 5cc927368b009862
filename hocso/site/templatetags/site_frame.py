"""base.html's frame as a few tags (the markup is built in hocso.site.frame)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from .. import frame

register = template.Library()


def _fixed(context):
    # The language's fixed parts, looked up once per page rather than once per tag.
    render_context = context.render_context
    fixed = render_context.get("hocso_frame")
    if fixed is None:
        fixed = render_context["hocso_frame"] = frame.fixed()
    return fixed


@register.simple_tag(takes_context=True)
def frame_text(context, which: str) -> SafeString:
    return frame.text(_fixed(context), which)


@register.simple_tag(takes_context=True)
def frame_head(context) -> SafeString:
    return _fixed(context).head


@register.simple_tag(takes_context=True)
def frame_top(context) -> SafeString:
    return frame.top(_fixed(context), user=context.get("user"), csrf_token=context.get("csrf_token"))


@register.simple_tag(takes_context=True)
def frame_menu(context) -> SafeString:
    return frame.menu(user=context.get("user"), request=context.get("request"))


@register.simple_tag(takes_context=True)
def frame_rest(context) -> SafeString:
    return frame.rest(_fixed(context), user=context.get("user"), csrf_token=context.get("csrf_token"),
                      request=context.get("request"))


@register.simple_tag(takes_context=True)
def frame_footer(context) -> SafeString:
    return _fixed(context).footer


@register.simple_tag(takes_context=True)
def frame_document(context) -> SafeString:
    """The whole page (page.html) from the view's `page_title`, `page_head`, `page_breadcrumbs`, `page_parts`
    and `page_menu` (shown unless False)."""
    return frame.document(
        request=context.get("request"), user=context.get("user"), csrf_token=context.get("csrf_token"),
        messages=context.get("messages"), title=context.get("page_title"), head=context.get("page_head", ""),
        breadcrumbs=context.get("page_breadcrumbs", ""), parts=context.get("page_parts", ()),
        with_menu=context.get("page_menu", True) is not False,
    )
