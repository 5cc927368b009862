"""What every API router shares: the session auth, the JSON body parser, the JSON error shape (and its
documentation in the OpenAPI schema), the bounded integer types and page pagination.

Every error leaves the API as {"error": {"code": "...", "message": "...", "details": ...}}, with the
message translated into the request's language (LocaleMiddleware picks it from Accept-Language).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar

import ninja.parser
import ninja.renderers
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf
from pydantic import BeforeValidator

from .input_guard import BIGINT_MAX, BadInput, loads_json_object

logger = logging.getLogger("hocso.api")

_DJANGO_404 = re.compile(r"^No \w+ matches the given query\.$")
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
# Far beyond any list here, and small enough that (page - 1) * page_size stays a valid SQL OFFSET.
MAX_PAGE = 1_000_000

# A database id in a path or a query parameter: declared with its bounds, so the OpenAPI document states them and
# a number beyond bigint is a 422 instead of reaching the database.
Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]


def _json_number(value: Any) -> Any:
    # pydantic would turn true into 1 and "12" into 12; JSON Schema's integer is a number (12.0 included).
    if isinstance(value, (bool, str)):
        raise ValueError("must be a JSON number, not a string or a boolean")
    return value


def json_int(*, ge: int, le: int, description: str | None = None) -> Any:
    """An integer field of a JSON body, bounded: a number with no fraction (12 or 12.0), never true or "12"."""
    return Annotated[int, Field(ge=ge, le=le, description=description), BeforeValidator(_json_number)]


JsonId = json_int(ge=1, le=BIGINT_MAX)


class ApiError(HttpError):
    """An error with a stable machine-readable code; the message should already be translated."""

    def __init__(self, status_code: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(status_code, message)
        self.code = code
        self.details = details


def error_response(status: int, code: str, message: str, details: Any = None) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": code, "message": str(message), "details": details}},
        status=status,
        content_type="application/json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )


# --- The error shape, as documented in the OpenAPI schema ------------------------------------------------------


class ErrorBody(Schema):
    code: str = Field(description='Stable and machine-readable: "not_found", "validation_error", "bad_request", …')
    message: str = Field(description="For people, in Vietnamese unless `Accept-Language: en` is sent.")
    details: Any = Field(None, description=(
        "null, or more about the error: for 422 `validation_error`, a list of "
        '`{"loc": [...], "msg": "...", "type": "..."}`; for 400 `bad_request`, `{"location": "query", "name": "q"}` '
        "(where the bad input was: path, query, form, cookie, header or body)."))


class ErrorOut(Schema):
    error: ErrorBody


ERROR_DESCRIPTIONS = {
    400: "Bad input: a NUL character in the request, or a body that is not a JSON object.",
    401: "No API key and no session, or an API key that is invalid or revoked.",
    403: "Not allowed (or the session's CSRF check failed).",
    404: "Not found, or outside the caller's scope.",
    409: "Not possible in the current state.",
    422: "A parameter or a field of the body is not valid; `details` lists each problem.",
}


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error responses of an operation, for its `response={200: ..., **errors(401, 404)}`: each documented
    with the shared error shape. 400 is always included: any request carrying a NUL is refused
    (hocso.core.middleware.BadInputMiddleware)."""
    return {status: ErrorOut for status in sorted({400, *statuses})}


def _status_code_name(status: int) -> str:
    return {
        400: "bad_request",
        401: "unauthenticated",
        403: "permission_denied",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        422: "validation_error",
        429: "throttled",
    }.get(status, "error" if status < 500 else "server_error")


def _status_message(status: int) -> str:
    # Built on each call so the message is in the request's language.
    messages = {
        400: _("The request could not be read."),
        401: _("Authentication required: sign in or send an API key."),
        403: _("You do not have permission to do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        422: _("The request is not valid."),
        429: _("Too many requests. Try again later."),
    }
    return messages.get(status, _("The request could not be completed."))


# --- Exception handlers (installed on the NinjaAPI by `install_error_handlers`) ---------------------------


class JSONParser(ninja.parser.Parser):
    """Request bodies are strict JSON objects with nothing the database cannot store (a NUL, a lone surrogate):
    anything else is a 400 `bad_request` saying what was wrong (hocso.core.input_guard)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return loads_json_object(request.body)


class JSONRenderer(ninja.renderers.JSONRenderer):
    """UTF-8 JSON: Vietnamese names stay readable instead of \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


def _on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    response = error_response(exc.status_code, exc.code, exc.message, exc.details)
    if exc.status_code == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja's own subclasses (AuthenticationError, AuthorizationError, Throttled) carry fixed English texts:
    # replace them. A plain HttpError keeps its message (raise it with a translated one, or use ApiError).
    if isinstance(exc.__cause__, BadInput):  # ninja wraps what the parser raised in "Cannot parse request body"
        return error_response(400, "bad_request", exc.__cause__.message, exc.__cause__.details)
    status = exc.status_code
    message = exc.message if type(exc) is HttpError and exc.message else _status_message(status)
    response = error_response(status, _status_code_name(status), message)
    if isinstance(exc, AuthenticationError):
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    if isinstance(exc, Throttled) and exc.wait:
        response["Retry-After"] = str(math.ceil(exc.wait))
    return response


def _on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Selectors raise Http404 with a translated sentence ("Unit not found."); anything else gets a generic one.
    # (get_object_or_404's "No Unit matches the given query." is English and names a model: not shown.)
    message = str(exc.args[0]) if exc.args and exc.args[0] else ""
    if _DJANGO_404.match(message):
        message = ""
    return error_response(404, "not_found", message or _status_message(404))


def _on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    message = str(exc) if exc.args else _status_message(403)
    return error_response(403, "permission_denied", message)


def _on_ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    details = [
        {"loc": list(item.get("loc", ())), "msg": item.get("msg", ""), "type": item.get("type", "")}
        for item in exc.errors
    ]
    return error_response(422, "validation_error", _status_message(422), details)


def _on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    details: Any = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return error_response(422, "validation_error", _status_message(422), details)


def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Tell Django's machinery (logging, the test client, error reporters) as if the view had raised.
    got_request_exception.send(sender=None, request=request)
    logger.exception("Unhandled error in %s %s", request.method, request.path)
    if settings.DEBUG:
        raise exc
    return error_response(500, "server_error", _("Something went wrong on our side. Please try again later."))


def install_error_handlers(api) -> None:
    api.add_exception_handler(ApiError, _on_api_error)
    api.add_exception_handler(HttpError, _on_http_error)
    api.add_exception_handler(Http404, _on_not_found)
    api.add_exception_handler(PermissionDenied, _on_permission_denied)
    api.add_exception_handler(NinjaValidationError, _on_ninja_validation)
    api.add_exception_handler(DjangoValidationError, _on_django_validation)
    api.add_exception_handler(Exception, _on_unexpected)


def not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Catch-all for unknown paths under the API prefix, so they too answer in the error shape."""
    return error_response(404, "not_found", _status_message(404))


def json_method_not_allowed(view: Callable) -> Callable:
    """Wrap a ninja path view so a 405 answers in the error shape (ninja returns plain text)."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response.get("Allow", "")
            response = error_response(405, "method_not_allowed", _status_message(405))
            response["Allow"] = allowed
        return response

    wrapped.__dict__.update(getattr(view, "__dict__", {}))  # keeps csrf_exempt and ninja's markers
    return wrapped


# --- Authentication ------------------------------------------------------------------------------------------


class SessionAuth(NinjaSessionAuth):
    """The web UI's session. CSRF is enforced for unsafe methods, but only once someone is signed in,
    so an anonymous POST gets 401 (not a confusing CSRF 403)."""

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise ApiError(403, "csrf_failed", _("The CSRF check failed. Reload the page and try again."))
        return user


def actor_of(request: HttpRequest) -> Any:
    """The authenticated actor: a User (session) or an ApiKey. Selectors take it as `actor=`."""
    return request.auth  # type: ignore[attr-defined]


# --- Pagination ----------------------------------------------------------------------------------------------

ItemT = TypeVar("ItemT")


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page (at most 200).")


class Page(Schema, Generic[ItemT]):
    items: list[ItemT]
    count: int = Field(description="Number of items on all pages.")
    page: int
    page_size: int
    pages: int = Field(description="Number of pages (at least 1).")


def paginate_queryset(
    queryset: QuerySet | Sequence,
    params: PageParams,
    *,
    transform: Callable[[list], list] | None = None,
) -> dict[str, Any]:
    """One COUNT and one page query. `transform` sees only the page's objects (e.g. to add counts)."""
    count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
    pages = max(1, math.ceil(count / params.page_size))
    start = (params.page - 1) * params.page_size
    items = list(queryset[start : start + params.page_size]) if start < count else []
    if transform is not None and items:
        items = transform(items)
    return {"items": items, "count": count, "page": params.page, "page_size": params.page_size, "pages": pages}
