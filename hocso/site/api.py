"""The public API: /api/v1 with OpenAPI at /api/v1/openapi.json and docs at /api/v1/docs.

Each app contributes a ninja Router from its own `api.py`; this module mounts them, installs the shared
authentication (API key or session) and the JSON error shape, and serves the Swagger UI offline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ninja
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template import Context, Template
from django.urls import URLPattern, path, re_path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.static import serve
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from hocso.assessment.api import router as assessment_router
from hocso.campaigns.api import router as campaigns_router
from hocso.core.api_common import (
    ERROR_DESCRIPTIONS,
    JSONParser,
    JSONRenderer,
    SessionAuth,
    install_error_handlers,
    json_method_not_allowed,
    not_found_view,
)
from hocso.events.api import router as events_router
from hocso.identity.api_auth import ApiKeyBearer, ApiKeyHeader
from hocso.org.api import router as org_router
from hocso.people.api import router as people_router
from hocso.training.api import router as training_router

# Swagger UI ships inside the django-ninja wheel; serving it from there keeps the docs working offline
# without a CDN and without requiring "ninja" in INSTALLED_APPS (and collectstatic) for its static files.
_NINJA_STATIC = Path(ninja.__file__).resolve().parent / "static" / "ninja"
_DOCS_ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png"})

_SWAGGER_PAGE = Template(
    """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ title }}</title>
  <link rel="icon" type="image/png" href="{{ assets.favicon }}">
  <link rel="stylesheet" href="{{ assets.css }}">
</head>
<body data-csrf-token="{{ csrf_token }}" data-api-csrf="true">
  <script type="application/json" id="swagger-settings">{{ settings_json|safe }}</script>
  <div id="swagger-ui"></div>
  <script src="{{ assets.bundle }}"></script>
  <script src="{{ assets.init }}"></script>
</body>
</html>"""
)


class OfflineSwagger(Swagger):
    """ninja's Swagger UI page, with its scripts and styles served by this API instead of a CDN."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        version = ninja.__version__

        def asset(name: str) -> str:
            return reverse(f"{api.urls_namespace}:docs-asset", kwargs={"name": name}) + f"?v={version}"

        context = {
            "lang": getattr(request, "LANGUAGE_CODE", "vi"),
            "title": api.title,
            "csrf_token": get_token(request),
            # "</" inside a JSON <script> block could close it early.
            "settings_json": json.dumps(settings).replace("</", "<\\/"),
            "assets": {
                "css": asset("swagger-ui.css"),
                "bundle": asset("swagger-ui-bundle.js"),
                "init": asset("swagger-ui-init.js"),
                "favicon": asset("favicon.png"),
            },
        }
        return HttpResponse(_SWAGGER_PAGE.render(Context(context)))


def docs_asset(request: HttpRequest, name: str) -> HttpResponse:
    if name not in _DOCS_ASSETS:
        raise Http404(name)
    response = serve(request, name, document_root=str(_NINJA_STATIC))
    response["Cache-Control"] = "public, max-age=86400"
    return response


class HocsoAPI(NinjaAPI):
    def _get_urls(self) -> list:
        urls = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern) and pattern.name == "api-root":
                continue  # replaced by api_index below
            if isinstance(pattern, URLPattern) and pattern.name not in {"openapi-json", "openapi-view"}:
                pattern.callback = json_method_not_allowed(pattern.callback)
            urls.append(pattern)
        return [
            *urls,
            path("docs/assets/<str:name>", docs_asset, name="docs-asset"),
            path("", self.api_index, name="api-root"),
            re_path(r"^.*$", not_found_view, name="not-found"),
        ]

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> dict:
        # ninja describes every response by its HTTP phrase ("Unauthorized"); say what each error means here.
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                # An optional body (`payload: X | None = None`) is documented by ninja as "X or null"; the parser
                # takes JSON objects only (hocso.core.api_common.JSONParser), so say "X, or no body at all".
                for content in operation.get("requestBody", {}).get("content", {}).values():
                    options = content.get("schema", {}).get("anyOf", [])
                    if {"type": "null"} in options and len(options) == 2:
                        content["schema"] = next(option for option in options if option != {"type": "null"})
                for status, response in operation.get("responses", {}).items():
                    if int(status) in ERROR_DESCRIPTIONS:
                        response["description"] = ERROR_DESCRIPTIONS[int(status)]
        return schema

    def api_index(self, request: HttpRequest, **kwargs: Any) -> JsonResponse:
        return JsonResponse(
            {
                "name": str(self.title),
                "version": self.version,
                "openapi": reverse(f"{self.urls_namespace}:openapi-json"),
                "docs": reverse(f"{self.urls_namespace}:openapi-view"),
            }
        )


DESCRIPTION = _(
    "The Học Số API: the unit tree, learners and target groups of the province, for integrations "
    "(IOC, e-portal, agency websites) and the web interface.\n\n"
    "Authenticate with an API key issued by a province administrator, sent as `Authorization: Bearer <key>` "
    "or `X-API-Key: <key>`, or with a signed-in browser session (CSRF token required for unsafe methods). "
    "Every answer is limited to the units the caller may see; anything outside that scope answers 404.\n\n"
    'Errors always have the shape `{"error": {"code": "...", "message": "...", "details": ...}}`; '
    "messages are in Vietnamese unless `Accept-Language: en` is sent."
)

api = HocsoAPI(
    title="Học Số API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[ApiKeyBearer(), ApiKeyHeader(), SessionAuth()],
    renderer=JSONRenderer(),
    parser=JSONParser(),
    docs=OfflineSwagger(settings={"persistAuthorization": True}),
)
install_error_handlers(api)
api.add_router("", org_router)
api.add_router("", people_router)
api.add_router("", assessment_router)
api.add_router("", campaigns_router)
api.add_router("", training_router)
api.add_router("", events_router)
