"""Fixtures shared by the exam's tests: the learner's signed-in browser, and pages in English."""

from __future__ import annotations

import pytest


@pytest.fixture
def english_pages(client, settings):
    """Pages in English (assertions read English texts; the UI itself defaults to Vietnamese). Modules asserting on
    page texts use it for all their tests: pytestmark = pytest.mark.usefixtures("english_pages")."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def learner_client(client, learner_user):
    client.force_login(learner_user)
    return client
