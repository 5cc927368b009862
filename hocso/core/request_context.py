"""The current request's client address, for the audit log, without passing requests into services."""

from __future__ import annotations

from contextvars import ContextVar

client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)


def ip_from_request(request) -> str | None:
    # Behind nginx the real client is the first X-Forwarded-For hop; trust it only when configured.
    from django.conf import settings

    if getattr(settings, "HOCSO_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None
