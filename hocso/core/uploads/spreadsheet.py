"""Turn an uploaded file into a grid of cell values: .xlsx through calamine, or CSV text. Bounded.

The result is sheets of rows whose index + 1 is the row number a person sees in Excel. Before calamine reads an
.xlsx, `ooxml.inspect_xlsx` has checked the zip and the real extent of every sheet; after it, every text cell is
checked for NUL characters and length. Formats that cannot be checked before reading are refused with a message
that says how to save the file as .xlsx.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from . import csvtext, ooxml
from .limits import FileRejected, UploadLimits, check_size, number

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# An encrypted (password-protected) Office file is an OLE container holding these two streams.
ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
BINARY_MAGICS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"MZ")
XLSX, CSV = "xlsx", "csv"

Cell = Any  # str | int | float | bool | datetime.date | datetime.datetime | datetime.time | None


@dataclass
class Sheet:
    name: str
    rows: list[list[Cell]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)

    @property
    def height(self) -> int:
        return len(self.rows)


class Workbook:
    """A readable file: its sheet names and each sheet's cells, loaded when asked for."""

    def __init__(self, kind: str, sheet_names: list[str], loader) -> None:
        self.kind = kind
        self.sheet_names = sheet_names
        self._loader = loader

    def sheet(self, name: str) -> Sheet:
        if name not in self.sheet_names:
            raise FileRejected("no_such_sheet", _("The file has no sheet named “%(name)s”.") % {"name": name})
        return self._loader(name)

    def sheets(self) -> Iterator[Sheet]:
        for name in self.sheet_names:
            yield self._loader(name)


def open_workbook(content: bytes, *, limits: UploadLimits | None = None, kinds: tuple[str, ...] = (XLSX, CSV)
                  ) -> Workbook:
    """Recognise the format from the bytes themselves (the extension is only a hint), check it and open it.

    `kinds` are the formats the caller accepts; anything else is refused with a message naming them.
    Raises FileRejected with a message for the person who uploaded the file.
    """
    limits = limits or UploadLimits.from_settings()
    check_size(len(content), limits.max_bytes)
    if not content.strip():
        raise FileRejected("empty", _("The file is empty."))
    if content.startswith(OLE_MAGIC):
        if any(stream in content for stream in ENCRYPTED_STREAMS):
            raise FileRejected(
                "encrypted",
                _("The file is protected with a password. Open it in Excel, remove the password "
                  "(File → Info → Protect Workbook → Encrypt with Password, leave it empty), save and upload again."),
            )
        raise _save_as_xlsx(_("an Excel 97–2003 workbook (.xls)"))
    if content.startswith(ZIP_MAGIC):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
        except (zipfile.BadZipFile, ValueError, EOFError, OSError) as exc:
            raise ooxml.damaged() from exc
        if "xl/workbook.xml" in names and XLSX in kinds:
            return _open_xlsx(content, limits)
        if "xl/workbook.bin" in names:
            raise _save_as_xlsx(_("an Excel binary workbook (.xlsb)"))
        if "content.xml" in names and b"opendocument.spreadsheet" in content[:200]:
            raise _save_as_xlsx(_("an OpenDocument spreadsheet (.ods)"))
        raise not_a_spreadsheet(kinds)
    if content.startswith(BINARY_MAGICS) or CSV not in kinds:
        raise not_a_spreadsheet(kinds)
    return _open_csv(content, limits)


def not_a_spreadsheet(kinds: tuple[str, ...] = (XLSX, CSV)) -> FileRejected:
    if CSV in kinds:
        message = _("This file is not a spreadsheet. Upload an Excel file (.xlsx) or a CSV file.")
    else:
        message = _("This file is not an Excel workbook. Save it from Excel as “Excel Workbook (.xlsx)” and upload "
                    "it again.")
    return FileRejected("not_spreadsheet", message)


def _save_as_xlsx(what: str) -> FileRejected:
    return FileRejected(
        "unsupported_format",
        _("This file is %(what)s, which cannot be checked safely before it is read. Open it in Excel (or LibreOffice), "
          "choose File → Save As → “Excel Workbook (.xlsx)” and upload the new file.") % {"what": what},
    )


# --- .xlsx ------------------------------------------------------------------------------------------------------


def _open_xlsx(content: bytes, limits: UploadLimits) -> Workbook:
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    ooxml.inspect_xlsx(content, limits)  # before calamine allocates anything
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception as exc:  # calamine raises several error types for damaged files
        raise ooxml.damaged() from exc
    names = [meta.name for meta in book.sheets_metadata if meta.typ == SheetTypeEnum.WorkSheet]
    if not names:
        raise not_a_spreadsheet()

    def load(name: str) -> Sheet:
        try:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = list(sheet.merged_cell_ranges or [])
        except Exception as exc:
            raise ooxml.damaged() from exc
        check_texts(name, rows, limits)
        return Sheet(name=name, rows=rows, merged=merged)

    return Workbook(XLSX, names, load)


def check_texts(sheet: str, rows: list[list[Cell]], limits: UploadLimits) -> None:
    """No NUL character (Excel writes it as _x0000_) and no text longer than Excel allows, in any cell."""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if type(value) is str and value and ("\x00" in value or len(value) > limits.max_cell_chars):
                where = {"cell": ooxml.cell_name(r, c), "sheet": sheet}
                if "\x00" in value:
                    raise FileRejected(
                        "nul",
                        _("Cell %(cell)s of sheet “%(sheet)s” contains a NUL character (code 0), which is never part "
                          "of a real value. Retype that cell (or copy the data into a new file) and upload again.")
                        % where,
                    )
                raise FileRejected(
                    "cell_too_long",
                    _("Cell %(cell)s of sheet “%(sheet)s” holds more than %(limit)s characters. Shorten it and "
                      "upload again.") % {**where, "limit": number(limits.max_cell_chars)},
                )


# --- CSV --------------------------------------------------------------------------------------------------------


def _open_csv(content: bytes, limits: UploadLimits) -> Workbook:
    if b"\x00" in content[:4096] and not content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise not_a_spreadsheet()  # a binary file (NUL bytes from its first bytes on) sent under a .csv name
    text = csvtext.decode_text(content)
    head = text.lstrip()[:400].lower()
    if head.startswith("<") and ("<html" in head or "<table" in head or "<?xml" in head or "<!doctype" in head):
        raise FileRejected(
            "html",
            _("This file is a web page or XML saved with a spreadsheet name. Open it in Excel and save it as "
              "“Excel Workbook (.xlsx)”."),
        )
    csvtext.refuse_nul(text)
    rows: list[list[Cell]] = csvtext.read_rows(text, limits)  # type: ignore[assignment]

    def load(_name: str) -> Sheet:
        return Sheet(name="CSV", rows=rows)

    return Workbook(CSV, ["CSV"], load)


def fill_merged(sheet: Sheet) -> None:
    """Copy each merged range's top-left value into every cell of the range, as a reader sees it.

    The ranges were checked against the limits before the file was read (ooxml.inspect_xlsx).
    """
    for (top, left), (bottom, right) in sheet.merged:
        if top >= len(sheet.rows):
            continue
        value = sheet.rows[top][left] if left < len(sheet.rows[top]) else ""
        if value in ("", None):
            continue
        for r in range(top, min(bottom, len(sheet.rows) - 1) + 1):
            row = sheet.rows[r]
            if len(row) <= right:
                row.extend([""] * (right + 1 - len(row)))
            for c in range(left, right + 1):
                row[c] = value
