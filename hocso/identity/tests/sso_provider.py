"""What the sign-in tests and the test OpenID Connect provider (conftest.py, oidc_provider/) agree on: Học Số's
client at the provider, the origin the test client calls from, every provider account's password. A helper module,
not a test module."""

from __future__ import annotations

CLIENT_ID = "hocso-test"
CLIENT_SECRET = "bi-mat-cua-hocso-" + "x" * 20
TEST_ORIGIN = "http://testserver"
PROVIDER_PASSWORD = "mat-khau-dinh-danh-2026"
