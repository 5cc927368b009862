"""Hostile upload files, made in the test that uses them, and a way to read one without risking the test run.

Each file is the one issue 11 measured against the readers before they were bounded:

    far_cell_xlsx()       1.6 KB, cells A1 and XFD1048576 only, <dimension ref="A1"> lying   ~512 GiB asked for
    merged_xlsx()         ~100 KB, one merged range over 20,000 × 16,384 cells                69 s, 2.7 GB
    zip_bomb_xlsx()       ~1 MB, 1 GiB of sheet XML (one cell's text), deflated               1.2 GB (2.25 GB, 17 s
                          with the question bank's header row)
    nul_csv()             201 people, a NUL byte after the first 4 KB                        500, a job polling forever
    long_field_csv()      a cell of 140,000 characters (the csv module stops at 131,072)     a traceback in the CLI

`run_bounded` runs a reader in a forked child whose address space is capped (RLIMIT_AS) and whose time is
limited: on the old readers the child dies (abort, MemoryError) or is killed at the deadline, and the test says so
instead of taking the machine down with it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import multiprocessing
import resource
import time
import traceback
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hocso.tests.factories import make_cccd

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
    '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
    'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships"><sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_MEMBER = "xl/worksheets/sheet1.xml"
STAFF_HEADER = ("STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Đơn vị")
QUESTION_HEADER = ("Loại câu hỏi", "Nội dung câu hỏi", "Phương án A", "Phương án B", "Đáp án đúng")


def text_cell(ref: str, text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{escaped}</t></is></c>'


def header_row(header: tuple[str, ...], row: int = 1) -> str:
    return f'<row r="{row}">' + "".join(text_cell(f"{chr(65 + i)}{row}", h) for i, h in enumerate(header)) + "</row>"


def sheet_xml(sheet_data: str, *, dimension: str = "A1", after: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/>'
            f"<sheetData>{sheet_data}</sheetData>{after}</worksheet>")


def workbook(sheet: str | bytes, *, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal .xlsx (as Excel lays it out) around one sheet's XML, written by hand so that it can lie."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr(SHEET_MEMBER, sheet)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def far_cell_xlsx() -> bytes:
    """Cells A1 and XFD1048576 only, under a <dimension> that claims A1: 1.6 KB."""
    return workbook(sheet_xml(
        '<row r="1">' + text_cell("A1", "Họ và tên") + "</row>"
        '<row r="1048576">' + text_cell("XFD1048576", "x") + "</row>",
    ))


def merged_xlsx(rows: int = 20_000) -> bytes:
    """A staff list of `rows` rows under a merged range A1:XFD<rows> (20,000 × 16,384 cells): ~100 KB."""
    body = [header_row(STAFF_HEADER)]
    body += [f'<row r="{n}">' + text_cell(f"B{n}", f"Nguyễn Văn {n}") + "</row>" for n in range(2, rows + 1)]
    return workbook(sheet_xml("".join(body), dimension=f"A1:F{rows}",
                              after=f'<mergeCells count="1"><mergeCell ref="A1:XFD{rows}"/></mergeCells>'))


def zip_bomb_xlsx(unpacked: int = 1 << 30, header: tuple[str, ...] = STAFF_HEADER, *,
                  declared_size: int | None = None) -> bytes:
    """A header row, then one cell whose text is `unpacked` bytes of "A": ~1 MB packed for 1 GiB of sheet XML.

    The deflate stream is built from one compressed block repeated (a full flush makes each block independent),
    so making the file costs a CRC over the bytes, not compressing them. With `declared_size` the zip's headers
    claim that size instead of the real one (the CRC stays the real one).
    """
    prefix = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><dimension ref="A1"/><sheetData>'
              + header_row(header) + '<row r="2"><c r="B2" t="inlineStr"><is><t>').encode()
    suffix = b"</t></is></c></row></sheetData></worksheet>"
    block = b"A" * (1 << 20)
    repeats = max(1, (unpacked - len(prefix) - len(suffix)) // len(block))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    middle = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(suffix) + compressor.flush(zlib.Z_FINISH)
    crc = zlib.crc32(prefix)
    for _ in range(repeats):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(suffix, crc)
    raw = start + middle * repeats + end
    size = len(prefix) + len(block) * repeats + len(suffix)

    base = io.BytesIO(workbook(sheet_xml("")))
    out = io.BytesIO()
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != SHEET_MEMBER:
                target.writestr(info, source.read(info.filename))
        _write_raw(target, SHEET_MEMBER, raw, crc, declared_size if declared_size is not None else size)
    return out.getvalue()


def _write_raw(archive: zipfile.ZipFile, name: str, raw: bytes, crc: int, size: int) -> None:
    """Append an already-deflated member: zipfile has no public way to, so write its two headers ourselves."""
    info = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.CRC, info.compress_size, info.file_size = crc, len(raw), size
    info.header_offset = archive.fp.tell()
    archive.fp.write(info.FileHeader(zip64=False))
    archive.fp.write(raw)
    archive.start_dir = archive.fp.tell()
    archive.filelist.append(info)
    archive.NameToInfo[name] = info
    archive._didModify = True


def people_rows(count: int) -> list[list[str]]:
    born = dt.date(1985, 5, 17)
    return [[str(n), f"Nguyễn Văn {n}", "17/05/1985", "Nam", make_cccd(born, "M"), "Xã Đại Phúc"]
            for n in range(1, count + 1)]


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def nul_csv(people: int = 201) -> bytes:
    """A CSV of `people` people with one NUL byte inside a name after the first 4 KB."""
    rows = [list(STAFF_HEADER), *people_rows(people)]
    text = csv_text(rows).encode("utf-8")
    at = text.index(b"Nguy", 4096 + 1)
    return text[:at] + b"Nguy\x00" + text[at + 4:]


def long_field_csv(length: int = 140_000) -> bytes:
    """A CSV whose second person's name is `length` characters long."""
    rows = [list(STAFF_HEADER), *people_rows(2)]
    rows[2][1] = "A" * length
    return csv_text(rows).encode("utf-8")


# --- reading a hostile file without risking the test run -------------------------------------------------------


@dataclass
class Outcome:
    """What happened in the child: the value returned, or the exception raised (its type name, code and message),
    or how it died."""

    value: Any = None
    error: str = ""  # the exception's class name
    code: str = ""
    message: str = ""
    died: str = ""  # "killed after 10 s", "exit code -6 (SIGABRT)", …
    seconds: float = 0.0
    peak_rss_mb: float = 0.0


def _child(connection, function: Callable[[], Any], memory_bytes: int) -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, hard))
    started = time.monotonic()
    try:
        value = function()
        outcome = Outcome(value=value)
    except BaseException as exc:  # the parent wants to know exactly what happened
        outcome = Outcome(error=type(exc).__name__, code=getattr(exc, "code", ""),
                          message=getattr(exc, "message", "") or str(exc) or traceback.format_exc(limit=3))
    outcome.seconds = time.monotonic() - started
    outcome.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    connection.send(outcome)
    connection.close()


def address_space() -> int:
    """The current process's virtual memory size in bytes (VmSize)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmSize in /proc/self/status")


def run_bounded(function: Callable[[], Any], *, extra_memory_mb: int = 512, timeout: float = 20.0) -> Outcome:
    """Run `function` in a forked child allowed `extra_memory_mb` MB of address space beyond what the test process
    already maps, and `timeout` seconds. The child must not use the database connection it inherits."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, function, address_space() + extra_memory_mb * 1024 * 1024))
    started = time.monotonic()
    process.start()
    send.close()
    outcome = None
    if receive.poll(timeout):
        try:
            outcome = receive.recv()
        except EOFError:  # the child died before it could answer
            outcome = None
    process.join(5)
    if process.is_alive():
        process.kill()
        process.join()
        return Outcome(died=f"killed after {timeout:.0f} s", seconds=time.monotonic() - started)
    if outcome is None:
        return Outcome(died=f"exit code {process.exitcode}", seconds=time.monotonic() - started)
    return outcome
