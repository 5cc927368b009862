"""Fixtures shared by the question-bank tests: two instructors in different communes (they replace the province's
instructors of hocso/assessment/conftest.py here), a signed-in client, a category, and English messages."""

from __future__ import annotations

import pytest
from django.utils import translation

from hocso.assessment.tests.factories import make_category
from hocso.identity.models import Role
from hocso.tests.factories import make_user


@pytest.fixture
def instructor(commune_a):
    return make_user(Role.INSTRUCTOR, commune_a, username="giangvien")


@pytest.fixture
def other_instructor(commune_b):
    return make_user(Role.INSTRUCTOR, commune_b, username="giangvien_b")


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
