"""Writes for courses, modules, lessons, self-enrolment and lesson progress: keyword-only, one transaction,
permission-checked, audited (except the learner's own progress, reported by the player every few seconds)."""

from __future__ import annotations

import mimetypes
import posixpath
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.assessment.bank.sanitise import clean_html
from hocso.core.actors import Actor
from hocso.core.audit import audit, snapshot
from hocso.core.permissions import ensure
from hocso.people.models import Learner

from ..models import Course, CourseMode, Enrolment, EnrolmentStatus, Lesson, LessonKind, LessonProgress, Module
from ..permissions import can_author, can_edit_course
from .selectors import module_progress_count, require_learner

COURSE_FIELDS = ["title", "summary", "topic", "hours", "mode", "is_published", "self_enrolment", "require_lessons",
                 "final_quiz", "min_attendance_percent"]
LESSON_FIELDS = ["title", "position", "kind", "is_required", "url", "html", "quiz"]
# A video counts as watched once this share of it has actually been played.
VIDEO_DONE_SHARE = 0.9
MAX_UPLOAD_BYTES = 500 * 1024 * 1024


def _ensure_edit(actor: Actor, course: Course) -> None:
    ensure(can_edit_course(actor, course), _("You cannot change this course."))


# --- courses ---------------------------------------------------------------------------------------------------


def check_course(fields: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if fields.get("self_enrolment") and fields.get("mode") != CourseMode.ONLINE:
        errors["self_enrolment"] = [_("Only online courses can be open for self-enrolment.")]
    percent = fields.get("min_attendance_percent")
    if percent is not None and not 0 < percent <= 100:
        errors["min_attendance_percent"] = [_("Enter a percentage between 1 and 100.")]
    if percent is not None and fields.get("mode") == CourseMode.ONLINE:
        errors.setdefault("min_attendance_percent", []).append(
            _("An online course has no sessions, so it cannot require attendance."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def course_create(*, actor: Actor, target_groups=(), **fields: Any) -> Course:
    ensure(can_author(actor), _("Only administrators and instructors can create courses."))
    check_course(fields)
    course = Course.objects.create(owner=actor if getattr(actor, "pk", None) else None, **fields)
    course.target_groups.set(target_groups)
    audit(actor, "course.create", course, after=snapshot(course, COURSE_FIELDS))
    return course


@transaction.atomic
def course_update(*, actor: Actor, course: Course, target_groups=None, **fields: Any) -> Course:
    _ensure_edit(actor, course)
    before = snapshot(course, COURSE_FIELDS)
    merged = {**before, "mode": course.mode, **fields}
    check_course(merged)
    for name, value in fields.items():
        setattr(course, name, value)
    course.save()
    if target_groups is not None:
        course.target_groups.set(target_groups)
    audit(actor, "course.update", course, before=before, after=snapshot(course, COURSE_FIELDS))
    return course


@transaction.atomic
def module_create(*, actor: Actor, course: Course, title: str) -> Module:
    _ensure_edit(actor, course)
    last = course.modules.aggregate(m=Max("position"))["m"] or 0
    module = Module.objects.create(course=course, title=title, position=last + 1)
    audit(actor, "course.module_create", course, extra={"module": module.pk, "title": title})
    return module


@transaction.atomic
def module_update(*, actor: Actor, module: Module, title: str, position: int) -> Module:
    _ensure_edit(actor, module.course)
    module.title, module.position = title, position
    module.save()
    audit(actor, "course.module_update", module.course, extra={"module": module.pk, "title": title})
    return module


@transaction.atomic
def module_delete(*, actor: Actor, module: Module) -> int:
    """Delete a module and its lessons; refused once any learner has progress in it. Returns lessons deleted."""
    _ensure_edit(actor, module.course)
    module = Module.objects.select_for_update().select_related("course").get(pk=module.pk)
    # Progress rows reference lessons, not the module: lock the lessons too, so progress recorded at this moment
    # is either counted below or waits for the delete (and fails), never deleted unseen.
    list(module.lessons.select_for_update().values_list("pk", flat=True))
    if module_progress_count(module):
        raise ValidationError(_("Learners have already made progress in this module, so it cannot be deleted. "
                                "Rename it or move its lessons instead."))
    lessons = list(module.lessons.all())
    files = [lesson.file_name for lesson in lessons if lesson.file_name]
    audit(actor, "course.module_delete", module.course, extra={
        "module": module.pk, "title": module.title, "lessons": [lesson.pk for lesson in lessons]})
    module.delete()
    for name in files:
        transaction.on_commit(lambda name=name: default_storage.delete(name))
    return len(lessons)


# --- lessons ---------------------------------------------------------------------------------------------------


def _store_upload(upload: UploadedFile) -> tuple[str, str, str]:
    """Save through the storage API only (any Storage backend works); returns (name, original name, type)."""
    if upload.size and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError({"upload": [_("The file is larger than 500 MB.")]})
    original = posixpath.basename(upload.name or "file")
    _root, ext = posixpath.splitext(original)
    name = default_storage.save(f"training/lessons/{uuid.uuid4().hex}{ext.lower()[:10]}", upload)
    content_type = upload.content_type or mimetypes.guess_type(original)[0] or "application/octet-stream"
    return name, original, content_type


def _check_lesson(lesson: Lesson, has_upload: bool) -> None:
    errors: dict[str, list[str]] = {}
    has_file = bool(lesson.file_name) or has_upload
    if lesson.kind == LessonKind.VIDEO and not (has_file or lesson.url):
        errors["upload"] = [_("Upload a video file or give its address.")]
    if lesson.kind == LessonKind.DOCUMENT and not (has_file or lesson.url):
        errors["upload"] = [_("Upload a document or give its address.")]
    if lesson.kind == LessonKind.LINK and not lesson.url:
        errors["url"] = [_("Give the address of the page.")]
    if lesson.kind == LessonKind.HTML and not lesson.html.strip():
        errors["html"] = [_("Write the content of the page.")]
    if lesson.kind == LessonKind.QUIZ and not lesson.quiz_id:
        errors["quiz"] = [_("Choose the quiz.")]
    if errors:
        raise ValidationError(errors)


def _apply_lesson(lesson: Lesson, fields: dict[str, Any], upload: UploadedFile | None) -> None:
    for name, value in fields.items():
        setattr(lesson, name, value)
    lesson.html = clean_html(lesson.html) if lesson.kind == LessonKind.HTML else ""
    if lesson.kind not in (LessonKind.VIDEO, LessonKind.DOCUMENT) and lesson.file_name:
        default_storage.delete(lesson.file_name)
        lesson.file_name = lesson.original_name = lesson.content_type = ""
    if lesson.kind != LessonKind.QUIZ:
        lesson.quiz = None
    _check_lesson(lesson, upload is not None)
    if upload is not None:
        old = lesson.file_name
        lesson.file_name, lesson.original_name, lesson.content_type = _store_upload(upload)
        if old:
            # Deleting after the commit keeps the old file if the transaction is rolled back.
            transaction.on_commit(lambda: default_storage.delete(old))


@transaction.atomic
def lesson_create(*, actor: Actor, module: Module, upload: UploadedFile | None = None, **fields: Any) -> Lesson:
    _ensure_edit(actor, module.course)
    if not fields.get("position"):
        fields["position"] = (module.lessons.aggregate(m=Max("position"))["m"] or 0) + 1
    lesson = Lesson(module=module)
    _apply_lesson(lesson, fields, upload)
    lesson.save()
    audit(actor, "lesson.create", lesson, after=snapshot(lesson, LESSON_FIELDS))
    return lesson


@transaction.atomic
def lesson_update(*, actor: Actor, lesson: Lesson, upload: UploadedFile | None = None, **fields: Any) -> Lesson:
    _ensure_edit(actor, lesson.module.course)
    before = snapshot(lesson, LESSON_FIELDS)
    _apply_lesson(lesson, fields, upload)
    lesson.save()
    audit(actor, "lesson.update", lesson, before=before, after=snapshot(lesson, LESSON_FIELDS))
    return lesson


@transaction.atomic
def lesson_delete(*, actor: Actor, lesson: Lesson) -> None:
    _ensure_edit(actor, lesson.module.course)
    name = lesson.file_name
    audit(actor, "lesson.delete", lesson, before=snapshot(lesson, LESSON_FIELDS))
    lesson.delete()
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


# --- enrolment and progress ------------------------------------------------------------------------------------


@transaction.atomic
def self_enrol(*, actor: Actor, course: Course) -> Enrolment:
    """A learner enrols in an open online course."""
    learner = require_learner(actor)
    ensure(course.is_published and course.self_enrolment and course.mode == CourseMode.ONLINE,
           _("This course is not open for enrolment."))
    groups = set(course.target_groups.values_list("pk", flat=True))
    ensure(not groups or learner.target_group_id in groups, _("This course is meant for other target groups."))
    enrolment, created = Enrolment.objects.get_or_create(learner=learner, course=course)
    if not created and enrolment.status == EnrolmentStatus.WITHDRAWN:
        enrolment.status = EnrolmentStatus.ACTIVE
        enrolment.save(update_fields=["status"])
    elif not created:
        return enrolment
    audit(actor, "enrolment.self", enrolment, after={"course": course.pk, "status": enrolment.status})
    return enrolment


def _progress(learner: Learner, lesson: Lesson) -> LessonProgress:
    progress, _created = LessonProgress.objects.get_or_create(learner=learner, lesson=lesson)
    return progress


@transaction.atomic
def lesson_open(*, enrolment: Enrolment, lesson: Lesson, complete: bool = False) -> LessonProgress:
    """The learner opened a lesson: remember it for "continue", and complete pages and links on sight.

    No actor and no audit entry: this is the learner's own progress, in an enrolment the caller has checked is
    theirs (`selectors.lesson_for_learner`)."""
    now = timezone.now()
    progress = _progress(enrolment.learner, lesson)
    fields = ["opened_at", "updated_at"]
    progress.opened_at = now
    if complete and progress.completed_at is None:
        progress.completed_at = now
        fields.append("completed_at")
    progress.save(update_fields=fields)
    Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=lesson, last_opened_at=now)
    return progress


@transaction.atomic
def video_progress(*, enrolment: Enrolment, lesson: Lesson, position: float, watched: float,
                   duration: float | None) -> LessonProgress:
    """What the player reports: the position (for resuming) and the seconds actually played (never decreasing).

    The player sends its running total of played seconds; the server keeps the largest it has seen, bounded by
    the media's length, so a replayed or forged report cannot push the total past the video itself.
    """
    if lesson.kind != LessonKind.VIDEO:
        raise ValidationError(_("This lesson is not a video."))
    for value in (position, watched, duration or 0):
        if value < 0 or value != value or value > 24 * 3600:  # value != value: NaN
            raise ValidationError(_("Invalid progress report."))
    progress = LessonProgress.objects.select_for_update().filter(pk=_progress(enrolment.learner, lesson).pk).get()
    if duration:
        progress.duration_seconds = duration
    limit = progress.duration_seconds or watched
    progress.position_seconds = min(position, limit)
    progress.watched_seconds = min(max(progress.watched_seconds, watched), limit)
    if progress.completed_at is None and progress.duration_seconds and (
        progress.watched_seconds >= VIDEO_DONE_SHARE * progress.duration_seconds
    ):
        progress.completed_at = timezone.now()
    progress.save()
    return progress
