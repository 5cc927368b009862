"""Hostile files at the staff import's two doors: the upload page (/can-bo/nhap/) and `hocso import_staff`.

Before issue 11: the far cell aborted the process (calamine asked for 512 GiB) and left the job "reading"; the
merged range took 69 s and 2.7 GB; the zip bomb 1.2 GB; a NUL after the first 4 KB of a CSV was stored and then
failed as a 500 on PostgreSQL (a job page polling "100 % 201/201" forever); a field over 131,072 characters was
a traceback in the CLI. Now each is a 400 on the upload page with a message in Vietnamese, nothing stored, and
the command exits with status 1 and the same message, within seconds and a capped address space.
"""

from __future__ import annotations

import html
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

from hocso.people.models import ImportJob, Learner
from hocso.tests import hostile_files as hostile

from .import_files import upload

HOSTILE = [
    pytest.param(hostile.far_cell_xlsx, "danh-sach.xlsx", ["XFD1048576", "Hãy xoá các ô thừa"], id="far-cell"),
    pytest.param(hostile.merged_xlsx, "danh-sach.xlsx", ["A1:XFD20000", "Bỏ gộp các ô đó"], id="merged-range"),
    pytest.param(hostile.zip_bomb_xlsx, "danh-sach.xlsx", ["giải nén", "200,0 MB"], id="zip-bomb"),
    pytest.param(hostile.nul_csv, "danh-sach.csv", ["Dòng 64", "ký tự NUL"], id="nul-csv"),
    pytest.param(hostile.long_field_csv, "danh-sach.csv", ["dòng 3", "32.767 ký tự"], id="long-field-csv"),
]


@pytest.mark.parametrize(("make", "name", "words"), HOSTILE)
def test_hostile_file_is_a_400_on_the_upload_page_and_nothing_is_stored(client, focal_a, school_a, make, name,
                                                                        words):
    content = make()
    client.force_login(focal_a)
    started = time.monotonic()
    with translation.override("vi"):
        response = client.post("/can-bo/nhap/", {
            "file": _upload_file(name, content), "unit": school_a.pk, "effective_date": "01/06/2026",
        }, HTTP_ACCEPT_LANGUAGE="vi")
    assert time.monotonic() - started < 5
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    for word in words:
        assert word in page
    assert not ImportJob.objects.exists()  # no job at all, so none left "reading"
    assert not Learner.objects.exists()


def test_a_nul_inside_an_xlsx_cell_fails_the_job_with_the_cell_named(client, focal_a, school_a):
    """Excel writes NUL as _x0000_: the structure is fine, so the job reads it and fails, never stores it."""
    rows = hostile.header_row(hostile.STAFF_HEADER) + (
        '<row r="2">' + hostile.text_cell("B2", "Nguyễn_x0000_ Văn An") + hostile.text_cell("E2", "019085000001")
        + "</row>")
    client.force_login(focal_a)
    response = upload(client, hostile.workbook(hostile.sheet_xml(rows)), unit=school_a)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == "failed" and not job.is_running
    with translation.override("vi"):
        expected = gettext("Cell %(cell)s of sheet “%(sheet)s” contains a NUL character (code 0), which is never "
                           "part of a real value. Retype that cell (or copy the data into a new file) and upload "
                           "again.") % {"cell": "B2", "sheet": "Danh sách"}
    assert job.error == expected
    assert not Learner.objects.exists()


def _upload_file(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


# --- the command line, as a real process with a capped address space ---------------------------------------------

CLI_MEMORY = 1536 * 1024 * 1024  # Python, Django and the project take ~400 MB of address space before reading


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CLI_MEMORY, CLI_MEMORY))


@pytest.mark.parametrize(("make", "name", "words"), HOSTILE)
def test_hostile_file_on_the_command_line_is_a_clear_message_and_exit_status_1(tmp_path: Path, make, name, words):
    path = tmp_path / name
    path.write_bytes(make())
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hocso.test_settings", "HOCSO_DEMO": "1",
           # a database with no tables: the file must be refused before any query
           "DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite3'}"}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "hocso", "import_staff", str(path), "--dry-run"],
                          capture_output=True, text=True, env=env, timeout=60, preexec_fn=_cap_memory)
    seconds = time.monotonic() - started
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in done.stderr
    assert seconds < 20  # mostly Python and Django starting
