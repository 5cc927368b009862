"""Fixtures of the campaign tests."""

from __future__ import annotations

import pytest

from .helpers import build_world


@pytest.fixture
def exact_figures(settings):
    """Publish without withholding small groups (minimum group size 1). The hand-computed world of helpers.py has
    six people, so with the default size nearly every published figure would be withheld; the tests using this are
    about the arithmetic, the caching and the files. The withholding itself: test_small_groups.py."""
    settings.HOCSO_MIN_GROUP_SIZE = 1


@pytest.fixture
def world(province, commune_a, commune_b, school_a, learner_in_a, province_admin):
    """The hand-computed quarter of helpers.py: (campaign, unit M, the unit M merges into, the people by name)."""
    return build_world(province, commune_a, commune_b, school_a, learner_in_a, province_admin)
