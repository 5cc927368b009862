"""A real headless Chromium signs in through the provider's own sign-in page, then signs out of both sites.

Like hocso/tests/test_browser.py: Debian's /usr/bin/chromium through Playwright, skipped when it is missing
unless HOCSO_REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

import json
import os
import uuid

import pytest
from django.db import connections

from hocso.identity import oidc
from hocso.people.models import Learner
from hocso.tests.browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, serialise_live_server_requests

from .sso_provider import CLIENT_ID, CLIENT_SECRET, PROVIDER_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(monkeypatch, request):
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)."
        if os.environ.get("HOCSO_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    serialise_live_server_requests(monkeypatch)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(locale="vi-VN")
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.csp_violations = []
        page.on("console", lambda message: "Content Security Policy" in message.text
                and page.csp_violations.append(message.text))
        failed_before = request.session.testsfailed
        try:
            yield page
        finally:
            if request.session.testsfailed > failed_before:
                os.makedirs("test-results", exist_ok=True)
                page.screenshot(path=f"test-results/{request.node.name}.png", full_page=True)
            browser.close()
            connections.close_all()


@pytest.fixture
def live_sso(settings, live_server, oidc_provider):
    oidc_provider.allow_origin(live_server.url)
    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_PROVIDER_NAME = "Thái Nguyên ID"
    oidc.forget_clients()
    yield oidc_provider
    oidc.forget_clients()


def test_sign_in_and_out_through_the_provider(browser_page, live_server, live_sso, learner_in_a):
    page = browser_page
    username = f"anh-{uuid.uuid4().hex[:8]}"
    live_sso.add_person(username, cccd=learner_in_a.cccd, name=learner_in_a.full_name)

    page.goto(f"{live_server.url}/dang-nhap/")
    page.click("a[href^='/dang-nhap/sso/']")
    page.wait_for_url(f"{live_sso.url}/login/**")
    # The provider's own sign-in page.
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PROVIDER_PASSWORD)
    page.click("#provider-login")
    # Back at Học Số: the personal-data notice on first sign-in.
    page.wait_for_url(f"{live_server.url}/dong-y/**")
    page.check("input[name=accept]")
    page.click("form:has(input[name=accept]) button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    assert learner_in_a.full_name in page.locator("h1").inner_text()
    learner = Learner.objects.select_related("user").get(pk=learner_in_a.pk)
    assert learner.user is not None and learner.user.oidc_identities.count() == 1

    page.click("form[action='/dang-xuat/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/dang-nhap/**")
    assert page.locator("input[name=password]").count() == 1
    page.goto(f"{live_sso.url}/_test/whoami/")
    assert json.loads(page.locator("body").inner_text())["username"] is None, "signed out at the provider too"
    assert page.csp_violations == []
