"""Fixtures of the demo tests."""

from __future__ import annotations

import pytest

from .helpers import SMALL, seed


@pytest.fixture
def seeded(db) -> str:
    """A database seeded by `hocso seed_demo --learners 150`; the command's output."""
    return seed(learners=SMALL)
