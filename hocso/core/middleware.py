from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.defaults import page_not_found

from .api_common import error_response
from .input_guard import BadInput, find_nul, nul_message
from .request_context import client_ip, ip_from_request


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_ip.set(ip_from_request(request))
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)


class LanguageMiddleware:
    """Vietnamese unless the person chose otherwise.

    Pages use the language cookie set by the vi/en switch, else Vietnamese: a browser configured in English
    must not turn a Vietnamese civil-service site English. API clients may also ask with Accept-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
            if request.path_info.startswith("/api/"):
                language = translation.get_language_from_request(request) or language
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response


class BadInputMiddleware:
    """Answer 400 when the path, a query parameter, a form field, a cookie or a header carries a NUL character.

    PostgreSQL cannot store or even compare text holding a NUL, so such input reached the database as a 500 from
    whichever view read it first (a search box, a certificate code, a session cookie). Refused here once, right
    after the language is known and before anything reads the session or the database. The API and the exam's
    answer save get the JSON error shape; pages get a short page in Vietnamese and English (nothing is known yet
    about who is asking). JSON bodies are checked where they are parsed (hocso.core.input_guard.loads_json_object).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = find_nul(request)
        if problem is None:
            return self.get_response(request)
        if wants_json(request):
            return error_response(400, "bad_request", problem.message, problem.details)
        return bad_input_page(problem)


def wants_json(request: HttpRequest) -> bool:
    """The API, and any request that is JSON or asks for it (the exam's answer save, the page scripts' posts)."""
    return (
        request.path_info.startswith("/api/")
        or request.content_type == "application/json"
        or "application/json" in request.headers.get("Accept", "")
    )


def bad_input_page(problem: BadInput) -> HttpResponse:
    """A short page in both languages: the same message from the catalogue, in Vietnamese then in English."""
    messages = {}
    for language in ("vi", "en"):
        with translation.override(language):
            messages[f"message_{language}"] = nul_message(problem.location, problem.name)
    return HttpResponseBadRequest(render_to_string("core/bad_input.html", messages))


class ProductNotFoundMiddleware:
    """In demo mode (DEBUG) too, a page that does not exist or is out of the person's scope answers with Học Số's
    own 404 page in Vietnamese and English, not Django's technical page in English (which also lists every URL
    pattern). Production (DEBUG off) gets that page from Django's handler already; this changes nothing there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code == 404:
            # An address no URL pattern matches: Django answered with its technical page. Other 404s come from
            # views (an Http404, handled below, or the API's own JSON answer) and resolve.
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as exc:
                return page_not_found(request, exc)
        return response

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
