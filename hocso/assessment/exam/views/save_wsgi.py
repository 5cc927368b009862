"""The answer save as a bare WSGI application in front of Django's handler: the exam's busiest request, answered
without building a Django request or response when nothing about it needs them.

A save that is well formed and stored is answered here: the body read once, the one SQL statement of
`answer_save`, a JSON reply with the same headers the lean Django handler sends (hocso.core.wsgi_paths; a test
compares the two). Everything else goes to that handler unchanged (the body put back as it was): a refusal (its
message in the learner's language), a database error (Django's handling and logging), a query string, a NUL in a
header, a host or scheme Django has not accepted, a body that is not a JSON object. For a refusal the statement
runs a second time there; it changed nothing the first time, so the answer is the same.

Building the request, the middleware chain and the response was ~70 % of a save's Python work, which made a save
cost ~1.5 × a `/healthz` request on exam day (issue 14); answered here it costs less than one.
"""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core import signals
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.http.cookie import parse_cookie

from hocso.core.input_guard import BadInput, loads_json_object
from hocso.core.security import content_security_policy

from ..services.save import MAX_RESPONSE_BYTES, answer_save

# A save's body is a slot, a sequence number and a response of at most MAX_RESPONSE_BYTES: more goes to Django.
MAX_BODY_BYTES = MAX_RESPONSE_BYTES + 1024
# The request's parts that decide its host (ALLOWED_HOSTS) and whether it is secure (HTTPS, or the proxy's header).
_ORIGIN_KEYS = ("HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "wsgi.url_scheme", "HTTP_X_FORWARDED_HOST",
                "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PROTO")
_MAX_ORIGINS = 64  # a server sees a handful; a client inventing Host headers must not grow the memory

StartResponse = Callable[..., object]
WSGIApp = Callable[[dict, StartResponse], Iterable[bytes]]


class AnswerSaveApp:
    """WSGI application for the answer save's path; `django` is the handler that answers everything else."""

    def __init__(self, django: WSGIApp):
        self.django = django
        self._origins: dict[tuple, bool | None] = {}  # origin → is it secure (None: Django must answer)
        self._headers: dict[tuple[bool, str], tuple[list[tuple[str, str]], str, str]] = {}
        self._languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        reply = self._save(environ)
        if reply is None:
            return self.django(environ, start_response)
        start_response("200 OK", reply[0])
        return [reply[1]]

    def _save(self, environ: dict) -> tuple[list[tuple[str, str]], bytes] | None:
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("QUERY_STRING"):
            return None
        secure = self._secure(environ)
        if secure is None:
            return None
        token = environ.get("HTTP_X_ATTEMPT_TOKEN")
        # Django refuses a NUL in any header (hocso.core.middleware.BadInputMiddleware): let it.
        if not token or any("\x00" in value for key, value in environ.items()
                            if key.startswith("HTTP_") and isinstance(value, str)):
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if not 0 < length <= MAX_BODY_BYTES:
            return None
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)  # for Django, should it answer after all
        try:
            data = loads_json_object(body)  # an object with no NUL, else BadInput
            slot, seq, response = data["slot"], data["seq"], data["response"]
        except (BadInput, KeyError):
            return None
        try:
            result = answer_save(token=token, slot=slot, response=response, seq=seq)
        except Exception:  # refused (ExamError) or failed: Django answers, in the learner's language
            return None
        finally:
            # What Django does when a request finishes: a broken or expired database connection is closed.
            signals.request_finished.send(sender=self.__class__)
        payload = json.dumps({"ok": True, "slot": result.slot, "seq": result.seq,
                              "saved_at": result.saved_at.isoformat()}).encode()
        return self._response_headers(environ, secure, len(payload)), payload

    def _secure(self, environ: dict) -> bool | None:
        """Whether the request is secure, if Django accepts its host and would not redirect it; None otherwise.
        Decided by Django itself (HttpRequest.get_host, is_secure) once per origin."""
        origin = tuple(environ.get(key) for key in _ORIGIN_KEYS)
        if origin in self._origins:
            return self._origins[origin]
        request = WSGIRequest({**environ, "wsgi.input": io.BytesIO(), "CONTENT_LENGTH": "0"})
        try:
            request.get_host()
            secure: bool | None = request.is_secure()
        except DisallowedHost:  # Django answers with a 400
            secure = None
        if secure is False and settings.SECURE_SSL_REDIRECT:
            secure = None  # SecurityMiddleware redirects it to HTTPS
        if len(self._origins) < _MAX_ORIGINS:
            self._origins[origin] = secure
        return secure

    def _language(self, environ: dict) -> str:
        # As hocso.core.middleware.LanguageMiddleware decides for a page (the save is not under /api/).
        cookies = environ.get("HTTP_COOKIE", "")
        if settings.LANGUAGE_COOKIE_NAME in cookies:
            language = parse_cookie(cookies).get(settings.LANGUAGE_COOKIE_NAME)
            if language in self._languages:
                return language
        return settings.LANGUAGE_CODE

    def _response_headers(self, environ: dict, secure: bool, length: int) -> list[tuple[str, str]]:
        """The headers the lean Django handler's middleware would add to this JSON reply."""
        key = (secure, self._language(environ))
        if key not in self._headers:
            self._headers[key] = _static_headers(*key)
        headers, policy_start, policy_end = self._headers[key]
        nonce = secrets.token_urlsafe(16)  # a fresh one, as SecurityHeadersMiddleware gives every response
        return [*headers, ("Content-Security-Policy", f"{policy_start}{nonce}{policy_end}"),
                ("Content-Length", str(length))]


def _static_headers(secure: bool, language: str) -> tuple[list[tuple[str, str]], str, str]:
    """The reply's headers but the CSP nonce and the length, from the same settings as the middleware in
    hocso.core.wsgi_paths.LEAN_MIDDLEWARE: Django's SecurityMiddleware, SecurityHeadersMiddleware,
    LanguageMiddleware and XFrameOptionsMiddleware (CommonMiddleware adds nothing to a 200)."""
    headers = [("Content-Type", "application/json")]
    if secure and settings.SECURE_HSTS_SECONDS:
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            hsts += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            hsts += "; preload"
        headers.append(("Strict-Transport-Security", hsts))
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        policy = settings.SECURE_REFERRER_POLICY
        values = [v.strip() for v in policy.split(",")] if isinstance(policy, str) else policy
        headers.append(("Referrer-Policy", ",".join(values)))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    headers.append(("Permissions-Policy", settings.HOCSO_PERMISSIONS_POLICY))
    headers.append(("Content-Language", language))
    headers.append(("Vary", "Cookie, Accept-Language"))
    headers.append(("X-Frame-Options", settings.X_FRAME_OPTIONS.upper()))
    marker = secrets.token_hex(16)
    policy_start, policy_end = content_security_policy(marker).split(marker)
    return headers, policy_start, policy_end
