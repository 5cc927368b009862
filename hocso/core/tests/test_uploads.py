"""The shared reader of uploaded spreadsheets refuses hostile files quickly, in bounded memory, with a clear message.

Each hostile file is made here (hocso/tests/hostile_files.py) and read in a forked child capped at 512 MB of
address space beyond the test process's and 20 s: on the readers before issue 11 the far cell aborted the process
(~512 GiB asked for), the merged range ran past the deadline and the zip bomb ran out of memory.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.utils import translation

from hocso.core.uploads import FileRejected, UploadLimits, fill_merged, open_workbook
from hocso.core.uploads.ooxml import cell_name, parse_cell
from hocso.tests import hostile_files as hostile

LIMITS = UploadLimits.from_settings()


def read_in_vietnamese(content: bytes, limits: UploadLimits | None = None):
    def read():
        with translation.override("vi"):
            book = open_workbook(content, limits=limits)
            sheets = list(book.sheets())
            for sheet in sheets:
                fill_merged(sheet)
            return [(sheet.name, len(sheet.rows)) for sheet in sheets]

    return read


@pytest.mark.parametrize(("make", "code", "words"), [
    (hostile.far_cell_xlsx, "too_far", ["XFD1048576", "xoá các ô thừa"]),
    (hostile.merged_xlsx, "merged_too_big", ["A1:XFD20000", "Bỏ gộp"]),
    (hostile.zip_bomb_xlsx, "zip_too_big", ["200,0 MB", "giải nén"]),
    (lambda: hostile.zip_bomb_xlsx(declared_size=1000), "zip_ratio", ["xl/worksheets/sheet1.xml", "lần"]),
    (hostile.nul_csv, "nul", ["Dòng 64", "NUL"]),
    (hostile.long_field_csv, "cell_too_long", ["dòng 3", "32.767"]),
], ids=["far-cell", "merged-range", "zip-bomb", "zip-bomb-lying-header", "nul-csv", "long-field-csv"])
def test_hostile_file_is_refused_within_seconds_and_bounded_memory(make, code, words):
    outcome = hostile.run_bounded(read_in_vietnamese(make()), extra_memory_mb=512, timeout=20)
    assert not outcome.died, f"the reader died: {outcome.died}"
    assert (outcome.error, outcome.code) == ("FileRejected", code), outcome
    for word in words:
        assert word in outcome.message, outcome.message
    assert outcome.seconds < 5


def test_a_real_list_within_the_limits_is_read():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(hostile.STAFF_HEADER))
    for row in hostile.people_rows(2000):
        sheet.append(row)
    sheet.merge_cells("A2002:F2002")
    buffer = io.BytesIO()
    book.save(buffer)
    outcome = hostile.run_bounded(read_in_vietnamese(buffer.getvalue()), extra_memory_mb=512)
    assert outcome.value == [("Sheet", 2001)], outcome


# --- the extent, as calamine places cells ------------------------------------------------------------------------


def sheet(data: str, after: str = "") -> bytes:
    return hostile.workbook(hostile.sheet_xml(data, after=after))


def rejected(content: bytes, **limits: int) -> FileRejected:
    with pytest.raises(FileRejected) as caught:
        list(open_workbook(content, limits=UploadLimits.from_settings(**limits)).sheets())
    return caught.value


def test_cells_without_references_count_from_their_row_and_the_previous_cell():
    # <row r="3"> then six <c> with no r: the sixth is F3, beyond five columns.
    cells = "".join("<c><v>1</v></c>" for _ in range(6))
    assert rejected(sheet(f'<row r="3">{cells}</row>'), max_columns=5).code == "too_far"
    # rows with no r follow the last one: the third is row 3.
    rows = "".join('<row><c t="inlineStr"><is><t>x</t></is></c></row>' for _ in range(3))
    assert rejected(sheet(rows), max_rows=2).message.count("A3") == 1
    book = open_workbook(sheet(rows), limits=UploadLimits.from_settings(max_rows=3))
    assert book.sheet("Danh sách").rows == [["x"], ["x"], ["x"]]


def test_the_extent_is_the_cells_not_the_dimension_it_declares():
    content = hostile.workbook(hostile.sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>', dimension="A1:XFD1048576"))
    assert open_workbook(content).sheet("Danh sách").rows == [[1.0]]  # a declared range calamine does not fill in
    assert rejected(hostile.far_cell_xlsx()).code == "too_far"  # a cell far beyond a dimension that says A1


def test_cells_without_a_value_do_not_count():
    """Excel writes formatted empty cells (<c r=".." s="1"/>); calamine skips them, so do the limits."""
    content = sheet('<row r="1"><c r="A1"><v>1</v></c></row><row r="900000"><c r="XFD900000" s="1"/></row>')
    assert open_workbook(content).sheet("Danh sách").rows == [[1.0]]


def test_too_many_cells_even_within_rows_and_columns():
    rows = "".join(f'<row r="{n}"><c r="J{n}"><v>1</v></c></row>' for n in range(1, 12))
    error = rejected(sheet(rows), max_cells=100)
    assert error.code == "too_many_cells" and "J11" in error.message


def test_merged_ranges_are_limited_in_total():
    merges = "".join(f'<mergeCell ref="A{n}:J{n}"/>' for n in range(1, 21))
    content = sheet('<row r="1"><c r="A1"><v>1</v></c></row>', after=f"<mergeCells>{merges}</mergeCells>")
    assert rejected(content, max_merged_cells=150).code == "merged_too_big"
    open_workbook(content, limits=UploadLimits.from_settings(max_merged_cells=200))


def test_a_nul_character_in_a_cell_is_refused_with_the_cell():
    content = sheet('<row r="1"><c r="A1"><v>1</v></c><c r="C2" t="inlineStr"><is><t>An_x0000_</t></is></c></row>')
    with translation.override("vi"):
        error = rejected(content)
    assert error.code == "nul" and "C2" in error.message and "“Danh sách”" in error.message


def test_a_cell_longer_than_excel_allows_is_refused():
    content = sheet('<row r="1"><c r="B1" t="inlineStr"><is><t>' + "a" * 40 + "</t></is></c></row>")
    error = rejected(content, max_cell_chars=32)
    assert error.code == "cell_too_long" and "B1" in error.message


def test_a_doctype_is_refused():
    content = hostile.workbook('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet xmlns="'
                               + hostile.MAIN + '"><sheetData/></worksheet>')
    assert rejected(content).code == "damaged"


def test_too_many_parts_or_too_much_unpacked():
    extra = {f"xl/media/image{n}.png": b"\x89PNG" for n in range(20)}
    assert rejected(hostile.workbook(hostile.sheet_xml(""), extra=extra), max_members=10).code == "zip_members"
    content = sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>' + "Nguyễn Văn An " * 2000 + "</t></is></c></row>")
    assert rejected(content, max_unpacked_bytes=20_000).code == "zip_too_big"


def _xlsb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.bin", b"\x00")
    return out.getvalue()


@pytest.mark.parametrize(("make", "words"), [
    (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "(.xls)"),
    (_xlsb, "(.xlsb)"),
])
def test_formats_that_cannot_be_checked_are_refused_with_how_to_save_as_xlsx(make, words):
    with translation.override("vi"):
        error = rejected(make())
    assert error.code == "unsupported_format" and words in error.message and ".xlsx" in error.message


def test_csv_rows_columns_and_cells_are_limited():
    many_lines = ("a,b\n" * 50).encode()
    assert rejected(many_lines, max_rows=40).code == "too_many_lines"
    wide = (",".join(["x"] * 30) + "\n").encode()
    assert rejected(wide, max_columns=20).code == "too_many_columns"
    assert rejected(("a,b,c\n" * 30).encode(), max_cells=60).code == "too_many_cells"
    assert open_workbook(("a,b,c\n" * 20).encode(), limits=UploadLimits.from_settings(max_cells=60)).kind == "csv"


def test_cell_references():
    assert parse_cell("A1") == (0, 0)
    assert parse_cell("XFD1048576") == (1048575, 16383)
    assert parse_cell("$B$7") == (6, 1)
    assert parse_cell("A0") is None and parse_cell("1A") is None and parse_cell("ABCD1") is None
    assert cell_name(1048575, 16383) == "XFD1048576" and cell_name(0, 26) == "AA1"
