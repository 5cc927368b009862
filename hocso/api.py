"""The public API: /api/v1 with OpenAPI at /api/v1/openapi.json and docs at /api/v1/docs."""

from ninja import NinjaAPI

api = NinjaAPI(title="Học Số API", version="1.0.0", urls_namespace="api")
