"""Reading uploaded files — staff lists, class lists, question banks, and whatever comes next — safely.

Every reader of an uploaded spreadsheet goes through `open_workbook`: it recognises the format from the bytes,
checks an .xlsx's zip (parts, unpacked sizes, compression ratio) and each sheet's real extent and merged ranges
before calamine reads it, reads CSV row by row within the same limits, and refuses NUL characters and overlong
cells. Whatever is wrong comes back as one `FileRejected` with a message for the person who uploaded the file;
memory and time are bounded by the limits (`UploadLimits`, from settings), never by what the file claims.

    book = open_workbook(content)                      # FileRejected("too_far", "Trang tính có ô tới XFD1048576…")
    for sheet in book.sheets():
        fill_merged(sheet)
        ...
"""

from .limits import FileRejected, UploadLimits, check_size, clean_upload_size, human_size
from .spreadsheet import CSV, XLSX, Cell, Sheet, Workbook, fill_merged, not_a_spreadsheet, open_workbook

__all__ = [
    "CSV",
    "XLSX",
    "Cell",
    "FileRejected",
    "Sheet",
    "UploadLimits",
    "Workbook",
    "check_size",
    "clean_upload_size",
    "fill_merged",
    "human_size",
    "not_a_spreadsheet",
    "open_workbook",
]
