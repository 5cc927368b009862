"""Shared fixtures: a small province with two communes, their people and one user per role; a client that reads
English (`english`); a page in a real headless Chromium (`page`, helpers in hocso/tests/browser.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import connections

from hocso.access.models import Role
from hocso.org.models import UnitKind
from hocso.tests.browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, serialise_live_server_requests
from hocso.tests.factories import make_learner, make_unit, make_user


@pytest.fixture
def province(db):
    return make_unit("Tỉnh Thái Nguyên", kind=UnitKind.PROVINCE, code="000.00.00.H55", admin_unit_code="19")


@pytest.fixture
def commune_a(province):
    return make_unit("Xã Đại Phúc", province, kind=UnitKind.COMMUNE, code="000.01.30.H55")


@pytest.fixture
def commune_b(province):
    return make_unit("Xã Yên Trạch", province, kind=UnitKind.COMMUNE, code="000.02.30.H55")


@pytest.fixture
def school_a(commune_a):
    return make_unit("Trường Tiểu học Đại Phúc", commune_a, kind=UnitKind.SCHOOL)


@pytest.fixture
def learner_in_a(school_a):
    return make_learner(school_a, "Đặng Thị Ánh")


@pytest.fixture
def learner_in_b(commune_b):
    return make_learner(commune_b, "Dương Văn Bình")


@pytest.fixture
def province_admin(db):
    return make_user(Role.PROVINCE_ADMIN, username="admin")


@pytest.fixture
def focal_a(commune_a):
    return make_user(Role.FOCAL_POINT, commune_a, username="daumoi_a")


@pytest.fixture
def focal_b(commune_b):
    return make_user(Role.FOCAL_POINT, commune_b, username="daumoi_b")


@pytest.fixture
def learner_user(learner_in_a):
    user = make_user(username="hocvien")
    learner_in_a.user = user
    learner_in_a.save(update_fields=["user"])
    return user


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request with another language must not leak into the next."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def english(client, settings):
    """Assertions read English messages (the UI defaults to Vietnamese): the client asks for English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def page(monkeypatch, request):
    """A Playwright page in Debian's headless Chromium (skipped without it, unless HOCSO_REQUIRE_BROWSER=1)."""
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
