"""Images in question texts: embedded as data: URLs (from imports) or uploaded to the default storage.

Uploaded images are stored under `question-images/` with a random name and served by the bank's image view, so
the site needs no separate media server. Only raster formats recognised by their first bytes are accepted (no
SVG: it can carry scripts).
"""

from __future__ import annotations

import base64
import re
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.translation import gettext as _

IMAGE_DIR = "question-images"
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MIME_BY_EXTENSION = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
                     "webp": "image/webp"}
EXTENSION_BY_MIME = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(png|jpg|gif|webp)$")


def sniff_image(data: bytes) -> str | None:
    """The MIME type of a PNG, JPEG, GIF or WebP image, from its first bytes; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def data_url(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def store_uploaded_image(upload) -> str:
    """Save an uploaded image and return the URL to put in <img src>; ValidationError if it is not an image."""
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(_("The image is larger than 2 MB."))
    content = upload.read()
    mime = sniff_image(content)
    if mime is None:
        raise ValidationError(_("The file is not a PNG, JPEG, GIF or WebP image."))
    name = default_storage.save(f"{IMAGE_DIR}/{uuid.uuid4().hex}.{EXTENSION_BY_MIME[mime]}", ContentFile(content))
    return image_url(name.rsplit("/", 1)[-1])


def image_url(stored_name: str) -> str:
    return reverse("assessment:bank_image", args=[stored_name])


def read_stored_image(stored_name: str) -> tuple[bytes, str] | None:
    """(bytes, MIME type) of an uploaded image, or None when the name is not one of ours or the file is gone."""
    if not STORED_NAME.match(stored_name):
        return None
    path = f"{IMAGE_DIR}/{stored_name}"
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as handle:
        content = handle.read()
    return content, MIME_BY_EXTENSION[stored_name.rsplit(".", 1)[-1]]


def stored_name_from_src(src: str) -> str | None:
    """The stored file name when `src` points at the bank's image view."""
    prefix = reverse("assessment:bank_image", args=["x.png"])[: -len("x.png")]
    if "://" in src:
        src = "/" + src.split("://", 1)[1].split("/", 1)[-1]
    return src[len(prefix):] if src.startswith(prefix) else None
