"""The results of a quiz as an .xlsx workbook (the results page's "Export to Excel")."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.exporting import add_sheet, append_row, cell, new_workbook, workbook_bytes

from ..models import Quiz
from .selectors import STATE_LABELS, ResultFilters, result_rows


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def results_xlsx(*, actor: Actor, quiz: Quiz, filters: ResultFilters | None = None) -> bytes:
    """The results as an .xlsx workbook: bold frozen header, people in Vietnamese order, CCCD masked."""
    from openpyxl.styles import Font

    workbook = new_workbook(write_only=True)
    sheet = add_sheet(workbook, _("Results"))
    sheet.freeze_panes = "A2"
    headers = [
        _("No."), _("Family and middle name"), _("Given name"), _("CCCD"), _("Unit when sitting the quiz"),
        _("Target group"), _("Attempts"), _("Final grade (%)"), _("Passed"), _("State"), _("Last submitted"),
    ]
    widths = [6, 26, 14, 16, 40, 30, 10, 14, 10, 22, 18]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    bold = Font(bold=True)
    append_row(sheet, [cell(sheet, text, font=bold) for text in headers])
    rows = result_rows(actor=actor, quiz=quiz, filters=filters or ResultFilters())
    for number, person in enumerate(rows.iterator(chunk_size=2000), start=1):
        family = " ".join(p for p in (person.family_name, person.middle_name) if p)
        append_row(sheet, [
            number, family, person.given_name, person.masked_cccd, person.sat_unit_name or "",
            person.target_group.name if person.target_group_id else "", person.attempt_count,
            # a number (Excel computes with it) shown with one decimal, as on the page
            cell(sheet, float(person.grade), number_format="0.0") if person.grade is not None else None,
            _yes_no(person.passed),
            str(STATE_LABELS.get(person.result_state, "")), person.last_submitted_at,  # a real date and time, local
        ])
    return workbook_bytes(workbook)
