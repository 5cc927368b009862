"""Fixtures of the org tests: a client signed in as the province administrator, or as commune A's focal point."""

from __future__ import annotations

import pytest


@pytest.fixture
def admin_client(client, province_admin):
    client.force_login(province_admin)
    return client


@pytest.fixture
def focal_client(client, focal_a):
    client.force_login(focal_a)
    return client
