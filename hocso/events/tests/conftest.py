"""Bridge-site fixtures: a site in each commune, and a coordinator of commune A's site."""

from __future__ import annotations

import pytest

from hocso.access.models import Role
from hocso.events.models import BridgeSite
from hocso.tests.factories import make_user


def make_site(unit, name: str, **fields) -> BridgeSite:
    site = BridgeSite(unit=unit, name=name, **fields)
    site.refresh_keys(unit)
    site.save()
    return site


@pytest.fixture
def site_a(commune_a):
    return make_site(commune_a, "Hội trường UBND xã Đại Phúc", capacity=80, coordinator_name="Ma Thị Hồng",
                     coordinator_phone="0912345678")


@pytest.fixture
def site_b(commune_b):
    return make_site(commune_b, "Hội trường UBND xã Yên Trạch", capacity=60)


@pytest.fixture
def coordinator_a(site_a, commune_a):
    user = make_user(Role.COORDINATOR, commune_a, username="diemcau_a")
    site_a.coordinators.add(user)
    return user
