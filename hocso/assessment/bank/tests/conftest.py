"""Fixtures shared by the question-bank tests: two instructors in different communes, and a signed-in client."""

from __future__ import annotations

import pytest

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
