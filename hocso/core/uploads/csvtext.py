"""CSV text: its encoding, its delimiter, and its rows, read within the same limits as a spreadsheet.

The whole file is at most `max_bytes` (checked before); rows are parsed one at a time and counted, so a file of
millions of short lines, one endless quoted field or a row of millions of commas stops at a limit with a message
instead of filling the memory. A NUL character anywhere is refused with its line: it is never a real cell value,
and PostgreSQL cannot store it.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata

from django.utils.translation import gettext as _

from .limits import FileRejected, UploadLimits, number

CSV_DELIMITERS = (",", ";", "\t", "|")


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
    raise FileRejected(
        "encoding",
        _("The text encoding of this CSV file is not recognised. Save it from Excel as “CSV UTF-8” and upload it "
          "again."),
    )


def nul_line(text: str) -> int | None:
    """The line number of the first NUL character in a text, or None: no text file a person made contains one."""
    position = text.find("\x00")
    return None if position < 0 else text.count("\n", 0, position) + 1


def refuse_nul(text: str) -> None:
    line = nul_line(text)
    if line is not None:
        raise FileRejected(
            "nul",
            _("Line %(line)s of the file contains a NUL character (code 0), which is never part of a real list: the "
              "file is damaged or is not a text file. Open it in Excel, save it again as .xlsx or “CSV UTF-8” and "
              "upload the new file.") % {"line": number(line)},
        )


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the first lines into the most columns, consistently."""
    best, best_score = ",", (0, 0)
    for delimiter in CSV_DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if any(cell.strip() for cell in row)]
        except csv.Error:
            continue
        if not counts:
            continue
        width = max(set(counts), key=counts.count)
        score = (counts.count(width) if width > 1 else 0, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _long_cell(line: int, limits: UploadLimits) -> FileRejected:
    return FileRejected(
        "cell_too_long",
        _("A cell on line %(line)s is longer than %(limit)s characters (the most a cell can hold in Excel); a "
          "quotation mark (\") left open often causes this. Correct the file and upload it again.")
        % {"line": number(line), "limit": number(limits.max_cell_chars)},
    )


def read_rows(text: str, limits: UploadLimits) -> list[list[str]]:
    """The rows of a CSV text (already decoded and free of NUL), within the row, column, cell and length limits."""
    head = text[:65536].splitlines()[:50]
    delimiter = None
    skip_first = False
    if head and head[0].lower().startswith("sep=") and len(head[0]) == 5:
        delimiter = head[0][4]  # Excel's own hint line
        skip_first = True
    if delimiter is None:
        delimiter = sniff_delimiter([line for line in head if line.strip()][:20])
    # The csv module's own limit (131,072 by default) is process-wide: our tighter one is checked per field below.
    field_limit = min(limits.max_cell_chars, csv.field_size_limit())
    rows: list[list[str]] = []
    width = 0
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter)
    try:
        for row in reader:
            if skip_first:
                skip_first = False
                rows.append([])  # the "sep=" line keeps its place: row numbers are the file's line numbers
                continue
            if len(rows) >= limits.max_rows:
                raise FileRejected(
                    "too_many_lines",
                    _("The file has more than %(limit)s lines; it cannot be read. Split the list into several "
                      "files.") % {"limit": number(limits.max_rows)},
                )
            if len(row) > width:
                width = len(row)
                if width > limits.max_columns:
                    raise FileRejected(
                        "too_many_columns",
                        _("Line %(line)s has %(count)s columns; at most %(limit)s can be read. Check that the file "
                          "is a list with one person per line.")
                        % {"line": number(reader.line_num), "count": number(width),
                           "limit": number(limits.max_columns)},
                    )
            if len(rows) * width > limits.max_cells:
                raise FileRejected(
                    "too_many_cells",
                    _("The file has more than %(limit)s cells (lines × columns); it cannot be read. Split the list "
                      "into several files.") % {"limit": number(limits.max_cells)},
                )
            if any(len(value) > field_limit for value in row):
                raise _long_cell(reader.line_num, limits)
            rows.append(row)
    except csv.Error as exc:  # a field beyond the csv module's limit, or a malformed line
        raise _long_cell(reader.line_num, limits) if "field larger" in str(exc) else FileRejected(
            "csv_malformed",
            _("Line %(line)s of the CSV file cannot be read. Open the file in Excel, save it again as “CSV UTF-8” "
              "and upload it again.") % {"line": number(reader.line_num)},
        ) from exc
    return rows
