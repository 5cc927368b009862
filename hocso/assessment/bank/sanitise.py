"""HTML from authors and imported files is sanitised before it is stored (nh3, the Rust ammonia cleaner)."""

from __future__ import annotations

import nh3

ALLOWED_TAGS = {
    "p", "br", "b", "strong", "i", "em", "u", "s", "sub", "sup", "ul", "ol", "li", "blockquote", "code", "pre",
    "span", "div", "table", "thead", "tbody", "tr", "th", "td", "img", "a", "h3", "h4", "hr",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}


def _only_images_embed_data(tag: str, attribute: str, value: str) -> str | None:
    # data: URLs carry images embedded by Moodle exports; on a link they could smuggle a page.
    if value.strip().lower().startswith("data:") and not (tag == "img" and attribute == "src"):
        return None
    return value


def clean_html(value: str | None) -> str:
    if not value:
        return ""
    return nh3.clean(
        value, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "data"},
        link_rel="noopener noreferrer", attribute_filter=_only_images_embed_data,
    ).strip()
