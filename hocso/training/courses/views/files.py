"""A lesson's uploaded file, served through the storage API with byte ranges (players seek and resume with them)."""

from __future__ import annotations

import mimetypes
import re

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse

from ...models import Enrolment, Lesson, LessonKind
from .. import selectors, services


def _lesson_for_file(request: HttpRequest, pk: int) -> tuple[Lesson, Enrolment | None]:
    """Enrolled learners, and the course's editors (to check their upload)."""
    try:
        return selectors.lesson_for_learner(actor=request.user, pk=pk)
    except Http404:
        lesson = selectors.authored_lesson(actor=request.user, pk=pk)
        return lesson, None


@login_required
def lesson_file(request: HttpRequest, pk: int) -> HttpResponse:
    lesson, enrolment = _lesson_for_file(request, pk)
    if not lesson.file_name:
        raise Http404
    if enrolment is not None and lesson.kind == LessonKind.DOCUMENT:
        services.lesson_open(enrolment=enrolment, lesson=lesson, complete=True)
    content_type = lesson.content_type or mimetypes.guess_type(lesson.original_name)[0] or "application/octet-stream"
    try:
        size = default_storage.size(lesson.file_name)
        handle = default_storage.open(lesson.file_name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    span = byte_range(request.headers.get("Range", ""), size)
    if span is None:
        response = FileResponse(handle, content_type=content_type, filename=lesson.original_name,
                                as_attachment=False)
    elif span == ():
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    else:
        # Players seek (and resume) with range requests; the file is read through the storage API from there on.
        start, end = span
        handle.seek(start)
        response = StreamingHttpResponse(_read(handle, end - start + 1), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    return response


RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


def byte_range(header: str, size: int) -> tuple[int, int] | tuple[()] | None:
    """(start, end) of a single satisfiable range; () when unsatisfiable; None for no (or an ignored) range."""
    match = RANGE_RE.match(header.strip())
    if not match or not (match.group(1) or match.group(2)):
        return None
    first, last = match.groups()
    if first:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    else:  # "bytes=-N": the last N bytes
        start, end = max(size - int(last), 0), size - 1
    if start >= size or start > end:
        return ()
    return start, end


def _read(handle, remaining: int, chunk: int = 64 * 1024):
    try:
        while remaining > 0:
            data = handle.read(min(chunk, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()
