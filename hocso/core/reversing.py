"""`reverse()` for the pages the whole province opens at once, with each URL's text worked out once per worker.

Django's `reverse` walks the resolver's dictionaries and the pattern's converters on every call (three language
look-ups and a regular-expression check each): five of them were a sixth of the exam page's Python time at the
start of an exam. Here the text of a named URL is reversed once, for a marker standing in for the one integer
argument, under the same script prefix, URLconf and language, and the real id is put in its place.
"""

from __future__ import annotations

import functools

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# Stands in for the id in the kept text: longer than any id a table will reach, and unlike anything a route's
# literal text contains.
_MARK = "987654321987654321"


def reverse_id(viewname: str, object_id: int | None = None) -> str:
    """`reverse(viewname)` or `reverse(viewname, args=[object_id])` for a route with one integer argument."""
    text = _text(viewname, object_id is not None, get_script_prefix(), get_urlconf(), get_language())
    if object_id is None:
        return text
    return text.replace(_MARK, str(int(object_id)))


@functools.lru_cache(maxsize=512)
def _text(viewname: str, with_id: bool, prefix: str, urlconf: str | None, language: str | None) -> str:
    # prefix, urlconf and language are only the cache's key: reverse() reads the same values itself.
    text = reverse(viewname, args=[int(_MARK)]) if with_id else reverse(viewname)
    if with_id and text.count(_MARK) != 1:
        raise ValueError(f"{viewname}: not a route with one integer argument")
    return text
