"""The provincial training plan (kế hoạch bồi dưỡng) and its yearly targets per target group."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class TrainingPlan(models.Model):
    title = models.CharField(_("title"), max_length=255,
                             help_text=_("For example: Digital transformation training plan to 2026"))
    start_year = models.PositiveSmallIntegerField(_("start year"))
    end_year = models.PositiveSmallIntegerField(_("end year"))
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        ordering = ["-end_year", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=F("start_year")), name="training_plan_year_order"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class PlanTarget(models.Model):
    plan = models.ForeignKey(TrainingPlan, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    target_group = models.ForeignKey("org.TargetGroup", verbose_name=_("target group"), on_delete=models.PROTECT,
                                     related_name="+")
    target_count = models.PositiveIntegerField(_("target"))

    class Meta:
        verbose_name = _("plan target")
        verbose_name_plural = _("plan targets")
        ordering = ["year", "target_group__position", "target_group__name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "target_group"], name="training_plan_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} / {self.year} / {self.target_group}"
