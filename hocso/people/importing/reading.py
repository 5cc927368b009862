"""Turn an uploaded file into a grid of cell values: .xlsx (and the other formats calamine reads) or CSV text.

Nothing here knows about people: the result is sheets of rows whose index + 1 is the row number a person sees
in Excel, with merged cells filled from their top-left cell.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .errors import ImportFileError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# An encrypted (password-protected) Office file is an OLE container holding these two streams.
ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
BINARY_MAGICS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"MZ")
CSV_DELIMITERS = (",", ";", "\t", "|")

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
            raise ImportFileError("no_such_sheet", _("The file has no sheet named “%(name)s”.") % {"name": name})
        return self._loader(name)

    def sheets(self) -> Iterator[Sheet]:
        for name in self.sheet_names:
            yield self._loader(name)


def check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise ImportFileError(
            "too_big",
            _("The file is %(size)s; files over %(limit)s cannot be imported. Split the list into several files.")
            % {"size": human_size(size), "limit": human_size(max_bytes)},
        )


def clean_upload_size(upload, max_bytes: int):
    """A form's clean_<file>: the same message as check_size, as a form error on the field."""
    try:
        check_size(upload.size, max_bytes)
    except ImportFileError as error:
        raise ValidationError(error.message) from error
    return upload


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def open_workbook(content: bytes, file_name: str = "") -> Workbook:
    """Recognise the format from the bytes themselves (the extension is only a hint) and open it."""
    if not content.strip():
        raise ImportFileError("empty", _("The file is empty."))
    if content.startswith(OLE_MAGIC):
        if any(stream in content for stream in ENCRYPTED_STREAMS):
            raise ImportFileError(
                "encrypted",
                _("The file is protected with a password. Open it in Excel, remove the password "
                  "(File → Info → Protect Workbook → Encrypt with Password, leave it empty), save and upload again."),
            )
        return _open_calamine(content, "xls")
    if content.startswith(ZIP_MAGIC):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
        except (zipfile.BadZipFile, ValueError, EOFError) as exc:
            raise _damaged() from exc
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            return _open_calamine(content, "xlsx")
        if "content.xml" in names and b"opendocument.spreadsheet" in content[:200]:
            return _open_calamine(content, "ods")
        raise _not_a_spreadsheet()
    if content.startswith(BINARY_MAGICS):
        raise _not_a_spreadsheet()
    return _open_csv(content)


def _damaged() -> ImportFileError:
    return ImportFileError(
        "damaged",
        _("The file is damaged and cannot be read. Open it in Excel, save it again as .xlsx and upload the new file."),
    )


def _not_a_spreadsheet() -> ImportFileError:
    return ImportFileError(
        "not_spreadsheet",
        _("This file is not a spreadsheet. Upload an Excel file (.xlsx) or a CSV file."),
    )


def _open_calamine(content: bytes, kind: str) -> Workbook:
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception as exc:  # calamine raises several error types for damaged files
        raise _damaged() from exc
    names = [meta.name for meta in book.sheets_metadata if meta.typ == SheetTypeEnum.WorkSheet]
    if not names:
        raise _not_a_spreadsheet()

    def load(name: str) -> Sheet:
        try:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = list(sheet.merged_cell_ranges or [])
        except Exception as exc:
            raise _damaged() from exc
        return Sheet(name=name, rows=rows, merged=merged)

    return Workbook(kind, names, load)


# --- CSV --------------------------------------------------------------------------------------------------------


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1258 as Vietnamese Excel saves CSV.

    Python's cp1258 codec leaves tone marks as separate combining characters ("e" + U+0301): the text is
    NFC-normalised so that "ế" is one character, as everywhere else in the system.
    """
    if content.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "cp1258"]
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return unicodedata.normalize("NFC", text)
    raise ImportFileError(
        "encoding",
        _("The text encoding of this CSV file is not recognised. Save it from Excel as “CSV UTF-8” and upload it "
          "again."),
    )


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the first lines into the most columns, consistently."""
    best, best_score = ",", (0, 0)
    for delimiter in CSV_DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if any(cell.strip() for cell in row)]
        if not counts:
            continue
        width = max(set(counts), key=counts.count)
        score = (counts.count(width) if width > 1 else 0, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _open_csv(content: bytes) -> Workbook:
    if b"\x00" in content[:4096] and not content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _not_a_spreadsheet()
    text = decode_text(content)
    head = text.lstrip()[:400].lower()
    if head.startswith("<") and ("<html" in head or "<table" in head or "<?xml" in head or "<!doctype" in head):
        raise ImportFileError(
            "html",
            _("This file is a web page or XML saved with a spreadsheet name. Open it in Excel and save it as "
              "“Excel Workbook (.xlsx)”."),
        )
    lines = text.splitlines()
    delimiter = None
    if lines and lines[0].lower().startswith("sep=") and len(lines[0]) == 5:
        delimiter = lines[0][4]  # Excel's own hint line
        lines[0] = ""
    if delimiter is None:
        delimiter = sniff_delimiter([line for line in lines[:50] if line.strip()][:20])
    rows: list[list[Cell]] = [list(row) for row in csv.reader(lines, delimiter=delimiter)]

    def load(_name: str) -> Sheet:
        return Sheet(name="CSV", rows=rows)

    return Workbook("csv", ["CSV"], load)


def fill_merged(sheet: Sheet) -> None:
    """Copy each merged range's top-left value into every cell of the range, as a reader sees it."""
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
