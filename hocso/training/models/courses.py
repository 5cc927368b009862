"""Training delivery: courses made of modules and lessons, enrolments and each learner's progress."""

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


class CourseClass(models.Model):
    """A run of a course (lớp): its dates, capacity, instructors and mode."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="classes")
    name = models.CharField(_("name"), max_length=255)
    mode = models.CharField(_("mode"), max_length=10, choices=CourseMode.choices, default=CourseMode.IN_PERSON)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True, help_text=_("Empty: no limit"))
    start_date = models.DateField(_("starts"), null=True, blank=True)
    end_date = models.DateField(_("ends"), null=True, blank=True)
    instructors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("instructors"), blank=True,
                                         related_name="training_classes")
    self_enrolment = models.BooleanField(
        _("learners may ask to join"), default=False, help_text=_("Requests wait for approval."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["-start_date", "name", "id"]

    def __str__(self) -> str:
        return self.name


class EnrolmentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    WAITING = "waiting", _("On the waiting list")
    ACTIVE = "active", _("Enrolled")
    REJECTED = "rejected", _("Not approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Enrolment(models.Model):
    learner = models.ForeignKey("people.Learner", on_delete=models.CASCADE, related_name="enrolments")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    klass = models.ForeignKey(CourseClass, verbose_name=_("class"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="enrolments")
    status = models.CharField(_("status"), max_length=10, choices=EnrolmentStatus.choices,
                              default=EnrolmentStatus.ACTIVE)
    enrolled_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # "Continue where you left off": the lesson the learner opened last.
    last_lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-enrolled_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["learner", "course"], name="training_one_enrolment")]

    def __str__(self) -> str:
        return f"{self.learner} — {self.course}"


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


class Session(models.Model):
    """One meeting of a class (buổi học), in a place or online."""

    klass = models.ForeignKey(CourseClass, verbose_name=_("class"), on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=255, blank=True)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    meeting_url = models.URLField(_("meeting link"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["date", "start_time", "id"]

    def __str__(self) -> str:
        return self.title or f"{self.klass} {self.date:%d/%m/%Y}"


class AttendanceMethod(models.TextChoices):
    INSTRUCTOR = "instructor", _("Marked by the instructor")
    QR = "qr", _("QR code check-in")


class Attendance(models.Model):
    """A learner was present at a session. One row per learner and session: a second check-in is refused."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    learner = models.ForeignKey("people.Learner", on_delete=models.CASCADE, related_name="attendances")
    method = models.CharField(_("how"), max_length=10, choices=AttendanceMethod.choices)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "learner"], name="training_one_attendance")]

    def __str__(self) -> str:
        return f"{self.learner_id}@{self.session_id}"


class Certificate(models.Model):
    """Issued once a learner completes a course. Names are frozen at issue, so the certificate reads the same later;
    anyone holding the code can verify it on the public page."""

    code = models.CharField(_("verification code"), max_length=20, unique=True)
    learner = models.ForeignKey("people.Learner", on_delete=models.PROTECT, related_name="certificates")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    learner_name = models.CharField(_("name"), max_length=255)
    course_title = models.CharField(_("course"), max_length=255)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, default=0)
    issued_at = models.DateTimeField(_("issued"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [models.UniqueConstraint(fields=["learner", "course"], name="training_one_certificate")]

    def __str__(self) -> str:
        return self.code


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class CertificateBatch(models.Model):
    """One request to issue certificates to a whole class, run in the background; the class page shows its counts."""

    klass = models.ForeignKey(CourseClass, on_delete=models.CASCADE, related_name="certificate_batches")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    issued = models.PositiveIntegerField(_("issued"), default=0)
    already = models.PositiveIntegerField(_("already had one"), default=0)
    not_completed = models.PositiveIntegerField(_("not completed yet"), default=0)
    pdfs = models.PositiveIntegerField(_("PDF files written"), default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("certificate batch")
        verbose_name_plural = _("certificate batches")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.klass_id}@{self.requested_at:%Y-%m-%d %H:%M}"
