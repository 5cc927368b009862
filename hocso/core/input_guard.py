"""Input the database cannot take, refused where it enters: text with a NUL, JSON that is not an object, integers
beyond their column.

PostgreSQL refuses a NUL character (U+0000) anywhere in text or JSON, and a lone surrogate cannot be encoded as
UTF-8; either one, or an integer beyond the column's type, reached the database as a 500. Django already decodes
the path, query strings and form fields leniently (broken UTF-8 becomes U+FFFD), so a NUL is the only character
those can carry; JSON bodies can carry both through escapes. `hocso.core.middleware.BadInputMiddleware` checks the
path, query parameters, form fields, cookies and headers of every request; `loads_json_object` is the one way the
project reads a JSON body (the API's parser and the hand-written JSON views); the bounds below are the column types'
and are declared in the API's schemas so the OpenAPI document states them.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

SMALLINT_MAX = 32_767  # PostgreSQL smallint (e.g. an answer's slot)
INTEGER_MAX = 2_147_483_647  # integer (e.g. an answer's seq)
BIGINT_MAX = 9_223_372_036_854_775_807  # bigint (primary keys)


class BadInput(ValueError):
    """Input that cannot be read or stored; the message (translated) says what was wrong and what to do."""

    def __init__(self, message: str, *, location: str = "", name: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.location = location  # "path", "query", "form", "cookie", "header" or "body"
        self.name = name

    @property
    def details(self) -> dict[str, str] | None:
        return {"location": self.location, "name": self.name} if self.location else None


def is_storable_text(value: str) -> bool:
    """False when PostgreSQL cannot store `value` as text: it holds a NUL or a lone surrogate (not UTF-8)."""
    if "\x00" in value:
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# One decoder, built once: json.loads with an option builds a new one on every call (twice the cost of a save's body).
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def is_storable_json(value: Any) -> bool:
    """Every key and string in a decoded JSON value can be stored (iterative: no recursion limit to hit)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not is_storable_text(item):
                return False
        elif isinstance(item, dict):
            for key, child in item.items():
                if not is_storable_text(key):
                    return False
                stack.append(child)
        elif isinstance(item, list):
            stack.extend(item)
    return True


def loads_json_object(body: bytes | str) -> dict[str, Any]:
    """Decode a request body that must be a JSON object; BadInput (with a message for the caller) otherwise.

    Refused: text that is not UTF-8, anything that is not strict JSON (NaN and Infinity included), a value that is
    not an object ([], "x", null, 42), and any NUL or lone surrogate in a key or a string (written as \\u0000 or
    \\ud800 escapes, the only way JSON can carry them).
    """
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        data = _DECODER.decode(text)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise BadInput(_("The request body is not valid JSON."), location="body") from None
    if not isinstance(data, dict):
        raise BadInput(_("The request body must be a JSON object ({…})."), location="body")
    # Only an escape can put a NUL or a surrogate into decoded JSON: skip the walk when there is none.
    if "\\u" in text and not is_storable_json(data):
        raise BadInput(
            _("The request body contains a NUL character or text that is not valid Unicode, which cannot be "
              "stored. Remove it and send the JSON again."),
            location="body",
        )
    return data


def nul_message(location: str, name: str = "") -> str:
    """What the caller is told about a NUL character in one part of the request."""
    values = {"name": name, "nul": "NUL (%00)"}
    if location == "path":
        return _("The address contains a %(nul)s character, which is not allowed. "
                 "Check the link and try again.") % values
    if location == "query":
        return _("The query parameter “%(name)s” contains a %(nul)s character, which is not allowed. "
                 "Remove it and try again.") % values
    if location == "form":
        return _("The form field “%(name)s” contains a %(nul)s character, which is not allowed. "
                 "Remove it and send the form again.") % values
    if location == "cookie":
        return _("The cookie “%(name)s” contains a %(nul)s character, which is not allowed. "
                 "Clear this site's cookies and try again.") % values
    return _("The header “%(name)s” contains a %(nul)s character, which is not allowed.") % values


def find_nul(request) -> BadInput | None:
    """The first part of the request that carries a NUL character, as a BadInput to answer with; None if clean.

    Cheap on clean requests: a substring test per value; form bodies are parsed only for form content types
    (as CsrfViewMiddleware would parse them anyway).
    """
    if "\x00" in request.path_info:
        return BadInput(nul_message("path"), location="path", name="")
    parts: list[tuple[str, Any]] = []
    if request.META.get("QUERY_STRING"):
        parts.append(("query", request.GET))
    if request.method == "POST" and request.content_type in ("application/x-www-form-urlencoded",
                                                             "multipart/form-data"):
        parts.append(("form", request.POST))
        if request.FILES:
            for field, files in request.FILES.lists():
                for uploaded in files:
                    if "\x00" in (uploaded.name or ""):
                        return BadInput(nul_message("form", field), location="form", name=field)
    if request.META.get("HTTP_COOKIE"):
        parts.append(("cookie", request.COOKIES))
    for location, data in parts:
        items = data.lists() if hasattr(data, "lists") else ((key, [value]) for key, value in data.items())
        for key, values in items:
            if "\x00" in key or any("\x00" in value for value in values):
                return BadInput(nul_message(location, key.replace("\x00", "\\0")), location=location,
                                name=key.replace("\x00", "\\0"))
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
            name = key[5:].replace("_", "-").title()
            return BadInput(nul_message("header", name), location="header", name=name)
    return None
