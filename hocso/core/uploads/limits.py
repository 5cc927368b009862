"""How much of an uploaded file we agree to read, and the one error every file reader raises.

The limits are settings (environment variables, docs/import.md §5) so that an operator can raise them for a
province with unusually large lists; the defaults fit a real staff list (≤ 30,000 rows, ≤ 100 columns) with room
to spare and keep the worst file any of them allows to a few hundred MB of memory.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class FileRejected(Exception):
    """The file cannot be read at all: wrong format, damaged, beyond a limit, a NUL character…

    `message` is already translated into the active language and says what to do; `code` is stable, for tests
    and APIs.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int  # the file as uploaded
    max_rows: int  # rows of one sheet, counted from row 1
    max_columns: int  # columns of one sheet, counted from column A
    max_cells: int  # rows × columns of one sheet's grid, as the readers hold it in memory
    max_merged_cells: int  # cells covered by the merged ranges of one sheet
    max_cell_chars: int  # characters in one cell (Excel's own limit is 32,767)
    max_members: int  # files inside an .xlsx (a zip)
    max_unpacked_bytes: int  # all the files inside an .xlsx, unpacked
    max_ratio: int  # unpacked ÷ packed size of one file inside an .xlsx

    @classmethod
    def from_settings(cls, **overrides: int) -> UploadLimits:
        limits = cls(
            max_bytes=settings.HOCSO_IMPORT_MAX_BYTES,
            max_rows=settings.HOCSO_UPLOAD_MAX_ROWS,
            max_columns=settings.HOCSO_UPLOAD_MAX_COLUMNS,
            max_cells=settings.HOCSO_UPLOAD_MAX_CELLS,
            max_merged_cells=settings.HOCSO_UPLOAD_MAX_MERGED_CELLS,
            max_cell_chars=settings.HOCSO_UPLOAD_MAX_CELL_CHARS,
            max_members=settings.HOCSO_UPLOAD_MAX_MEMBERS,
            max_unpacked_bytes=settings.HOCSO_UPLOAD_MAX_UNPACKED_BYTES,
            max_ratio=settings.HOCSO_UPLOAD_MAX_RATIO,
        )
        return replace(limits, **overrides) if overrides else limits


def human_size(size: int) -> str:
    if size >= 1024 * 1024 * 1024:
        return f"{size / (1024 * 1024 * 1024):.1f} GB".replace(".", ",")
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def number(value: int) -> str:
    """12.345: thousands grouped with dots, as the import's other messages write counts."""
    return f"{value:,}".replace(",", ".")


def check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise FileRejected(
            "too_big",
            _("The file is %(size)s; files over %(limit)s cannot be imported. Split the list into several files.")
            % {"size": human_size(size), "limit": human_size(max_bytes)},
        )


def clean_upload_size(upload, max_bytes: int):
    """A form's clean_<file>: the same message as check_size, as a form error on the field."""
    try:
        check_size(upload.size, max_bytes)
    except FileRejected as error:
        raise ValidationError(error.message, code=error.code) from error
    return upload
