"""Look inside an .xlsx before calamine reads it, in bounded memory and time.

calamine holds a sheet as a dense grid from A1 to its farthest cell, so a 1.6 KB file whose only cells are A1 and
XFD1048576 asks for ~512 GiB, and a zip of 1 MB can unpack to gigabytes of XML. So, before calamine sees the
bytes:

1. the zip's directory: how many files, none encrypted, deflate or stored only, and the declared sizes and
   ratios within the limits (a first gate that costs nothing);
2. every file is unpacked once, as a stream, counting the bytes it really unpacks to (a zip header can lie about
   the size) and stopping at the limits;
3. the XML of each sheet is parsed as it streams (expat, no DTD) to find the real extent — the farthest cell that
   holds a value, as calamine places it: with or without `r="B7"`, the `<dimension ref>` being only a hint that
   can lie — and the merged ranges (`<mergeCell ref>`), each checked against the limits.

Nothing is kept but a few counters: memory stays at one chunk of XML whatever the file.
"""

from __future__ import annotations

import copy
import functools
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.parsers import expat

from django.utils.translation import gettext as _

from ..text import is_digits
from .limits import FileRejected, UploadLimits, human_size, number

CHUNK = 256 * 1024
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
# Below this many unpacked bytes a file's compression ratio is not looked at: small XML parts (styles, a sheet of
# empty formatted cells) legitimately pack 100 : 1 and more, and cannot hurt at that size.
RATIO_FLOOR = 1024 * 1024


@dataclass
class SheetExtent:
    member: str
    rows: int = 0  # 1 + the index of the last row holding a value
    columns: int = 0
    values: int = 0  # cells holding a value
    merged_cells: int = 0

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def column_letters(index: int) -> str:
    """0 -> A, 16383 -> XFD."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(row: int, column: int) -> str:
    return f"{column_letters(column)}{row + 1}"


@functools.lru_cache(maxsize=4096)
def _column_index(letters: str) -> int | None:
    if not 1 <= len(letters) <= 3 or not letters.isascii() or not letters.isalpha():
        return None
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - 64
    return column - 1


def parse_cell(ref: str) -> tuple[int, int] | None:
    """'B7' -> (6, 1): zero-based row and column, or None if it is not a cell reference. (Hot: once per cell.)"""
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters):]
    column = _column_index(letters) if digits and len(digits) <= 7 and digits.isascii() else None
    if column is None:
        match = _CELL_REF.match(ref.strip())  # "$B$7", " B7 ": rare, the slow way
        if not match:
            return None
        letters, digits = match.groups()
        column = _column_index(letters)
    row = int(digits)
    if column is None or row < 1:
        return None
    return row - 1, column


def damaged() -> FileRejected:
    return FileRejected(
        "damaged",
        _("The file is damaged and cannot be read. Open it in Excel, save it again as .xlsx and upload the new file."),
    )


def _too_much_unpacked(limits: UploadLimits) -> FileRejected:
    return FileRejected(
        "zip_too_big",
        _("Unpacked, this Excel file would take more than %(limit)s (it is a compressed zip); it cannot be read. "
          "Copy the data you need into a new workbook and upload that.")
        % {"limit": human_size(limits.max_unpacked_bytes)},
    )


def _ratio(name: str, limits: UploadLimits) -> FileRejected:
    return FileRejected(
        "zip_ratio",
        _("A part of this Excel file (%(part)s) unpacks to more than %(limit)s times its packed size, as “zip bombs” "
          "made to take servers down do; it cannot be read. Copy the data you need into a new workbook and upload "
          "that.") % {"part": name[:80], "limit": number(limits.max_ratio)},
    )


# --- 1. the zip's directory -------------------------------------------------------------------------------------


def check_directory(archive: zipfile.ZipFile, limits: UploadLimits) -> list[zipfile.ZipInfo]:
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise FileRejected(
            "zip_members",
            _("This Excel file holds %(count)s parts; at most %(limit)s are accepted. Copy the data you need into a "
              "new workbook and upload that.") % {"count": number(len(members)), "limit": number(limits.max_members)},
        )
    declared = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise damaged()  # an encrypted part: Excel never writes one inside an .xlsx
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise damaged()
        declared += info.file_size
        if declared > limits.max_unpacked_bytes:
            raise _too_much_unpacked(limits)
        if info.file_size > RATIO_FLOOR and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise _ratio(info.filename, limits)
    return members


# --- 2. and 3. unpack each part once, parsing the sheets on the way --------------------------------------------


class _SheetScanner:
    """expat handlers that follow calamine's placing of cells and add up what the sheet will cost."""

    def __init__(self, member: str, limits: UploadLimits) -> None:
        self.extent = SheetExtent(member)
        self.limits = limits
        self.row = -1
        self.column = -1
        self.pending: tuple[int, int] | None = None  # the position of the open <c>, until we know it has a value
        self.in_data = False
        self.elements = 0
        # A real sheet has two or three elements per cell (<c><v>, <c><is><t>, <c><f><v>) and one per row: this
        # bounds the time spent on a part made of millions of empty elements.
        self.max_elements = 4 * limits.max_cells + 4 * limits.max_rows + 100_000

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > self.max_elements:
            raise _too_many_cells(self.extent, cell_name(max(self.row, 0), max(self.column, 0)), self.limits)
        local = name if ":" not in name else name.rpartition(":")[2]
        if local == "t":
            return  # the text inside <is>: the commonest element, nothing to learn from it
        if not self.in_data:
            if local == "sheetData":
                self.in_data = True  # cells come only inside it (a chart's <c:v> or a drawing's <xdr:row> do not)
            elif local == "mergeCell":
                self._merge(attrs.get("ref", ""))
            return
        if local == "c":
            ref = attrs.get("r")
            if ref is not None:
                position = parse_cell(ref)
                if position is None:
                    raise damaged()
                self.column = position[1]
            else:  # no reference: the next column of the current row
                self.column += 1
                position = (max(self.row, 0), self.column)
            self.pending = position
        elif local in ("v", "is"):
            if self.pending is not None:
                self._value(*self.pending)
                self.pending = None
        elif local == "row":
            ref = attrs.get("r")
            if ref is not None:
                if not is_digits(ref.strip()) or int(ref) < 1:
                    raise damaged()
                self.row = int(ref) - 1
            else:
                self.row += 1
            self.column = -1
        elif local == "mergeCell":
            self._merge(attrs.get("ref", ""))

    def _value(self, row: int, column: int) -> None:
        extent, limits = self.extent, self.limits
        extent.values += 1
        if row >= limits.max_rows or column >= limits.max_columns:
            raise _far_cell(cell_name(row, column), limits)
        if row >= extent.rows:
            extent.rows = row + 1
        if column >= extent.columns:
            extent.columns = column + 1
        if extent.values > limits.max_cells or extent.cells > limits.max_cells:
            raise _too_many_cells(extent, cell_name(extent.rows - 1, extent.columns - 1), limits)

    def _merge(self, ref: str) -> None:
        first, _sep, last = ref.partition(":")
        top_left, bottom_right = parse_cell(first), parse_cell(last or first)
        if top_left is None or bottom_right is None:
            raise damaged()
        (top, left), (bottom, right) = top_left, bottom_right
        top, bottom = min(top, bottom), max(top, bottom)
        left, right = min(left, right), max(left, right)
        limits = self.limits
        if bottom >= limits.max_rows or right >= limits.max_columns:
            raise _far_merge(ref, limits)
        self.extent.merged_cells += (bottom - top + 1) * (right - left + 1)
        if self.extent.merged_cells > limits.max_merged_cells:
            raise _far_merge(ref, limits)


def _far_cell(cell: str, limits: UploadLimits) -> FileRejected:
    return FileRejected(
        "too_far",
        _("The sheet has cells as far as %(cell)s; at most %(rows)s rows and %(columns)s columns (up to "
          "%(last)s) can be read. Delete the extra cells (or copy the data into a new file) and upload again.")
        % {"cell": cell, "rows": number(limits.max_rows), "columns": number(limits.max_columns),
           "last": cell_name(limits.max_rows - 1, limits.max_columns - 1)},
    )


def _too_many_cells(extent: SheetExtent, cell: str, limits: UploadLimits) -> FileRejected:
    return FileRejected(
        "too_many_cells",
        _("The sheet spans %(rows)s rows × %(columns)s columns (up to %(cell)s): more than the %(limit)s cells that "
          "can be read. Delete the extra rows or columns (or copy the data into a new file) and upload again.")
        % {"rows": number(extent.rows), "columns": number(extent.columns), "cell": cell,
           "limit": number(limits.max_cells)},
    )


def _far_merge(ref: str, limits: UploadLimits) -> FileRejected:
    return FileRejected(
        "merged_too_big",
        _("The sheet has merged cells over %(range)s: too large to read (merged ranges may cover at most %(limit)s "
          "cells, within %(last)s). Unmerge those cells (Home → Merge & Center) or copy the data into a new file, "
          "and upload again.")
        % {"range": ref[:40], "limit": number(limits.max_merged_cells),
           "last": cell_name(limits.max_rows - 1, limits.max_columns - 1)},
    )


def _refuse_dtd(*_args) -> None:
    raise damaged()  # calamine ignores DTDs; a sheet that declares one is not from Excel


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, limits: UploadLimits,
            feed=None) -> int:
    """Unpack one part as a stream, whatever size its header claims; returns the bytes it really unpacked to."""
    unlimited = copy.copy(info)
    # zipfile stops reading at the declared size; calamine does not: read up to one byte past our own budget.
    unlimited.file_size = budget + 1
    total = 0
    with archive.open(unlimited) as stream:
        while chunk := stream.read(CHUNK):
            total += len(chunk)
            if total > budget:
                raise _too_much_unpacked(limits)
            if total > RATIO_FLOOR and total > limits.max_ratio * max(info.compress_size, 1):
                raise _ratio(info.filename, limits)
            if feed is not None:
                feed(chunk)
    return total


def inspect_xlsx(content: bytes, limits: UploadLimits) -> list[SheetExtent]:
    """Raise FileRejected unless calamine can read every sheet of this .xlsx within the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = check_directory(archive, limits)
        budget = limits.max_unpacked_bytes
        extents: list[SheetExtent] = []
        for info in members:
            if info.is_dir():
                continue
            feed = None
            scanner = None
            if info.filename.lower().endswith(".xml") and not info.filename.lower().endswith(".rels"):
                scanner = _SheetScanner(info.filename, limits)
                parser = expat.ParserCreate()
                parser.StartElementHandler = scanner.start
                parser.StartDoctypeDeclHandler = _refuse_dtd
                parser.EntityDeclHandler = _refuse_dtd
                parser.buffer_text = True

                def feed(chunk: bytes, parser=parser) -> None:
                    parser.Parse(chunk, False)

            budget -= _unpack(archive, info, budget, limits, feed)
            if scanner is not None:
                parser.Parse(b"", True)
                if scanner.extent.values or scanner.extent.merged_cells:
                    extents.append(scanner.extent)
        return extents
    except FileRejected:
        raise
    except (zipfile.BadZipFile, zlib.error, expat.ExpatError, EOFError, ValueError, OSError,
            NotImplementedError, RuntimeError) as exc:
        raise damaged() from exc
