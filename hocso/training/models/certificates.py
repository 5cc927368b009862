"""Certificates of completed courses, and the background runs that issue them to a whole class."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .classes import CourseClass
from .courses import Course


class CertificateKind(models.TextChoices):
    COURSE = "course", _("Course completed")
    PARTICIPATION = "participation", _("Participation")


class Certificate(models.Model):
    """Issued once a learner completes a course, or for taking part in something a higher app runs (an awareness
    programme: `kind` participation, no course, `source` says what, e.g. "programme:12"). Names are frozen at issue,
    so the certificate reads the same later; anyone holding the code can verify it on the public page."""

    code = models.CharField(_("verification code"), max_length=20, unique=True)
    learner = models.ForeignKey("people.Learner", on_delete=models.PROTECT, related_name="certificates")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates", null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=15, choices=CertificateKind.choices, default=CertificateKind.COURSE)
    source = models.CharField(max_length=40, blank=True, default="")
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
        constraints = [
            models.UniqueConstraint(fields=["learner", "course"], name="training_one_certificate"),
            models.UniqueConstraint(fields=["learner", "source"], condition=~models.Q(source=""),
                                    name="training_one_certificate_per_source"),
            models.CheckConstraint(condition=models.Q(kind="course", course__isnull=False)
                                   | models.Q(kind="participation", course__isnull=True) & ~models.Q(source=""),
                                   name="training_certificate_kind"),
        ]

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
