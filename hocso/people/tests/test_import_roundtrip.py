"""Import, export, import again: nothing changes. And the error rows go out, get fixed and come back in."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

from django.utils import translation
from django.utils.translation import gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hocso.core.cccd import century_gender_digit
from hocso.people.models import ImportJobStatus, Learner
from hocso.tests.factories import make_cccd

from .import_files import HEADER, csv_bytes, job_of, person, read_xlsx, upload, xlsx

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý", "Tôn Nữ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Ngọc", "Minh", "Thanh", "Xuân", "Quốc", "Thu", "Kim", "Bảo"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hạnh", "Hương", "Khải", "Lộc", "Mỹ", "Nguyệt", "Oanh", "Phúc",
         "Quỳnh", "Sơn", "Thủy", "Uyên", "Việt", "Xuyến", "Yến", "Ánh", "Ước"]


@st.composite
def typed_name(draw) -> str:
    """A name as people type it: sometimes decomposed (NFD), sometimes with doubled spaces."""
    words = [draw(st.sampled_from(FAMILY)), *draw(st.lists(st.sampled_from(MIDDLE), max_size=2)),
             draw(st.sampled_from(GIVEN))]
    name = (" " * draw(st.integers(1, 2))).join(words)
    return unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD"])), name)


@st.composite
def staff_rows(draw) -> list[list]:
    rows, seen = [], set()
    for _i in range(draw(st.integers(1, 6))):
        born = draw(st.dates(min_value=dt.date(1955, 1, 1), max_value=dt.date(2006, 12, 31)))
        gender = draw(st.sampled_from(["M", "F"]))
        cccd = f"0{draw(st.sampled_from(['01', '19', '31', '79']))}{century_gender_digit(born, gender)}" \
               f"{born.year % 100:02d}{draw(st.integers(0, 999999)):06d}"
        if cccd in seen:
            continue
        seen.add(cccd)
        shown = draw(st.sampled_from([born, born.strftime("%d/%m/%Y"), f"{born.day}/{born.month}/{born.year}"]))
        number = draw(st.sampled_from([cccd, int(cccd), f"{cccd[:3]} {cccd[3:]}"]))
        rows.append(["", draw(typed_name()), shown, "Nam" if gender == "M" else "Nữ", number, "", ""])
    return rows


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=staff_rows())
def test_import_then_export_then_import_again_changes_nothing(client, province_admin, school_a, rows):
    client.force_login(province_admin)
    job = job_of(upload(client, xlsx([HEADER, *rows]), unit=school_a))
    assert job.preview["counts"]["error"] == 0, job.preview["problems"]
    client.post(f"/can-bo/nhap/{job.pk}/xac-nhan/")
    job.refresh_from_db()
    assert job.status in (ImportJobStatus.APPLIED, ImportJobStatus.PREVIEW)

    exported = client.get(f"/can-bo/xuat.xlsx?unit={school_a.pk}")
    again = job_of(upload(client, exported.content, name="xuat.xlsx"))
    counts = again.preview["counts"]
    assert counts["unchanged"] == Learner.objects.filter(unit=school_a).count()
    assert sum(counts[k] for k in ("new", "updated", "moved", "left", "error", "duplicate")) == 0, again.preview


def test_csv_export_imports_back_unchanged(client, province_admin, commune_a, school_a):
    client.force_login(province_admin)
    rows = [person("Nguyễn Thị Ánh", dt.date(1990, 1, 31), "F", unit=school_a.name, position="Giáo viên"),
            person("Trần Văn Bình", dt.date(1971, 12, 1), "M", unit=commune_a.name, position="Chủ tịch")]
    job = job_of(upload(client, xlsx([HEADER, *rows])))
    client.post(f"/can-bo/nhap/{job.pk}/xac-nhan/")
    exported = client.get("/can-bo/xuat.csv")
    assert exported.content.startswith("\ufeff".encode())
    again = job_of(upload(client, exported.content, name="xuat.csv"))
    assert again.preview["counts"]["unchanged"] == 2 and again.preview["counts"]["error"] == 0


def test_error_rows_download_fix_and_import_again(client, focal_a, school_a):
    """A two-row header with merged cells, three good rows and two bad ones."""
    client.force_login(focal_a)
    born = dt.date(1988, 4, 5)
    good = [[n, f"Nguyễn Văn {g}", born, None, make_cccd(born, "M"), school_a.name] for n, g in
            ((1, "An"), (2, "Bảo"), (3, "Cảnh"))]
    bad_date = [4, "Lê Thị Dung", None, "31/02/1990", make_cccd(dt.date(1990, 2, 1), "F"), school_a.name]
    bad_unit = [5, "Lê Thị Em", None, born, make_cccd(born, "F"), "Trường Mầm non Không Có"]
    content = xlsx([
        ["DANH SÁCH CÁN BỘ"],
        ["STT", "Họ và tên", "Ngày sinh", None, "Số CCCD", "Đơn vị"],
        [None, None, "Nam", "Nữ", None, None],
        *good, bad_date, bad_unit,
    ], merged=["A1:F1", "A2:A3", "B2:B3", "C2:D2", "E2:E3", "F2:F3"])
    job = job_of(upload(client, content))
    assert (job.preview["counts"]["new"], job.preview["counts"]["error"]) == (3, 2)
    client.post(f"/can-bo/nhap/{job.pk}/xac-nhan/")
    assert Learner.objects.count() == 3

    response = client.get(f"/can-bo/nhap/{job.pk}/loi.xlsx")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('-loi.xlsx"')
    book = read_xlsx(response.content)
    sheet = book.active
    with translation.override("vi"):
        error_label = gettext("Error")
    assert [c.value for c in sheet[1]] == ["STT", "Họ và tên", "Ngày sinh", "Ngày sinh", "Số CCCD", "Đơn vị",
                                            error_label]
    assert [c.value for c in sheet[2]][2:4] == ["Nam", "Nữ"]
    assert [sheet.cell(row=r, column=2).value for r in (3, 4)] == ["Lê Thị Dung", "Lê Thị Em"]
    assert sheet.max_row == 4
    assert "31/02/1990" in sheet["G3"].value and "Trường Mầm non Không Có" in sheet["G4"].value
    assert sheet.freeze_panes == "A3"

    sheet["D3"] = dt.date(1990, 2, 1)
    sheet["F4"] = school_a.name
    fixed = io.BytesIO()
    book.save(fixed)
    again = job_of(upload(client, fixed.getvalue(), name="loi-da-sua.xlsx"))
    counts = again.preview["counts"]
    assert (counts["new"], counts["error"]) == (2, 0), again.preview["problems"]
    assert error_label not in again.preview["ignored"]
    client.post(f"/can-bo/nhap/{again.pk}/xac-nhan/")
    assert Learner.objects.count() == 5
    assert Learner.objects.get(given_name="Dung").gender == "F"


def test_cp1258_csv_imports_like_the_same_list_in_utf8(client, province_admin, school_a):
    client.force_login(province_admin)
    rows = [["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Đơn vị"],
            ["Đặng Thị Ánh Nguyệt", "05/04/1988", "Nữ", make_cccd(dt.date(1988, 4, 5), "F"), school_a.name]]
    job = job_of(upload(client, csv_bytes(rows, encoding="cp1258"), name="ds.csv"))
    client.post(f"/can-bo/nhap/{job.pk}/xac-nhan/")
    again = job_of(upload(client, csv_bytes(rows, encoding="utf-8"), name="ds.csv"))
    assert again.preview["counts"]["unchanged"] == 1
    assert Learner.objects.get().full_name == "Đặng Thị Ánh Nguyệt"
