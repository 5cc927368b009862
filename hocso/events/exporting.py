"""The bridge-site list as .xlsx, in the import's columns (an export edited in Excel imports again), and the empty
template. Written by hocso.core.exporting: no cell is ever a formula."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import get_language

from hocso.core.exporting import add_sheet, append_row, cell, new_workbook, workbook_bytes

from .importing import COLUMNS
from .models import BridgeSite

_WIDTHS = {"unit_code": 16, "unit_name": 30, "name": 34, "address": 40, "capacity": 10, "coordinator_name": 22,
           "coordinator_phone": 16, "technician_name": 22, "technician_phone": 16, "equipment": 36,
           "coordinators": 26, "is_active": 12}
# Phone numbers and codes stay text: Excel would turn 0912… into a number and drop its zero.
_TEXT = {"unit_code", "coordinator_phone", "technician_phone"}


def _headers() -> list[str]:
    english = (get_language() or "vi").startswith("en")
    return [en if english else vi for _field, vi, en in COLUMNS]


def _book(rows: Iterable[dict], title: str) -> bytes:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = new_workbook(write_only=True)
    sheet = add_sheet(book, title)
    sheet.freeze_panes = "A2"
    for index, (field, _vi, _en) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS[field]
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="EEF1F5")
    wrap = Alignment(vertical="center", wrap_text=True)
    append_row(sheet, [cell(sheet, label, font=bold, fill=fill, alignment=wrap) for label in _headers()])
    for row in rows:
        append_row(sheet, [cell(sheet, row[field], number_format="@") if field in _TEXT else row[field]
                           for field, _vi, _en in COLUMNS])
    return workbook_bytes(book)


def sites_xlsx(sites: Iterable[BridgeSite], *, yes: str, no: str, title: str) -> bytes:
    """`sites` with their unit and coordinators prefetched (hocso.events.selectors.site_list)."""
    def row(site: BridgeSite) -> dict:
        return {
            "unit_code": site.unit.code or site.unit.admin_unit_code, "unit_name": site.unit.name,
            "name": site.name, "address": site.address, "capacity": site.capacity,
            "coordinator_name": site.coordinator_name, "coordinator_phone": site.coordinator_phone,
            "technician_name": site.technician_name, "technician_phone": site.technician_phone,
            "equipment": site.equipment,
            "coordinators": ", ".join(sorted(user.username for user in site.coordinators.all())),
            "is_active": yes if site.is_active else no,
        }
    return _book((row(site) for site in sites), title)


def template_xlsx(*, example: dict, title: str) -> bytes:
    return _book([example], title)
