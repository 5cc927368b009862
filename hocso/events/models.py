"""Bridge sites (điểm cầu) and their imports. A site belongs to a unit of the tree; programmes (next) use them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hocso.core.text import collation_key, search_key
from hocso.org.models import Unit


class BridgeSite(models.Model):
    """A video-conference bridge site (điểm cầu): a room of a unit where people follow a programme together.

    Its contact people are written as names and phone numbers (a technician often has no account); the accounts
    that act for the site (check people in, confirm readiness) are its `coordinators`.
    """

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="bridge_sites")
    name = models.CharField(_("site name"), max_length=255)
    address = models.CharField(_("address"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    coordinator_name = models.CharField(_("person in charge"), max_length=150, blank=True)
    coordinator_phone = models.CharField(_("phone of the person in charge"), max_length=20, blank=True)
    technician_name = models.CharField(_("technician"), max_length=150, blank=True)
    technician_phone = models.CharField(_("technician's phone"), max_length=20, blank=True)
    equipment = models.TextField(_("equipment notes"), blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("coordinator accounts"), blank=True, related_name="bridge_sites",
    )
    is_active = models.BooleanField(_("in use"), default=True)
    sort_key = models.CharField(max_length=600, editable=False, db_index=True)
    search_key = models.CharField(max_length=800, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bridge site")
        verbose_name_plural = _("bridge sites")
        ordering = ["sort_key", "id"]
        # The import finds a site again by its unit and name.
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="org_bridge_site_name")]

    def __str__(self) -> str:
        return self.name

    def refresh_keys(self, unit: Unit | None = None) -> None:
        unit = unit or self.unit
        self.sort_key = collation_key(self.name)
        self.search_key = search_key(self.name, self.address, unit.name, unit.short_name, self.coordinator_name)


class BridgeSiteImport(models.Model):
    """A parsed site list kept between the preview and the confirmation (then applied once)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(_("file"), max_length=255)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bridge site import")
        verbose_name_plural = _("bridge site imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename
