"""Fixtures shared by the tests of every training sub-package (the province, its people and one user per role come
from the repository's root conftest.py)."""

from __future__ import annotations

import pytest

from hocso.access.models import Role
from hocso.tests.factories import make_user
from hocso.training.tests import memory_storage


@pytest.fixture
def instructor(db):
    return make_user(Role.INSTRUCTOR, username="giangvien")


@pytest.fixture
def other_instructor(db):
    return make_user(Role.INSTRUCTOR, username="giangvien2")


@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return settings.MEDIA_ROOT


@pytest.fixture
def dict_storage(settings):
    """The default storage kept in a dict (`memory_storage.FILES`): the code may use the storage API only."""
    memory_storage.FILES.clear()
    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": "hocso.training.tests.memory_storage.DictStorage"}}
    yield memory_storage.FILES
    memory_storage.FILES.clear()
