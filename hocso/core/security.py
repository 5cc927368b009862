"""Security headers the framework does not set: Content-Security-Policy (with a per-request nonce) and
Permissions-Policy; plus `frameable`, the one way for a view (the public widget) to be shown in other sites' frames.

Django's SecurityMiddleware already sends HSTS (production settings), X-Content-Type-Options, Referrer-Policy and
Cross-Origin-Opener-Policy; XFrameOptionsMiddleware sends X-Frame-Options: DENY.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.clickjacking import xframe_options_exempt

CSP_HEADER = "Content-Security-Policy"
FRAMEABLE_ATTR = "hocso_frameable"


def frameable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let other sites embed this view in a frame (no X-Frame-Options; CSP frame-ancestors from the settings).

    Only for public pages meant to be embedded, such as the results widget: never for a page with forms or
    personal data, which a hostile page could overlay (clickjacking).
    """

    @wraps(view)
    def wrapper(*args, **kwargs) -> HttpResponse:
        response = view(*args, **kwargs)
        setattr(response, FRAMEABLE_ATTR, True)
        return response

    return xframe_options_exempt(wrapper)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy(nonce: str, *, frameable: bool = False) -> str:
    # Forms post to this site only, and to the sign-in provider: Chrome applies form-action to the redirect
    # that follows a form post, and signing out redirects to the provider's logout endpoint.
    form_action = ["'self'"]
    provider = _origin(getattr(settings, "OIDC_ISSUER", ""))
    if provider:
        form_action.append(provider)
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": " ".join(form_action),
        "frame-ancestors": settings.HOCSO_WIDGET_FRAME_ANCESTORS if frameable else "'none'",
    }
    policy = "; ".join(f"{name} {value}" for name, value in directives.items())
    if getattr(settings, "SECURE_SSL_REDIRECT", False):
        policy += "; upgrade-insecure-requests"
    if settings.HOCSO_CSP_REPORT_URI:
        policy += f"; report-uri {settings.HOCSO_CSP_REPORT_URI}"
    return policy


class SecurityHeadersMiddleware:
    """Give each request a CSP nonce (`request.csp_nonce`, for the rare inline <script nonce="…">) and send
    the policy. A response that sets its own Content-Security-Policy keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if CSP_HEADER not in response:
            response[CSP_HEADER] = content_security_policy(
                request.csp_nonce, frameable=getattr(response, FRAMEABLE_ATTR, False)
            )
        response.headers.setdefault("Permissions-Policy", settings.HOCSO_PERMISSIONS_POLICY)
        return response
