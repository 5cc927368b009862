"""Courses made of modules and lessons, and each learner's progress through the lessons."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CourseMode(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    HYBRID = "hybrid", _("Hybrid")


class Course(models.Model):
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    target_groups = models.ManyToManyField("org.TargetGroup", verbose_name=_("target groups"), blank=True,
                                           related_name="+", help_text=_("Empty: every target group"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, default=0)
    mode = models.CharField(_("mode"), max_length=10, choices=CourseMode.choices, default=CourseMode.ONLINE)
    is_published = models.BooleanField(_("published"), default=False)
    self_enrolment = models.BooleanField(
        _("open for self-enrolment"), default=False,
        help_text=_("Learners may enrol themselves in this online course."),
    )
    # The completion rule: every criterion that is set must hold.
    require_lessons = models.BooleanField(_("all required lessons done"), default=True)
    final_quiz = models.ForeignKey(
        "assessment.Quiz", verbose_name=_("quiz to pass"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"), null=True, blank=True, help_text=_("Empty: attendance is not required"),
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(_("title"), max_length=255)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class LessonKind(models.TextChoices):
    VIDEO = "video", _("Video")
    DOCUMENT = "document", _("Document")
    HTML = "html", _("Page")
    LINK = "link", _("External link")
    QUIZ = "quiz", _("Quiz")


class Lesson(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(_("title"), max_length=255)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=LessonKind.choices)
    is_required = models.BooleanField(_("required"), default=True)
    # Uploaded files live in the default storage under this name; nothing else touches them.
    file_name = models.CharField(max_length=500, blank=True)
    original_name = models.CharField(_("file"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    url = models.URLField(_("address"), max_length=1000, blank=True)
    html = models.TextField(_("content"), blank=True)
    quiz = models.ForeignKey("assessment.Quiz", verbose_name=_("quiz"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class LessonProgress(models.Model):
    learner = models.ForeignKey("people.Learner", on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    opened_at = models.DateTimeField(null=True, blank=True)
    # Videos: where the player stood, how much was actually played, and the media's length (from the player).
    position_seconds = models.FloatField(default=0)
    watched_seconds = models.FloatField(default=0)
    duration_seconds = models.FloatField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [models.UniqueConstraint(fields=["learner", "lesson"], name="training_one_progress")]
        indexes = [models.Index(fields=["learner", "completed_at"], condition=Q(completed_at__isnull=False),
                                name="training_progress_done")]

    def __str__(self) -> str:
        return f"{self.learner_id}/{self.lesson_id}"
