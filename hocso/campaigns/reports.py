"""Official reports of a published snapshot, ready to attach to an official letter: an .xlsx with every unit in
tree order (indented) and a subtotal per agency, and a one-document PDF summary (fpdf2, DejaVu Sans for the
Vietnamese diacritics). Aggregates only, like the snapshot itself, and meant for publication: the figures of small
groups are withheld as on the public board (campaigns/disclosure.py), with the rule stated under the table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.exporting import XLSX_TYPE, add_sheet, append_row, new_workbook, workbook_bytes
from hocso.core.formatting import day, number
from hocso.training.certificates.pdf import vietnamese_pdf

from .disclosure import suppression_rule
from .models import Snapshot
from .selectors.boards import PublicRow, public_rows, snapshot_k

PDF_TYPE = "application/pdf"


@dataclass(frozen=True)
class ReportLine:
    kind: str  # "unit" (its own people), "subtotal" (an agency and everything below it) or "total"
    name: str
    code: str
    level: int
    figures: dict  # published figures with their marks (PublicRow.shown_own / shown_total)


def report_lines(snapshot: Snapshot) -> list[ReportLine]:
    """Units in tree order with their own people; after each agency (a unit directly below the top) its subtotal
    (the agency's rolled-up figures); at the end the grand total (the top unit's rolled-up figures)."""
    rows = public_rows(snapshot)
    if not rows:
        return []
    top_depth = min(r.depth for r in rows)
    tops = [r for r in rows if r.depth == top_depth]
    lines: list[ReportLine] = []
    agency: PublicRow | None = None

    def close_agency() -> None:
        if agency is not None:
            lines.append(ReportLine("subtotal", agency.unit_name, agency.agency_code, 1, agency.shown_total))

    for row in rows:
        if row.depth == top_depth + 1:
            close_agency()
            agency = row
        elif row.depth == top_depth:
            close_agency()
            agency = None
        lines.append(ReportLine("unit", row.unit_name, row.agency_code, row.depth - top_depth, row.shown_own))
    close_agency()
    for top in tops:
        lines.append(ReportLine("total", top.unit_name, top.agency_code, 0, top.shown_total))
    return lines


def _header() -> list[str]:
    return [_("No."), _("Unit"), _("Agency code"), *_figure_labels()]


def _figure_labels() -> list[str]:
    return [_("Audience"), _("Participants"), _("Participation (%)"), _("With a result"), _("Passed"),
            _("Pass rate (%)"), _("Mean score")]


def _values(line: ReportLine) -> list[Any]:
    f = line.figures
    return [f.get("audience"), f.get("participants"), f.get("participation_rate"), f.get("graded"),
            f.get("passed"), f.get("pass_rate"), f.get("mean")]


def _notes(snapshot: Snapshot) -> str:
    """The rules under every report's table: what the rates mean and which figures are withheld."""
    return " ".join([
        _("Participation rate = participants / audience."),
        _("Pass rate = passed / people with a result (graded); people still sitting the test or waiting for an "
          "essay to be graded count as participants only. Figures for a unit include the units below it."),
        suppression_rule(snapshot_k(snapshot)),
    ])


def _label(line: ReportLine) -> str:
    if line.kind == "subtotal":
        return _("Subtotal: %(unit)s") % {"unit": line.name}
    if line.kind == "total":
        return _("Total: %(unit)s") % {"unit": line.name}
    return line.name


def _title(snapshot: Snapshot) -> str:
    return _("Results of the test campaign %(title)s") % {"title": snapshot.period}


def _period(snapshot: Snapshot) -> str:
    return _("From %(start)s to %(end)s; published results, version %(version)s of %(published)s.") % {
        "start": day(snapshot.opens_on), "end": day(snapshot.closes_on),
        "version": snapshot.version, "published": day(snapshot.published_at),
    }


def _dated(today: dt.date) -> str:
    return _("Date: %(date)s") % {"date": day(today)}


def report_xlsx(snapshot: Snapshot, *, today: dt.date | None = None) -> bytes:
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    today = today or timezone.localdate()
    book = new_workbook()
    sheet = add_sheet(book, _("Report"))
    header = _header()
    append_row(sheet, [settings.HOCSO_PROVINCE_NAME.upper()])
    append_row(sheet, [_title(snapshot)])
    append_row(sheet, [_period(snapshot)])
    append_row(sheet, [_dated(today)])
    append_row(sheet, [])
    append_row(sheet, header)
    for cell in sheet[1] + sheet[2]:
        cell.font = Font(bold=True, size=13)
    for index in (1, 2, 3, 4):
        sheet.merge_cells(start_row=index, start_column=1, end_row=index, end_column=len(header))
        sheet.cell(row=index, column=1).alignment = Alignment(horizontal="center")
    thin = Side(style="thin")
    for cell in sheet[6]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    position = 0
    for line in report_lines(snapshot):
        if line.kind == "unit":
            position += 1
        append_row(sheet, [position if line.kind == "unit" else None, _label(line), line.code, *_values(line)])
        row = sheet.max_row
        sheet.cell(row=row, column=2).alignment = Alignment(indent=line.level * 2 if line.kind == "unit" else 0)
        if line.kind != "unit":
            for cell in sheet[row]:
                cell.font = Font(bold=True)
    sheet.append([])
    sheet.append([_notes(snapshot)])
    notes = sheet.max_row
    sheet.merge_cells(start_row=notes, start_column=1, end_row=notes, end_column=len(header))
    sheet.cell(row=notes, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[notes].height = 48
    sheet.freeze_panes = "C7"
    for column, width in enumerate((6, 60, 18, 12, 12, 14, 12, 10, 12, 12), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.print_title_rows = "6:6"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    return workbook_bytes(book)


def _fmt(value: Any) -> str:
    """A figure of the PDF: a rate or a mean (a float) with one decimal, a count with a thousands separator, a
    withheld figure as its mark ("< 5", "*")."""
    if isinstance(value, str):
        return value
    if isinstance(value, float | Decimal):
        return number(value, 1)
    return number(value)


def report_pdf(snapshot: Snapshot, *, today: dt.date | None = None) -> bytes:
    """One or two pages: the title block, the province's figures, and each agency's subtotal."""
    today = today or timezone.localdate()
    pdf = vietnamese_pdf(title=_title(snapshot))
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 12)
    pdf.cell(0, 7, settings.HOCSO_PROVINCE_NAME.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 15)
    pdf.multi_cell(0, 8, _title(snapshot), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 6, _period(snapshot), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, _dated(today), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    lines = report_lines(snapshot)
    totals = [line for line in lines if line.kind == "total"]
    subtotals = [line for line in lines if line.kind == "subtotal"]
    with pdf.table(col_widths=(52, 18, 20, 22, 18, 16, 22, 22), text_align=("LEFT", *["RIGHT"] * 7),
                   line_height=5.5) as table:
        pdf.set_font("DejaVu", "B", 9)
        table.row([_("Unit"), *_figure_labels()])
        pdf.set_font("DejaVu", "", 9)
        for line in [*totals, *subtotals]:
            table.row([_label(line), *[_fmt(v) for v in _values(line)]])
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 8)
    pdf.multi_cell(0, 4.5, " ".join([_notes(snapshot), _("The full list of units is in the .xlsx report.")]),
                   new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def report_file(snapshot: Snapshot, fmt: str) -> tuple[bytes, str, str]:
    name = f"bao-cao-{snapshot.campaign_id}-v{snapshot.version}"
    if fmt == "pdf":
        return report_pdf(snapshot), PDF_TYPE, f"{name}.pdf"
    return report_xlsx(snapshot), XLSX_TYPE, f"{name}.xlsx"
