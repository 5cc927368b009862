"""Security headers on every page, and templates that the Content-Security-Policy does not break."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import hocso


def _csp(response) -> dict[str, str]:
    return dict([*part.strip().split(" ", 1), ""][:2] for part in response["Content-Security-Policy"].split(";"))


def test_pages_send_the_security_headers(client, db):
    response = client.get("/dang-nhap/")

    policy = _csp(response)
    assert policy["default-src"] == "'self'"
    assert re.fullmatch(r"'self' 'nonce-[A-Za-z0-9_-]{20,}'", policy["script-src"])
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "microphone=()" in response["Permissions-Policy"]


def test_each_response_gets_its_own_nonce(client, db):
    first = _csp(client.get("/dang-nhap/"))["script-src"]
    second = _csp(client.get("/dang-nhap/"))["script-src"]
    assert first != second


def test_forms_may_post_to_the_sign_in_provider(client, settings, db):
    settings.OIDC_ISSUER = "https://id.thainguyen.gov.vn/realms/tinh"
    assert _csp(client.get("/dang-nhap/"))["form-action"] == "'self' https://id.thainguyen.gov.vn"


def test_hsts_in_production(client, settings, db):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/dang-nhap/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")


@pytest.mark.urls("hocso.identity.tests.widget_urls")
def test_only_the_widget_may_be_framed(client, db):
    widget = client.get("/widget-thu/")
    assert "X-Frame-Options" not in widget
    assert _csp(widget)["frame-ancestors"] == "*"
    assert client.get("/dang-nhap/")["X-Frame-Options"] == "DENY"


def test_api_docs_load_from_this_site(client, province_admin):
    client.force_login(province_admin)
    page = client.get("/api/v1/docs").content.decode()
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in page and "cdn." not in page


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")", re.I), "inline <script>"),
    (re.compile(r"<style", re.I), "inline <style>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_templates_have_no_inline_scripts_or_styles():
    """The policy blocks them: put behaviour in static/hocso/hocso.js (data-* attributes) and styles in CSS."""
    root = Path(hocso.__file__).parent
    problems = []
    for template in root.glob("**/templates/**/*.html"):
        if "oidc_provider" in template.parts:
            continue  # the test provider is another site
        text = template.read_text()
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{template.relative_to(root)}:{line}: {what}")
    assert problems == []
