"""Fixtures shared by the question-bank tests: the two instructors in different communes, a signed-in client, a
category, and English messages."""

from __future__ import annotations

import pytest
from django.utils import translation

from hocso.assessment.tests.factories import make_category


@pytest.fixture
def instructor_unit(commune_a):
    return commune_a


@pytest.fixture
def other_instructor_unit(commune_b):
    return commune_b


@pytest.fixture
def author(client, instructor):
    """The instructor's browser, in English (tests assert English texts)."""
    client.force_login(instructor)
    client.cookies["hocso_language"] = "en"
    return client


@pytest.fixture
def category(db):
    return make_category("Chuyển đổi số")


@pytest.fixture
def english():
    """The bank's messages in English (tests read them in English; the Vietnamese catalogue is checked elsewhere).
    Test modules that read messages use it for all their tests: pytestmark = pytest.mark.usefixtures("english")."""
    with translation.override("en"):
        yield
