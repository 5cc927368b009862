"""Staff-list files the import cannot read: a clear message on the page, nothing changed."""

from __future__ import annotations

import html
import io

import msoffcrypto.format.ooxml
import pytest

from hocso.core.models import AuditEntry
from hocso.people.models import ImportJob, ImportJobStatus, Learner, Membership

from .import_files import (
    BORN,
    HEADER,
    job_of,
    person,
    upload,
    vi,
    xlsx,
)

# --- bad files: a clear message, nothing changed ---------------------------------------------------------------


def _encrypted() -> bytes:
    plain = io.BytesIO(xlsx([HEADER, person("Nguyễn Văn An", BORN)]))
    out = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt("mat-khau", out)
    return out.getvalue()


def _damaged_inside() -> bytes:
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(xlsx([HEADER, person("Nguyễn Văn An", BORN)])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, b"<worksheet><sheetData><row" if item.filename.endswith("sheet1.xml") else data)
    return out.getvalue()


NOT_SPREADSHEET = "This file is not a spreadsheet. Upload an Excel file (.xlsx) or a CSV file."
DAMAGED = "The file is damaged and cannot be read. Open it in Excel, save it again as .xlsx and upload the new file."


@pytest.mark.parametrize(("name", "make", "message"), [
    ("ds.xlsx", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", NOT_SPREADSHEET),
    ("anh.xlsx", lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, NOT_SPREADSHEET),
    ("bao-cao.docx", lambda: _docx(), NOT_SPREADSHEET),
    ("rac.csv", lambda: bytes(range(256)) * 8, NOT_SPREADSHEET),
    ("mat-khau.xlsx", _encrypted, "The file is protected with a password. Open it in Excel, remove the password "
                                  "(File → Info → Protect Workbook → Encrypt with Password, leave it empty), save and "
                                  "upload again."),
    ("hong.xlsx", lambda: xlsx([HEADER, person("Nguyễn Văn An", BORN)])[:1500], DAMAGED),
    ("hong-ben-trong.xlsx", _damaged_inside, DAMAGED),
])
def test_files_that_cannot_be_read_are_refused_on_the_upload_page(client, focal_a, school_a, learner_in_a, name,
                                                                   make, message):
    """A file that is not a readable spreadsheet is a bad request: the form says why (400), nothing is stored."""
    client.force_login(focal_a)
    before = (Learner.objects.count(), Membership.objects.count())
    response = upload(client, make(), name=name, unit=school_a)
    assert response.status_code == 400
    assert html.escape(vi(message)) in response.content.decode()
    assert not ImportJob.objects.exists()
    assert (Learner.objects.count(), Membership.objects.count()) == before


@pytest.mark.parametrize(("name", "make", "message"), [
    ("trang.xlsx", lambda: xlsx([["Báo cáo tổng hợp"], ["Số liệu", 12]]), None),
    ("rong.xlsx", lambda: xlsx([["DANH SÁCH CÁN BỘ"], HEADER, [], []]),
     "The file has a header but no rows of people under it."),
])
def test_bad_files_fail_with_a_clear_message_and_change_nothing(client, focal_a, school_a, learner_in_a, name,
                                                                make, message):
    client.force_login(focal_a)
    before = (Learner.objects.count(), Membership.objects.count())
    job = job_of(upload(client, make(), name=name, unit=school_a))
    assert job.status == ImportJobStatus.FAILED
    if message is None:  # no header: the message names the columns expected
        message = vi("No header row was recognised in the first %(rows)s rows. The list needs a row of column names "
                     "such as “%(name)s” and “%(cccd)s”; download the template to see them all.",
                     rows=30, name=vi("Full name"), cccd=vi("CCCD number"))
    else:
        message = vi(message)
    assert job.error == message
    assert html.escape(message) in client.get(f"/can-bo/nhap/{job.pk}/").content.decode()
    assert (Learner.objects.count(), Membership.objects.count()) == before
    assert not AuditEntry.objects.filter(action="learner.import").exists()
    assert client.post(f"/can-bo/nhap/{job.pk}/xac-nhan/").status_code == 302  # confirming a failed job: no-op
    assert (Learner.objects.count(), Membership.objects.count()) == before


def _docx() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("[Content_Types].xml", "<Types/>")
        target.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_more_rows_than_the_limit(client, focal_a, school_a, settings):
    settings.HOCSO_IMPORT_MAX_ROWS = 3
    client.force_login(focal_a)
    rows = [person(f"Nguyễn Văn {n}", BORN) for n in ("An", "Bình", "Cường", "Dũng")]
    job = job_of(upload(client, xlsx([HEADER, *rows]), unit=school_a))
    assert job.status == ImportJobStatus.FAILED
    assert job.error == vi("The file has %(count)s rows of data; at most %(limit)s can be imported at once. Split "
                           "the list into several files.", count="4", limit="3")
    assert not Learner.objects.exists()


def test_a_file_over_the_size_limit_is_refused_before_it_is_stored(client, focal_a, school_a, settings):
    settings.HOCSO_IMPORT_MAX_BYTES = 2000
    client.force_login(focal_a)
    content = xlsx([HEADER, *[person(f"Nguyễn Văn {n}", BORN) for n in range(50)]])
    assert len(content) > 2000
    response = upload(client, content, unit=school_a)
    assert response.status_code == 400
    assert "2 KB" in response.content.decode()
    assert not ImportJob.objects.exists() and not Learner.objects.exists()
