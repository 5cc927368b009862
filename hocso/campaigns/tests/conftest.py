"""Fixtures of the campaign tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def exact_figures(settings):
    """Publish without withholding small groups (minimum group size 1). The hand-computed world of helpers.py has
    six people, so with the default size nearly every published figure would be withheld; the tests using this are
    about the arithmetic, the caching and the files. The withholding itself: test_small_groups.py."""
    settings.HOCSO_MIN_GROUP_SIZE = 1
