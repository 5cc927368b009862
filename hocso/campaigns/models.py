"""Quarterly test campaigns (đợt kiểm tra định kỳ), reminders and the frozen snapshots that get published."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .disclosure import public_figures


class Campaign(models.Model):
    """A quiz given to an audience (units x target groups) during a window of dates."""

    title = models.CharField(_("title"), max_length=200, help_text=_("For example: Quarter IV/2026"))
    quiz = models.ForeignKey("assessment.Quiz", verbose_name=_("quiz"), on_delete=models.PROTECT,
                             related_name="campaigns")
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), help_text=_("The last day of the campaign (inclusive)"))
    target_groups = models.ManyToManyField("org.TargetGroup", verbose_name=_("target groups"), blank=True,
                                           related_name="+", help_text=_("None selected: every group"))
    attempts_allowed = models.PositiveSmallIntegerField(_("attempts allowed"), null=True, blank=True,
                                                        help_text=_("Empty: the quiz's setting"))
    pass_percent = models.DecimalField(_("pass mark (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
                                       help_text=_("Empty: the quiz's pass mark"))
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder (days before closing)"), default=3,
        help_text=_("People who have not passed get an e-mail this many days before the campaign closes; 0: none"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("test campaign")
        verbose_name_plural = _("test campaigns")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")),
                                   name="campaigns_window_order"),
        ]

    def __str__(self) -> str:
        return self.title


class CampaignUnit(models.Model):
    """One line of the audience: a unit, with or without its sub-units, included or excluded."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="audience_units")
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    include_subtree = models.BooleanField(_("with its sub-units"), default=True)
    excluded = models.BooleanField(_("excluded"), default=False)

    class Meta:
        verbose_name = _("audience unit")
        verbose_name_plural = _("audience units")
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="campaigns_unit_once")]

    def __str__(self) -> str:
        return f"{self.campaign} / {self.unit}"


class Reminder(models.Model):
    """An e-mail sent to one learner about one campaign; the constraint makes sending idempotent."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reminders")
    learner = models.ForeignKey("people.Learner", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "learner", "kind"], name="campaigns_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.learner_id}/{self.kind}"


class Snapshot(models.Model):
    """The published results of a campaign, frozen. Re-publishing adds a version; old ones stay."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="snapshots")
    version = models.PositiveIntegerField()
    period = models.CharField(max_length=200)
    opens_on = models.DateField()
    closes_on = models.DateField()
    pass_percent = models.DecimalField(max_digits=5, decimal_places=2)
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    min_group_size = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The minimum group size the rows' suppression masks apply (disclosure.py)")

    class Meta:
        ordering = ["campaign", "-version"]
        constraints = [models.UniqueConstraint(fields=["campaign", "version"], name="campaigns_snapshot_version")]

    def __str__(self) -> str:
        return f"{self.period} v{self.version}"


class SnapshotRow(models.Model):
    """Figures for one unit (its own people, and rolled up over its subtree). No personal data. The stored figures
    are exact; every public or keyed output reads them through `public()`, which withholds small groups."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="rows")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    unit_name = models.CharField(max_length=255)
    agency_code = models.CharField(max_length=20, blank=True)
    admin_unit_code = models.CharField(max_length=10, blank=True)
    parent_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    path = models.CharField(max_length=400)
    depth = models.PositiveSmallIntegerField(default=0)
    own = models.JSONField(default=dict, help_text="Figures for the unit's own people")
    total = models.JSONField(default=dict, help_text="Figures for the unit and its subtree")
    suppression = models.JSONField(
        default=dict, help_text="Figures withheld from every public or keyed output: {cell: {group: reason}}")

    class Meta:
        ordering = ["snapshot", "path"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "path"], name="campaigns_snapshot_row_once")]

    def __str__(self) -> str:
        return self.unit_name

    def public(self, cell: str) -> dict:
        """The "own" or "total" figures as published: small groups withheld (campaigns/disclosure.py)."""
        return public_figures(getattr(self, cell), self.suppression.get(cell))
