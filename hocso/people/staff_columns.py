"""The columns of a staff list, once: the export (people.exporting) and the import template (people.importing.report)
pick theirs from here, so the same column has the same header and width in both files."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# key: (header, width in characters)
STAFF_COLUMNS: dict[str, tuple[Promise, int]] = {
    "no": (_("No."), 6),
    "full_name": (_("Full name"), 28),
    "family_name": (_("Family name"), 14),
    "middle_name": (_("Middle name"), 16),
    "given_name": (_("Given name"), 12),
    "date_of_birth": (_("Date of birth"), 14),
    "gender": (_("Gender"), 10),
    "cccd": (_("CCCD number"), 16),
    "unit_code": (_("Unit code"), 16),
    "unit": (_("Unit"), 40),
    "position": (_("Position"), 24),
    "rank_code": (_("Rank code"), 12),
    "target_group": (_("Target group"), 34),
    "email": (_("Email"), 28),
    "phone": (_("Phone"), 14),
    "status": (_("Status"), 16),
}

# The export's columns can be edited and imported again (the names split in three, the unit's code beside it).
EXPORT_KEYS = (
    "no", "family_name", "middle_name", "given_name", "date_of_birth", "gender", "cccd", "unit_code", "unit",
    "position", "rank_code", "target_group", "email", "phone", "status",
)
# The blank template: one full-name column, the unit by name.
TEMPLATE_KEYS = (
    "no", "full_name", "date_of_birth", "gender", "cccd", "unit", "position", "rank_code", "target_group", "email",
    "phone",
)


def staff_columns(keys: tuple[str, ...]) -> list[tuple[str, str, int]]:
    """(key, header in the active language, width) for each key, in order."""
    return [(key, str(STAFF_COLUMNS[key][0]), STAFF_COLUMNS[key][1]) for key in keys]
