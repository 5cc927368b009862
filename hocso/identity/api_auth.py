"""API-key authentication for /api/v1: `Authorization: Bearer <key>` or `X-API-Key: <key>`.

A key that is sent but unknown, malformed or revoked is rejected outright (401) rather than falling
through to the session, so an integration notices at once that its key stopped working.
"""

from __future__ import annotations

import re

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyHeader, HttpBearer

from hocso.core.api_common import ApiError

from .models import ApiKey, hash_api_key
from .services import api_key_touch

# hs_<8 hex>_<token_urlsafe(32)>; the secret may itself contain "_" and "-".
RAW_KEY_RE = re.compile(r"^hs_([0-9a-f]{8})_([A-Za-z0-9_-]{20,100})$")


def _invalid_key() -> ApiError:
    return ApiError(401, "invalid_api_key", _("The API key is not valid or has been revoked."))


def authenticate_api_key(raw_key: str | None) -> ApiKey | None:
    """The active key for `raw_key`; None when no key was sent; ApiError(401) for a bad or revoked key."""
    raw_key = (raw_key or "").strip()
    if not raw_key:
        return None
    match = RAW_KEY_RE.match(raw_key)
    if match is None:
        raise _invalid_key()
    # Looked up by its hash (unique index): the raw key is never stored, and the prefix must agree too.
    key = ApiKey.objects.select_related("unit").filter(key_hash=hash_api_key(raw_key)).first()
    if key is None or key.prefix != match.group(1) or not key.is_active:
        raise _invalid_key()
    api_key_touch(key)
    return key


class ApiKeyBearer(HttpBearer):
    """Authorization: Bearer hs_…"""

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        if not token.strip():
            raise _invalid_key()
        return authenticate_api_key(token)


class ApiKeyHeader(APIKeyHeader):
    """X-API-Key: hs_…"""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiKey | None:
        if key is not None and not key.strip():  # the header was sent, empty: a key that is not valid
            raise _invalid_key()
        return authenticate_api_key(key)
