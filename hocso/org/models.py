"""The unit tree (materialised path), target groups and reorganisations."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hocso.core.text import collation_key, search_key, search_terms

# QCVN 102:2016/BTTTT agency e-identifier: 000.00.00.H55 (levels 4.3.2.1, level 1 = province letter+2 digits).
AGENCY_CODE_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
SEGMENT_WIDTH = 6  # base-36 digits per path segment, plus a "." separator


def path_segment(pk: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while pk:
        pk, rem = divmod(pk, 36)
        out = digits[rem] + out
    return out.rjust(SEGMENT_WIDTH, "0") + "."


def validate_agency_code(value: str) -> None:
    if value and not AGENCY_CODE_RE.match(value):
        raise ValidationError(
            _("The agency code must follow QCVN 102:2016, e.g. 000.00.00.H55."), code="agency_code"
        )


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    DEPARTMENT = "department", _("Department or agency")
    DIVISION = "division", _("Division or office")
    PUBLIC_SERVICE = "public_service", _("Public service unit")
    PARTY_UNION = "party_union", _("Party, union or socio-political organisation")
    WARD = "ward", _("Ward")
    COMMUNE = "commune", _("Commune")
    SPECIAL_ZONE = "special_zone", _("Special zone")
    SCHOOL = "school", _("School")
    HOSPITAL = "hospital", _("Hospital")
    HEALTH_STATION = "health_station", _("Health station")
    OTHER = "other", _("Other")


class UnitQuerySet(models.QuerySet):
    def current(self):
        return self.filter(valid_to__isnull=True)

    def in_subtree(self, unit: Unit, *, include_self: bool = True):
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def search(self, query: str):
        """Units whose name, short name or code has words starting with every word of `query`."""
        qs = self
        for term in search_terms(query):
            qs = qs.filter(search_key__contains=term)
        return qs

    def tree_order(self):
        return self.order_by("path")


class Unit(models.Model):
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    code = models.CharField(
        _("agency code"), max_length=20, unique=True, null=True, blank=True,
        validators=[validate_agency_code], help_text=_("QCVN 102:2016 pattern, e.g. 000.00.00.H55"),
    )
    admin_unit_code = models.CharField(
        _("administrative unit code"), max_length=10, blank=True, db_index=True,
        help_text=_("Official code of the province, commune or ward, where it applies"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices, default=UnitKind.OTHER)
    path = models.CharField(max_length=400, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid until"), null=True, blank=True, db_index=True)
    successor = models.ForeignKey(
        "self", verbose_name=_("succeeded by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="predecessors_direct",
    )
    sort_key = models.CharField(max_length=600, editable=False, db_index=True)
    search_key = models.CharField(max_length=400, editable=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["sort_key"]
        indexes = [
            models.Index(fields=["path"], name="org_unit_path_like", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    def refresh_keys(self) -> None:
        self.sort_key = collation_key(self.name)
        self.search_key = search_key(self.name, self.short_name, self.code)

    def ancestor_paths(self) -> list[str]:
        step = SEGMENT_WIDTH + 1
        return [self.path[:i] for i in range(step, len(self.path) + 1, step)]


class TargetGroup(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class ReorganisationKind(models.TextChoices):
    CREATE = "create", _("Created")
    RENAME = "rename", _("Renamed")
    MOVE = "move", _("Moved")
    MERGE = "merge", _("Merged")
    SPLIT = "split", _("Split")


class Reorganisation(models.Model):
    """A change to the tree. Sources and targets let history be followed across merges and splits."""

    kind = models.CharField(_("kind"), max_length=10, choices=ReorganisationKind.choices)
    effective_date = models.DateField(_("effective date"))
    sources = models.ManyToManyField(Unit, related_name="reorganisations_out", blank=True)
    targets = models.ManyToManyField(Unit, related_name="reorganisations_in", blank=True)
    details = models.JSONField(default=dict, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")
        ordering = ["-effective_date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_date:%d/%m/%Y}"
