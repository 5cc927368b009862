"""Learner profiles and their unit memberships over time."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hocso.core.cccd import FEMALE, MALE, clean_cccd, mask_cccd
from hocso.core.scoping import scope_of
from hocso.core.text import fold, is_digits, person_sort_key, search_key, search_terms

RANK_CODE_RE = re.compile(r"^(\d{2}\.\d{3}[a-z]?|V\.\d{2}\.\d{2}\.\d{2})$")


def validate_rank_code(value: str) -> None:
    if value and not RANK_CODE_RE.match(value):
        raise ValidationError(
            _("A rank code looks like 01.003 (civil servants) or V.07.03.29 (public employees)."),
            code="rank_code",
        )


class Gender(models.TextChoices):
    MALE = MALE, _("Male")
    FEMALE = FEMALE, _("Female")


class LearnerStatus(models.TextChoices):
    ACTIVE = "active", _("Working")
    ON_LEAVE = "on_leave", _("On leave")
    RETIRED = "retired", _("Retired")
    LEFT = "left", _("Left the service")


class LearnerQuerySet(models.QuerySet):
    def in_scope(self, scope):
        return self.filter(scope.q("unit__path"))

    def visible_to(self, actor):
        """Learners the actor may see: their scope's subtrees, plus their own profile."""
        scope = scope_of(actor)
        if scope.everything:
            return self.all()
        condition = scope.q("unit__path")
        if isinstance(actor, get_user_model()) and actor.is_authenticated:
            # An empty Q() would swallow the OR, so the scope filter is only combined when non-empty.
            condition = (condition | Q(user_id=actor.pk)) if not scope.is_empty else Q(user_id=actor.pk)
        return self.filter(condition)

    def search(self, query: str):
        folded = fold(query)
        if not folded:
            return self
        if is_digits(folded.replace(" ", "")):
            # Only a whole number matches: partial digits would let a caller probe a CCCD digit by digit.
            number = clean_cccd(folded)
            return self.filter(cccd=number) if len(number) == 12 else self.none()
        qs = self
        for term in search_terms(folded):
            qs = qs.filter(search_key__contains=term)
        return qs


class Learner(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="learner",
    )
    family_name = models.CharField(_("family name"), max_length=50, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    given_name = models.CharField(_("given name"), max_length=50)
    cccd = models.CharField(_("CCCD number"), max_length=12, unique=True, null=True, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    rank_code = models.CharField(_("rank code"), max_length=20, blank=True, validators=[validate_rank_code])
    target_group = models.ForeignKey(
        "org.TargetGroup", verbose_name=_("target group"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="learners",
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=LearnerStatus.choices, default=LearnerStatus.ACTIVE, db_index=True
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("current unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="learners",
        help_text=_("Kept equal to the open membership by the services."),
    )
    sort_key = models.CharField(max_length=600, editable=False, db_index=True)
    search_key = models.CharField(max_length=400, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LearnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("learner")
        verbose_name_plural = _("learners")
        ordering = ["sort_key", "id"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)

    @property
    def masked_cccd(self) -> str:
        return mask_cccd(self.cccd)

    def refresh_keys(self) -> None:
        self.sort_key = person_sort_key(self.family_name, self.middle_name, self.given_name)
        self.search_key = search_key(self.full_name, self.email)


class MembershipReason(models.TextChoices):
    JOINED = "joined", _("Joined")
    TRANSFER = "transfer", _("Transfer")
    REORGANISATION = "reorganisation", _("Reorganisation")
    IMPORT = "import", _("Import")
    LEFT = "left", _("Left")


class Membership(models.Model):
    """A learner belonged to a unit from `start_date` (inclusive) to `end_date` (exclusive, open if null)."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="memberships")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(
        _("reason"), max_length=20, choices=MembershipReason.choices, default=MembershipReason.JOINED
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner"], condition=Q(end_date__isnull=True), name="people_one_open_membership"
            ),
        ]
        indexes = [models.Index(fields=["unit", "start_date"])]

    def __str__(self) -> str:
        return f"{self.learner} @ {self.unit} ({self.start_date}–{self.end_date or ''})"


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be read")
    READING = "reading", _("Reading the file")
    PREVIEW = "preview", _("Ready to confirm")
    FAILED = "failed", _("Could not be read")
    APPLYING = "applying", _("Importing")
    APPLIED = "applied", _("Imported")
    CANCELLED = "cancelled", _("Cancelled")


class ImportJob(models.Model):
    """One staff-list upload: the file, its preview and the outcome, kept server-side between the two steps.

    The file itself (personal data) is dropped once the import is applied or cancelled, or after a few days.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    file_name = models.CharField(_("file"), max_length=255)
    file_size = models.PositiveIntegerField(default=0)
    content = models.BinaryField(null=True, blank=True)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    default_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    effective_date = models.DateField(_("effective date"))
    language = models.CharField(max_length=10, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    stage = models.CharField(max_length=20, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    summary = models.JSONField(default=dict, blank=True)
    preview = models.JSONField(default=dict, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    error_report = models.BinaryField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("staff import")
        verbose_name_plural = _("staff imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_running(self) -> bool:
        return self.status in (ImportJobStatus.QUEUED, ImportJobStatus.READING, ImportJobStatus.APPLYING)
