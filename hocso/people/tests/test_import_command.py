"""`hocso import_staff FILE [--unit CODE] [--dry-run]`: the same engine from a terminal."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from hocso.core.models import AuditEntry
from hocso.people.models import Learner, Membership, MembershipReason

from .import_files import HEADER, person, read_xlsx, xlsx

BORN = dt.date(1985, 5, 17)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_staff", *args, "--language", "en", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def staff_file(tmp_path, school_a, learner_in_a):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(xlsx([
        HEADER,
        person("Nguyễn Văn An", BORN),
        ["", learner_in_a.full_name, learner_in_a.date_of_birth, "Nam", learner_in_a.cccd, "", "Hiệu trưởng"],
        ["", "Lê Văn Sai", "31/02/1990", "Nam", "019090000001", "", ""],
    ]))
    return path


def test_dry_run_reports_and_changes_nothing(staff_file, commune_a, learner_in_a):
    out, err = run(str(staff_file), "--unit", commune_a.code, "--dry-run")
    assert "New: 1  Updated: 0  Moved: 1  Retired or left: 0  Unchanged: 0  With errors: 1" in out
    assert "row 4, Ngày sinh [31/02/1990]: error: 31/02/1990 is not a real date (day/month/year)." in out
    assert "Dry run: nothing was changed." in out
    assert "Reading…" in err and "Checking…" in err  # progress, as plain lines when not on a terminal
    assert Learner.objects.count() == 1 and not AuditEntry.objects.exists()


def test_apply_writes_the_valid_rows_and_is_audited(staff_file, commune_a, school_a, learner_in_a):
    out, err = run(str(staff_file), "--unit", commune_a.code, "--date", "01/06/2026")
    assert "Imported in" in out and "1 new, 0 updated, 1 moved" in out
    assert "Writing…" in err
    learner_in_a.refresh_from_db()
    assert learner_in_a.unit == commune_a and learner_in_a.position == "Hiệu trưởng"
    assert learner_in_a.memberships.get(end_date__isnull=True).reason == MembershipReason.IMPORT
    assert Membership.objects.get(learner__given_name="An").start_date == dt.date(2026, 6, 1)
    entry = AuditEntry.objects.get(action="learner.import")
    assert entry.actor is None and entry.actor_label == "import_staff (command line)"
    assert entry.changes["file"] == "danh-sach.xlsx" and entry.changes["new"] == 1


def test_strict_applies_nothing_when_a_row_is_wrong(staff_file, commune_a):
    with pytest.raises(CommandError, match="1 rows have errors"):
        run(str(staff_file), "--unit", commune_a.code, "--strict")
    assert Learner.objects.count() == 1


def test_acting_as_a_focal_point_keeps_their_scope(staff_file, commune_b, focal_b, learner_in_a):
    out, _err = run(str(staff_file), "--unit", commune_b.code, "--user", focal_b.username, "--dry-run")
    assert "With errors: 2" in out
    assert "This CCCD number cannot be used in your units" in out


def test_error_rows_can_be_written_to_a_file(staff_file, commune_a, tmp_path):
    target = tmp_path / "loi.xlsx"
    run(str(staff_file), "--unit", commune_a.code, "--dry-run", "--errors", str(target))
    sheet = read_xlsx(target.read_bytes()).active
    assert sheet.max_row == 2 and sheet["B2"].value == "Lê Văn Sai"


@pytest.mark.parametrize(("content", "message"), [
    (b"%PDF-1.4 not a list", "This file is not a spreadsheet."),
    (b"", "The file is empty."),
])
def test_a_bad_file_is_a_command_error(tmp_path, province, content, message):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(str(path))


def test_an_unknown_unit_or_a_missing_file(staff_file, tmp_path):
    with pytest.raises(CommandError, match="No current unit"):
        run(str(staff_file), "--unit", "999.99.99.H55")
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "missing.xlsx"))
    assert Learner.objects.count() == 1
