"""Fixtures shared by the assessment tests of every sub-package: two instructors (authors) and a small bank."""

from __future__ import annotations

import pytest

from hocso.access.models import Role
from hocso.assessment.tests.factories import make_category, make_question
from hocso.tests.factories import make_user


@pytest.fixture
def instructor_unit(province):
    """Where `instructor` works: the province (the question bank's tests put the two instructors in two communes)."""
    return province


@pytest.fixture
def other_instructor_unit(province):
    return province


@pytest.fixture
def instructor(instructor_unit):
    return make_user(Role.INSTRUCTOR, instructor_unit, username="giangvien")


@pytest.fixture
def other_instructor(other_instructor_unit):
    return make_user(Role.INSTRUCTOR, other_instructor_unit, username="giangvien2")


@pytest.fixture
def bank(db):
    """A category with ten single-choice questions."""
    category = make_category()
    return category, [make_question(category, name=f"Câu {i}") for i in range(1, 11)]
