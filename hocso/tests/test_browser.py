"""A real headless Chromium walks the people pages as a unit focal point would.

Runs Debian's /usr/bin/chromium through Playwright (no browser download). Without it the test is skipped,
unless HOCSO_REQUIRE_BROWSER=1 (as in CI), where a missing browser is a failure.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path

import pytest
from django.db import connection, connections

from hocso.tests.factories import make_learner

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
PASSWORD = "mat-khau-demo-2026"  # the conftest users' password
TIMEOUT_MS = 15_000

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


@pytest.fixture
def page(monkeypatch, request):
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)."
        if os.environ.get("HOCSO_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API keeps an event loop in this thread; the ORM must still be usable from the test.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    serialise_live_server_requests(monkeypatch)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(locale="vi-VN")
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        failed_before = request.session.testsfailed
        try:
            yield page
        finally:
            if request.session.testsfailed > failed_before:
                # What the browser showed when the test failed, for whoever reads the CI log.
                shots = Path("test-results")
                shots.mkdir(exist_ok=True)
                page.screenshot(path=str(shots / f"{request.node.name}.png"), full_page=True)
                print(f"screenshot: {shots / request.node.name}.png")
            browser.close()
            # Connections opened while Playwright's loop ran live in its context: close them here, or
            # PostgreSQL refuses to drop the test database at the end of the run ("being accessed by other users").
            connections.close_all()


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


def test_focal_point_finds_a_person_by_unaccented_name(page, live_server, focal_a, learner_in_a, commune_b):
    from playwright.sync_api import expect

    # A namesake in another commune (outside the focal point's scope) and a colleague who does not match.
    namesake = make_learner(commune_b, "Đặng Thị Ánh", date_of_birth=dt.date(1979, 2, 3), gender="F")
    colleague = make_learner(learner_in_a.unit, "Nguyễn Văn An")

    sign_in(page, live_server.url, focal_a.username)
    page.goto(f"{live_server.url}/can-bo/")
    expect(page.get_by_role("link", name=colleague.full_name, exact=True)).to_have_count(1)

    search = page.locator("input[name=q]")
    search.fill("dang thi anh")
    search.press("Enter")
    page.wait_for_load_state()

    # The search worked (the colleague is gone) and stayed in scope (one Đặng Thị Ánh, not the namesake).
    expect(page.get_by_role("link", name=colleague.full_name, exact=True)).to_have_count(0)
    result = page.get_by_role("link", name="Đặng Thị Ánh", exact=True)
    expect(result).to_have_count(1)
    assert commune_b.name not in page.content()
    assert str(namesake.pk) not in (result.get_attribute("href") or "").split("/")

    result.click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text("Đặng Thị Ánh")
    expect(page.locator("main")).to_contain_text(learner_in_a.unit.name)
