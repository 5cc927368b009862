"""Real spreadsheet and CSV files for the import tests, written with openpyxl and the csv module."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext

from hocso.people.models import ImportJob, Learner
from hocso.tests.factories import make_cccd

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Đơn vị", "Chức vụ"]
BORN = dt.date(1985, 5, 17)  # the date of birth of the people the import tests upload
ON = "01/06/2026"  # the effective date they type
TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def xlsx(
    rows: Iterable[Sequence[Any]],
    *,
    merged: Iterable[str] = (),
    title: str = "Danh sách",
    formats: dict[str, str] | None = None,
    sheets: dict[str, list[Sequence[Any]]] | None = None,
    first_sheet: list[Sequence[Any]] | None = None,
) -> bytes:
    """A workbook whose (first, unless `first_sheet`) sheet holds `rows` from A1; dates become date cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    if first_sheet is not None:
        sheet.title = "Tổng hợp"
        for row in first_sheet:
            sheet.append(list(row))
        sheet = book.create_sheet(title)
    else:
        sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for cell_range in merged:
        sheet.merge_cells(cell_range)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "dd/mm/yyyy"
    for ref, number_format in (formats or {}).items():
        sheet[ref].number_format = number_format
    for name, extra_rows in (sheets or {}).items():
        extra = book.create_sheet(name)
        for row in extra_rows:
            extra.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_formula(content: bytes, ref: str, formula: str, cached: str, sheet_xml: str = "xl/worksheets/sheet1.xml"
                 ) -> bytes:
    """Put a formula with a cached string result in `ref`, as Excel saves it (openpyxl cannot write results)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    xml = source.read(sheet_xml).decode()
    escaped = formula.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    cell = f'<c r="{ref}" t="str"><f>{escaped}</f><v>{cached}</v></c>'
    pattern = re.compile(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)')
    if pattern.search(xml):
        xml = pattern.sub(cell, xml, count=1)
    else:
        raise AssertionError(f"cell {ref} must exist (write a placeholder) before putting a formula in it")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, xml if item.filename == sheet_xml else source.read(item.filename))
    return out.getvalue()


def to_cp1258(text: str) -> bytes:
    """Encode as Vietnamese Windows (CP1258) does: base letters precomposed, tone marks as combining characters."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def csv_bytes(rows: Iterable[Sequence[Any]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    text = buffer.getvalue()
    if encoding == "cp1258":
        return to_cp1258(text)
    if encoding == "utf-8-sig":
        return text.encode("utf-8-sig")
    return text.encode(encoding)


def person(name: str, born: dt.date, gender: str = "M", unit: str = "", position: str = "", **extra) -> list[Any]:
    """A row in HEADER's column order, with a CCCD consistent with the birth date and gender."""
    cccd = extra.pop("cccd", None) or make_cccd(born, gender)
    return ["", name, born, "Nam" if gender == "M" else "Nữ", cccd, unit, position]


def read_xlsx(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def upload(client, content: bytes, name: str = "danh-sach.xlsx", unit=None, date: str = "01/06/2026"):
    """POST the upload form as a browser does."""
    return client.post("/can-bo/nhap/", {
        "file": SimpleUploadedFile(name, content), "unit": unit.pk if unit else "", "effective_date": date,
    })


def job_of(response):
    """The ImportJob the upload redirected to."""
    match = re.search(r"/can-bo/nhap/([0-9a-f-]{36})/", response["Location"])
    assert match, response["Location"]
    return ImportJob.objects.get(pk=match.group(1))


def vi(message: str, **params) -> str:
    """`message` as the Vietnamese catalogue has it (with its placeholders filled in), as the pages show it."""
    with translation.override("vi"):
        text = gettext(message)
    return text % params if params else text


def assert_unit_follows_open_membership() -> None:
    for learner in Learner.objects.all():
        open_units = list(learner.memberships.filter(end_date__isnull=True).values_list("unit_id", flat=True))
        assert open_units == ([learner.unit_id] if learner.unit_id else []), learner
