"""Classes (runs of a course), enrolments in a course or class, sessions and attendance."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .courses import Course, CourseMode, Lesson


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
