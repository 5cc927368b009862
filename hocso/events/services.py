"""Writes about bridge sites: keyword-only, transactional, scope-checked, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocso.access.models import Role
from hocso.access.services import role_assign
from hocso.core.actors import Actor
from hocso.core.audit import audit, snapshot
from hocso.core.permissions import ensure

from .importing import plan_rows
from .models import BridgeSite, BridgeSiteImport
from .permissions import can_manage_site_of
from .site_data import SITE_FIELDS, SiteData, clean_site_data

NOT_YOURS = gettext_lazy("You can only manage the bridge sites of your own units.")


def _check_name_free(values: dict, site: BridgeSite | None) -> None:
    taken = BridgeSite.objects.filter(unit_id=values["unit_id"], name__iexact=values["name"])
    if site is not None:
        taken = taken.exclude(pk=site.pk)
    if taken.exists():
        raise ValidationError({"name": _("This unit already has a site with this name.")})


@transaction.atomic
def site_save(*, actor: Actor, site: BridgeSite | None = None, data: SiteData,
              coordinators: Sequence | None = None) -> BridgeSite:
    """Create (site=None) or update a site. `coordinators`: the accounts that act for it (None keeps them); each
    new one is given the coordinator role on the site's unit, so their home page shows the site."""
    ensure(can_manage_site_of(actor, data.unit), NOT_YOURS)
    if site is not None:
        ensure(can_manage_site_of(actor, site.unit), NOT_YOURS)
    values = clean_site_data(data)
    _check_name_free(values, site)
    before = snapshot(site, SITE_FIELDS) if site is not None else {}
    site = site or BridgeSite()
    for field, value in values.items():
        setattr(site, field, value)
    site.unit = data.unit
    site.refresh_keys(data.unit)
    creating = site.pk is None
    site.save()
    added: list[int] = []
    if coordinators is not None:
        current = set(site.coordinators.values_list("pk", flat=True))
        wanted = {user.pk: user for user in coordinators}
        added = sorted(set(wanted) - current)
        site.coordinators.set(list(wanted.values()))
        for pk in added:
            role_assign(actor=actor, user=wanted[pk], role=Role.COORDINATOR, unit=data.unit)
    extra = {"coordinators_added": ", ".join(sorted(wanted[pk].username for pk in added))} if added else None
    audit(actor, "bridge_site.create" if creating else "bridge_site.update", site,
          before=before, after=snapshot(site, SITE_FIELDS), extra=extra)
    return site


# ---- the site list from Excel: preview, then confirm once ----------------------------------------------------

PREVIEW_KEPT_FOR = 2  # days; older unconfirmed previews are removed when a new one is stored


def site_import_store(*, actor: Actor, filename: str, payload: dict) -> BridgeSiteImport:
    """Keep a parsed and checked file (hocso.events.importing) for its author to confirm; nothing is written yet."""
    with transaction.atomic():
        BridgeSiteImport.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=PREVIEW_KEPT_FOR),
                                        applied_at__isnull=True).delete()
        return BridgeSiteImport.objects.create(owner=actor, filename=filename[:255], payload=payload)


@transaction.atomic
def site_import_apply(*, actor: Actor, site_import: BridgeSiteImport) -> BridgeSiteImport:
    """Apply a stored preview, all or nothing, once: a second confirmation (double click, back button) imports
    nothing. Every row is checked again (a unit may have been merged since the preview): one bad row and nothing
    is written."""
    locked = BridgeSiteImport.objects.select_for_update().get(pk=site_import.pk)
    ensure(locked.owner_id == actor.pk, _("This import belongs to someone else."))
    if locked.applied_at is not None:
        raise ValidationError(_("This file has already been imported."))
    plan = plan_rows(actor=actor, rows=locked.payload.get("rows", []))
    if plan.errors:
        raise ValidationError(_("The file has rows with errors; correct them and upload it again."))
    created = updated = 0
    for row in plan.rows:
        site = BridgeSite.objects.filter(pk=row.site_id).first() if row.site_id else None
        site_save(actor=actor, site=site, data=row.data, coordinators=row.coordinators)
        created += site is None
        updated += site is not None
    locked.applied_at = timezone.now()
    locked.created_count, locked.updated_count = created, updated
    locked.save(update_fields=["applied_at", "created_count", "updated_count"])
    audit(actor, "bridge_site.import", None, extra={"file": locked.filename, "sites_created": created,
                                                     "sites_updated": updated})
    return locked
