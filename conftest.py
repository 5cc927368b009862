"""Shared fixtures: a small province with two communes, their people and one user per role."""

from __future__ import annotations

import pytest

from hocso.access.models import Role
from hocso.org.models import UnitKind
from hocso.tests.factories import make_learner, make_unit, make_user

PASSWORD = "mat-khau-demo-2026"


@pytest.fixture
def province(db):
    return make_unit("Tỉnh Thái Nguyên", kind=UnitKind.PROVINCE, code="000.00.00.H55", admin_unit_code="19")


@pytest.fixture
def commune_a(province):
    return make_unit("Xã Đại Phúc", province, kind=UnitKind.COMMUNE, code="000.01.30.H55")


@pytest.fixture
def commune_b(province):
    return make_unit("Xã Yên Trạch", province, kind=UnitKind.COMMUNE, code="000.02.30.H55")


@pytest.fixture
def school_a(commune_a):
    return make_unit("Trường Tiểu học Đại Phúc", commune_a, kind=UnitKind.SCHOOL)


@pytest.fixture
def learner_in_a(school_a):
    return make_learner(school_a, "Đặng Thị Ánh")


@pytest.fixture
def learner_in_b(commune_b):
    return make_learner(commune_b, "Dương Văn Bình")


@pytest.fixture
def province_admin(db):
    return make_user(Role.PROVINCE_ADMIN, username="admin")


@pytest.fixture
def focal_a(commune_a):
    return make_user(Role.FOCAL_POINT, commune_a, username="daumoi_a")


@pytest.fixture
def focal_b(commune_b):
    return make_user(Role.FOCAL_POINT, commune_b, username="daumoi_b")


@pytest.fixture
def learner_user(learner_in_a):
    user = make_user(username="hocvien")
    learner_in_a.user = user
    learner_in_a.save(update_fields=["user"])
    return user


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request with another language must not leak into the next."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield
