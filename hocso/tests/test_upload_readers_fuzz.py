"""Every reader of uploaded files, fed random bytes and random small workbooks: a valid parse or a clear refusal.

Readers: the shared reader (hocso.core.uploads), the staff import (`read_file`), class lists (`read_list`) and the
question bank (.xlsx, GIFT, Moodle XML). A clear refusal is a `FileRejected` (the import's `ImportFileError`) or,
for the question bank, whole-file errors in the result; any other exception is a bug (a 500 on the page, a
traceback in the command). Nothing parsed may contain a NUL character (PostgreSQL cannot store it).
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
from typing import Any

import openpyxl
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hocso.assessment.bank.formats import common
from hocso.core.uploads import FileRejected, fill_merged, open_workbook
from hocso.people.importing.engine import read_file
from hocso.tests import hostile_files as hostile
from hocso.training.classes.class_list import read_list

FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Cell values as people (and attackers) put them in spreadsheets.
texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
cell_values = st.one_of(
    st.none(),
    texts,
    texts.map(lambda text: text.replace("\x00", "") + "_x0000_"),  # how a NUL reaches a cell of an .xlsx
    st.sampled_from(["=1+1", '=HYPERLINK("http://example.com","Bấm vào")', "=cmd|' /C calc'!A0", "@SUM(A1)",
                     "-1+2", "Nguyễn Văn An", "019085000001", "17/05/1985", "Nam", "Nữ", "01.003"]),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e308, -1e308, 5e-324, 2958465.0, 9.99e307]),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.booleans(),
    st.integers(min_value=1, max_value=40_000).map(lambda n: "A" * n),
)
HEADERS = [list(hostile.STAFF_HEADER), list(hostile.QUESTION_HEADER), ["Họ và tên", "Số CCCD", "Email"], []]


def _openpyxl_safe(value: Any) -> Any:
    if isinstance(value, str):
        return "".join(ch for ch in value if ch >= " " or ch in "\t\n\r")  # openpyxl refuses control characters
    return value


@st.composite
def workbooks(draw) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    header = draw(st.sampled_from(HEADERS))
    if header:
        sheet.append(header)
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        sheet.append([_openpyxl_safe(v) for v in draw(st.lists(cell_values, max_size=8))])
    if draw(st.booleans()):
        top, left = draw(st.integers(1, 8)), draw(st.integers(1, 8))
        sheet.merge_cells(start_row=top, start_column=left, end_row=top + draw(st.integers(0, 3)),
                          end_column=left + draw(st.integers(0, 3)))
    if draw(st.booleans()):
        book.create_sheet("Câu hỏi").append([_openpyxl_safe(v) for v in draw(st.lists(cell_values, max_size=5))])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


random_bytes = st.one_of(
    st.binary(max_size=3000),
    st.binary(max_size=2000).map(lambda data: b"PK\x03\x04" + data),
    st.binary(max_size=2000).map(lambda data: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + data),
    st.binary(max_size=2000).map(lambda data: codecs.BOM_UTF16_LE + data),
    st.lists(st.lists(cell_values.map(lambda v: "" if v is None else str(v)), max_size=6), max_size=8).map(
        lambda rows: "\n".join(",".join(row) for row in [list(hostile.STAFF_HEADER), *rows]).encode()),
)


def _no_nul(value: Any) -> None:
    if isinstance(value, str):
        assert "\x00" not in value
    elif isinstance(value, dict):
        for item in value.values():
            _no_nul(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _no_nul(item)


def read_with_every_reader(content: bytes) -> None:
    with translation.override("vi"):
        try:
            for sheet in open_workbook(content).sheets():
                fill_merged(sheet)
                _no_nul(sheet.rows)
        except FileRejected as exc:
            assert exc.message and exc.code
        for name in ("ds.xlsx", "ds.csv"):
            try:
                parsed, _raw = read_file(content, name)
            except FileRejected as exc:
                assert exc.message
            else:
                _no_nul([row.values for row in parsed.rows])
                _no_nul([problem.as_dict() for row in parsed.rows for problem in row.problems])
            try:
                entries = read_list(content, name)
            except FileRejected as exc:
                assert exc.message
            else:
                _no_nul([entry.__dict__ for entry in entries])
        for file_format in common.FORMATS:
            result = common.parse(content, file_format)
            assert result.errors or result.questions is not None
            _no_nul(result.to_json())


@FUZZ
@given(random_bytes)
def test_random_bytes_are_parsed_or_refused_clearly_by_every_reader(content):
    read_with_every_reader(content)


@FUZZ
@given(workbooks())
def test_random_small_workbooks_are_parsed_or_refused_clearly_by_every_reader(content):
    read_with_every_reader(content)
