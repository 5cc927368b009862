"""A site's fields as a form or an import row gives them, and their cleaning (shared by the form and the import)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hocso.core.phone import PhoneError, normalise_phone
from hocso.core.text import normalize
from hocso.org.models import Unit

# What an audit entry and the import compare; coordinators are listed apart (accounts, not text).
SITE_FIELDS = ("unit_id", "name", "address", "capacity", "coordinator_name", "coordinator_phone",
               "technician_name", "technician_phone", "equipment", "is_active")


@dataclass
class SiteData:
    """A site's fields as a form or an import row gives them (texts not yet cleaned)."""

    unit: Unit
    name: str
    address: str = ""
    capacity: int | None = None
    coordinator_name: str = ""
    coordinator_phone: str = ""
    technician_name: str = ""
    technician_phone: str = ""
    equipment: str = ""
    is_active: bool = True


def clean_site_data(data: SiteData) -> dict:
    """The fields as stored; ValidationError with every problem by field."""
    errors: dict[str, str] = {}
    values = {
        "unit_id": data.unit.pk, "name": normalize(data.name), "address": normalize(data.address),
        "capacity": data.capacity, "coordinator_name": normalize(data.coordinator_name),
        "technician_name": normalize(data.technician_name), "equipment": (data.equipment or "").strip(),
        "is_active": data.is_active,
    }
    if not values["name"]:
        errors["name"] = _("Give the site a name.")
    for field, limit in (("name", 255), ("address", 500), ("coordinator_name", 150), ("technician_name", 150),
                         ("equipment", 2000)):
        if len(values[field]) > limit:
            errors[field] = _("At most %(limit)s characters.") % {"limit": limit}
    if data.unit.valid_to is not None:
        errors["unit"] = _("This unit no longer exists (it was merged or split); choose the unit that took it over.")
    if data.capacity is not None and not 1 <= data.capacity <= 100_000:
        errors["capacity"] = _("The number of seats is a whole number from 1 to 100,000.")
    for field in ("coordinator_phone", "technician_phone"):
        try:
            values[field] = normalise_phone(getattr(data, field))
        except PhoneError as error:
            errors[field] = error.message
    if errors:
        raise ValidationError(errors)
    return values
