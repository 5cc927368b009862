"""Driving a real headless Chromium in tests: where it is, how it starts, how a test signs in. The `page` fixture
that opens it is in the root conftest.py; this is a helper module, not a test module.

Debian's /usr/bin/chromium through Playwright (no browser download). Without it the browser tests are skipped,
unless HOCSO_REQUIRE_BROWSER=1 (as in CI), where a missing browser is a failure.
"""

from __future__ import annotations

import threading

from django.db import connection

from hocso.tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
TIMEOUT_MS = 15_000

_ONE_REQUEST_AT_A_TIME = threading.RLock()


def serialise_live_server_requests(monkeypatch) -> None:
    """On SQLite the live server's request threads all use the test's one in-memory connection, so two requests
    at once (a video's pause and ended reports, an exam's queued answers sent together) can fail with "database
    table is locked". Let the server run one request at a time there; PostgreSQL gives each thread a connection.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        return
    from django.core.handlers.wsgi import WSGIHandler

    original = WSGIHandler.__call__

    def one_at_a_time(self, environ, start_response):
        with _ONE_REQUEST_AT_A_TIME:
            return original(self, environ, start_response)

    monkeypatch.setattr(WSGIHandler, "__call__", one_at_a_time)


def _wait_to_leave(page, path: str) -> None:
    """Wait until the page is no longer at `path` (a form post and its redirect), or give up quietly: the caller's
    assertion then says what went wrong. wait_for_load_state() alone may return for the page being left."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        page.wait_for_url(lambda url: path not in url)
        page.wait_for_load_state()
    except PlaywrightTimeoutError:
        pass


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    _wait_to_leave(page, "/dang-nhap/")
    assert "/dang-nhap/" not in page.url, "sign-in failed"
    if "/dong-y/" in page.url:  # the personal-data notice, accepted once per account
        page.check("input[name=accept]")
        page.click("form:has(input[name=accept]) button[type=submit]")
        _wait_to_leave(page, "/dong-y/")
        assert "/dong-y/" not in page.url, "the notice was not accepted"
