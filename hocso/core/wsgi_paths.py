"""Serve a few hot paths through a Django handler with a short middleware list.

The exam's answer save is the busiest request of the year: every learner saves an answer every minute or so. It is
authorised by the attempt's token, not the session (see hocso.assessment.exam.views.save), so the session,
authentication, CSRF, messages, sign-in gate, static files and lock-out middleware have nothing to do for it, yet
running them cost about a third of the request's CPU. Requests to these paths go to a second handler that keeps only
the security headers, the Host check, the language (error messages are translated) and the refusal of a NUL
character in the request; everything else goes through the full stack.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.urls import get_resolver

LEAN_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "hocso.core.security.SecurityHeadersMiddleware",
    "django.middleware.common.CommonMiddleware",  # validates the Host header against ALLOWED_HOSTS
    "hocso.core.middleware.LanguageMiddleware",
    "hocso.core.middleware.BadInputMiddleware",  # the same refusal of a NUL as on every other path
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)


class LeanHandler(WSGIHandler):
    """A Django WSGI handler whose middleware list is given instead of read from settings.MIDDLEWARE, and whose
    paths are resolved once: walking the project's URL patterns cost ~4 % of a save's CPU."""

    def __init__(self, middleware: Iterable[str], paths: Iterable[str] = ()):
        self.middleware_paths = list(middleware)
        super().__init__()
        # Exact paths without parameters, so one ResolverMatch serves every request to each.
        self.matches = {path: get_resolver().resolve(path) for path in paths}

    def resolve_request(self, request):
        match = self.matches.get(request.path_info)
        if match is None:
            return super().resolve_request(request)
        request.resolver_match = match
        return match

    def load_middleware(self, is_async: bool = False) -> None:
        # BaseHandler.load_middleware reads settings.MIDDLEWARE; lend it our list while it builds the chain
        # (at start-up, before any request).
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = self.middleware_paths
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


class PathDispatcher:
    """The WSGI application: `lean_paths` (exact paths) go to the lean handler, everything else to `full`.

    `front` wraps the lean handler of some of those paths in an application of their own, which answers what it can
    and hands the rest to the lean handler (the answer save: hocso.assessment.exam.views.save_wsgi)."""

    def __init__(self, full, lean_paths: Iterable[str], lean_middleware: Iterable[str] = LEAN_MIDDLEWARE,
                 front: Mapping[str, Callable] | None = None):
        self.full = full
        self.lean_paths = frozenset(lean_paths) | frozenset(front or ())
        self.lean = LeanHandler(lean_middleware, self.lean_paths)
        self.apps = {path: self.lean for path in self.lean_paths}
        for path, wrap in (front or {}).items():
            self.apps[path] = wrap(self.lean)

    def __call__(self, environ, start_response):
        return self.apps.get(environ.get("PATH_INFO", ""), self.full)(environ, start_response)
