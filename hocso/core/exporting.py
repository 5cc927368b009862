"""The one way the product writes spreadsheets (.xlsx) and CSV files: no cell is ever a formula.

A text that begins with ``=``, ``+``, ``-`` or ``@`` (or their full-width forms ＝＋－＠, which Excel's East Asian
input turns into formulas), a tab or a carriage return is what Excel, LibreOffice and Google Sheets may run as a
formula ("CSV/formula injection", OWASP): a learner named ``=HYPERLINK("http://…","Bấm vào")`` would become a
live link in the file a focal point downloads. Names, positions, unit names and whatever a file or a form let in
are written as text, always:

- .xlsx: such a cell is an inline string with the "quote prefix" style, what Excel itself records when one types
  ``'=1+1``. It shows exactly the stored text, is never evaluated, stays text when edited, and reads back
  unchanged (so an exported list imports again as it was).
- CSV: such a field starts with an apostrophe (``'=1+1``), the convention spreadsheet programs show as text.
  `strip_csv_guard` takes it off again: the staff import reads our own CSV back unchanged.

Numbers, dates and booleans stay real numbers, dates and booleans; dates get the Vietnamese dd/mm/yyyy format
(Excel has no time zones: an aware datetime is written in local time). Characters an .xlsx file cannot hold
(control characters) are dropped instead of failing the whole download.

Use `new_workbook`, `add_sheet`, `append_row` (or `cell` for a styled cell) and `workbook_bytes` for .xlsx, and
`csv_bytes` for CSV. `workbook_bytes` also turns into text any formula a writer put into an ordinary (not
write-only) sheet by other means: the product never writes formulas into cells (drop-down lists live in data
validations, which are not cells).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.functional import Promise

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell import Cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"

# What a spreadsheet may read as the start of a formula (OWASP's list, with the full-width forms).
FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
CSV_GUARD = "'"
# Characters XML 1.0 cannot carry (openpyxl refuses them); tab, line feed and carriage return are allowed.
_NOT_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Excel forbids these in sheet names ("Quý IV/2026"), and a name longer than 31 characters.
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def looks_like_formula(text: str) -> bool:
    """True if a spreadsheet program could take this text for a formula."""
    return bool(text) and text[0] in FORMULA_STARTS


def strip_csv_guard(text: str) -> str:
    """Undo the CSV guard: ``'=1+1`` -> ``=1+1``. For readers of files we may have written; other text unchanged."""
    if len(text) > 1 and text[0] == CSV_GUARD and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


# --- CSV -------------------------------------------------------------------------------------------------------------


def csv_field(value: Any) -> Any:
    """One value as a CSV field: numbers as they are, dates dd/mm/yyyy, text guarded against formulas."""
    if type(value) is str:  # most fields: the fast path
        return CSV_GUARD + value if value and value[0] in FORMULA_STARTS else value
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        return _local(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    return CSV_GUARD + text if looks_like_formula(text) else text


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file in UTF-8 with a byte-order mark (so Excel does not read it in the Windows code page)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_field(value) for value in header])
    for row in rows:
        writer.writerow([csv_field(value) for value in row])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


# --- .xlsx -----------------------------------------------------------------------------------------------------------


def new_workbook(*, write_only: bool = False) -> Workbook:
    """An empty workbook (no sheets yet: add them with `add_sheet`). Write-only keeps memory flat for long lists,
    but its rows can be neither read back nor styled after they are appended."""
    from openpyxl import Workbook

    book = Workbook(write_only=write_only)
    if not write_only:
        book.remove(book.active)
    return book


def sheet_title(title: str) -> str:
    return _NOT_IN_SHEET_NAME.sub("-", _NOT_IN_XLSX.sub("", str(title)))[:31].strip() or "Sheet"


def add_sheet(book: Workbook, title: str):
    """A new sheet whose name Excel accepts, whatever `title` holds (a campaign's "Quý IV/2026", a file's sheet)."""
    return book.create_sheet(sheet_title(title))


def _value(value: Any) -> Any:
    if isinstance(value, str):
        return _NOT_IN_XLSX.sub("", value)
    if isinstance(value, Promise):
        return _NOT_IN_XLSX.sub("", str(value))
    if isinstance(value, dt.datetime):
        return _local(value)
    return value


# openpyxl's own formats for a date or datetime written with no format: ours instead.
_DATE_FORMATS = {"yyyy-mm-dd": DATE_FORMAT, "yyyy-mm-dd h:mm:ss": DATETIME_FORMAT}


def _guard(target: Cell) -> Cell:
    """Make a text cell that could read as a formula plain text; give dates the Vietnamese format."""
    value = target.value
    if isinstance(value, str) and (target.data_type == "f" or looks_like_formula(value)):
        target.data_type = "s"  # an inline string: never a formula
        target.quotePrefix = True  # and it stays text when someone edits it in Excel
    elif target.data_type == "d" and target.number_format in _DATE_FORMATS:
        target.number_format = _DATE_FORMATS[target.number_format]
    return target


def _plain(value: Any) -> bool:
    """A value openpyxl may write as it is: a number, nothing, or text that is neither a formula nor unwritable."""
    if type(value) is str:
        return not (value and value[0] in FORMULA_STARTS) and not _NOT_IN_XLSX.search(value)
    return value is None or type(value) in (int, float, Decimal, bool)


def cell(sheet, value: Any, *, font=None, fill=None, alignment=None, border=None, number_format: str | None = None
         ) -> Cell:
    """A styled cell of a write-only sheet, for `append_row` (header rows, numbers kept as text such as a CCCD).

    Ordinary sheets are styled the ordinary way, after `append_row`: `sheet[sheet.max_row]` is the new row.
    """
    from openpyxl.cell import WriteOnlyCell

    target = WriteOnlyCell(sheet, value=_value(value))
    if number_format is not None:
        target.number_format = number_format
    for name, style in (("font", font), ("fill", fill), ("alignment", alignment), ("border", border)):
        if style is not None:
            setattr(target, name, style)
    return _guard(target)


def append_row(sheet, values: Iterable[Any]) -> None:
    """Append one row of values (or, to a write-only sheet, `cell`s). Every text that could be a formula is
    written as text: here for a write-only sheet, whose rows go straight to the file, and in `workbook_bytes`
    for an ordinary one (whose cells may still be changed until then)."""
    from openpyxl.cell import Cell

    if sheet.parent.write_only:
        sheet.append([_guard(v) if isinstance(v, Cell) else v if _plain(v) else cell(sheet, v) for v in values])
    else:
        sheet.append([_value(v) for v in values])


def workbook_bytes(book: Workbook) -> bytes:
    """The saved file. Every cell of the ordinary sheets is checked first: no formula leaves this function."""
    if not book.write_only:  # write-only sheets were guarded row by row in `append_row`
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for target in row:
                    _guard(target)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
