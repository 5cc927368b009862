"""Fixtures shared by the assessment tests of every sub-package: authors and a small bank.

The question bank's tests (bank/tests/conftest.py) replace `instructor` and `other_instructor` with instructors of
two communes; everywhere else they work for the province.
"""

from __future__ import annotations

import pytest

from hocso.assessment.tests.factories import make_category, make_question
from hocso.identity.models import Role
from hocso.tests.factories import make_user


@pytest.fixture
def instructor(province):
    return make_user(Role.INSTRUCTOR, province, username="giangvien")


@pytest.fixture
def other_instructor(province):
    return make_user(Role.INSTRUCTOR, province, username="giangvien2")


@pytest.fixture
def bank(db):
    """A category with ten single-choice questions."""
    category = make_category()
    return category, [make_question(category, name=f"Câu {i}") for i in range(1, 11)]
