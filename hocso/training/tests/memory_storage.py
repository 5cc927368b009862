"""A Storage kept in a dict: if the code reached for the file system instead of the storage API, tests would fail."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.core.files.storage import Storage

FILES: dict[str, bytes] = {}


class DictStorage(Storage):
    def _open(self, name, mode="rb"):
        return ContentFile(FILES[name], name=name)

    def _save(self, name, content):
        buffer = io.BytesIO()
        for chunk in content.chunks():
            buffer.write(chunk)
        FILES[name] = buffer.getvalue()
        return name

    def exists(self, name):
        return name in FILES

    def delete(self, name):
        FILES.pop(name, None)

    def size(self, name):
        return len(FILES[name])

    def url(self, name):
        raise NotImplementedError("lesson files are served by the lesson views, never by URL")

    def path(self, name):
        raise NotImplementedError("no local path: only the storage API may be used")
