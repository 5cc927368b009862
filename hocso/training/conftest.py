from __future__ import annotations

import pytest

from hocso.identity.models import Role
from hocso.tests.factories import make_user


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
