"""A real headless Chromium signs in through the provider's own sign-in page, then signs out of both sites.

Like hocso/tests/test_browser.py: Debian's /usr/bin/chromium through Playwright, skipped when it is missing
unless HOCSO_REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

import json
import uuid

import pytest

from hocso.identity import oidc
from hocso.people.models import Learner

from .sso_provider import CLIENT_ID, CLIENT_SECRET, PROVIDER_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(page):
    """The shared `page` (conftest.py), collecting the Content Security Policy violations its console reports."""
    page.csp_violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text
            and page.csp_violations.append(message.text))
    return page


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

    page.click(".site-nav .account summary")  # the account menu holds "Sign out"
    page.click("form[action='/dang-xuat/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/dang-nhap/**")
    assert page.locator("input[name=password]").count() == 1
    page.goto(f"{live_sso.url}/_test/whoami/")
    assert json.loads(page.locator("body").inner_text())["username"] is None, "signed out at the provider too"
    assert page.csp_violations == []
