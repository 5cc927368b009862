"""The bridge-site list from Excel: preview with row-level errors, all or nothing, once; the export reads back and
neutralises formulas."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from hocso.core.models import AuditEntry
from hocso.events.importing import COLUMNS
from hocso.events.models import BridgeSite, BridgeSiteImport
from hocso.tests.factories import make_user

pytestmark = pytest.mark.django_db
HEADER = [vi for _field, vi, _en in COLUMNS]


def _xlsx(rows: list[list], *, title_rows: int = 1) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for _ in range(title_rows):
        sheet.append(["DANH SÁCH ĐIỂM CẦU TRỰC TUYẾN"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("diem-cau.xlsx", buffer.getvalue())


def _row(unit_code="", unit_name="", name="", address="", capacity=None, person="", phone="", tech="",
         tech_phone="", equipment="", accounts="", active="Có") -> list:
    return [unit_code, unit_name, name, address, capacity, person, phone, tech, tech_phone, equipment, accounts,
            active]


def _upload(client, upload):
    response = client.post(reverse("events:site_import"), {"file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    return BridgeSiteImport.objects.latest("created_at"), response["Location"]


def test_rows_with_errors_are_listed_and_nothing_can_be_imported(client, province_admin, commune_a, commune_b):
    client.force_login(province_admin)
    stored, preview = _upload(client, _xlsx([
        _row("000.01.30.H55", "", "Hội trường UBND xã Đại Phúc", capacity=80, phone=912345678),  # Excel ate the 0
        _row("999.99.99.H99", "", "Điểm không có đơn vị"),
        _row("", "Xã Yên Trạch", "Nhà văn hoá", capacity="nhiều", phone="09x"),
        _row("", "xa dai phuc", "HỘI TRƯỜNG UBND XÃ ĐẠI PHÚC"),  # the first row again, by name
        _row("000.02.30.H55", "", "Trạm y tế", accounts="khong.co.ai", active="có lẽ"),
    ]))
    page = client.get(preview).content.decode()
    assert "Không có đơn vị nào của bạn có mã “999.99.99.H99”." in page
    assert "Số chỗ ngồi là một số nguyên" in page
    assert "Số điện thoại chỉ gồm chữ số" in page
    assert "Trùng với điểm cầu ở dòng 3." in page
    assert "Không có tài khoản nào đang hoạt động tên là khong.co.ai." in page
    assert "Xác nhận nhập" not in page
    # Confirming anyway (a crafted POST) writes nothing.
    client.post(preview)
    assert not BridgeSite.objects.exists()
    stored.refresh_from_db()
    assert stored.applied_at is None


def test_a_clean_file_is_imported_once_and_updates_by_unit_and_name(client, province_admin, commune_a, commune_b):
    coordinator = make_user(username="hong.mt")
    client.force_login(province_admin)
    _stored, preview = _upload(client, _xlsx([
        _row("000.01.30.H55", "", "Hội trường UBND xã Đại Phúc", "Xóm Trung Tâm", 80, "Ma Thị Hồng", 912345678,
             accounts="hong.mt"),
        _row("", "Xã Yên Trạch", "Nhà văn hoá xã Yên Trạch", capacity=60, active="Không"),
    ], title_rows=2))
    assert "thêm 2 điểm cầu và cập nhật 0." in client.get(preview).content.decode()
    response = client.post(preview)
    assert response.status_code == 302
    first = BridgeSite.objects.get(unit=commune_a)
    assert (first.capacity, first.coordinator_phone, list(first.coordinators.all())) == (80, "0912345678",
                                                                                       [coordinator])
    assert BridgeSite.objects.get(unit=commune_b).is_active is False
    # A second confirmation (double click, back button) imports nothing more.
    assert "Đã nhập lúc" in client.post(preview, follow=True).content.decode()
    assert BridgeSite.objects.count() == 2
    # The same list again, edited: the site is found by its unit and name and updated.
    _stored, preview = _upload(client, _xlsx([_row("000.01.30.H55", "", "Hội trường UBND xã Đại Phúc", capacity=120)]))
    assert "thêm 0 điểm cầu và cập nhật 1." in client.get(preview).content.decode()
    client.post(preview)
    first.refresh_from_db()
    assert first.capacity == 120 and BridgeSite.objects.count() == 2
    assert AuditEntry.objects.filter(action="bridge_site.import").count() == 2


def test_a_focal_point_cannot_import_into_another_unit(client, focal_a, commune_b):
    client.force_login(focal_a)
    _stored, preview = _upload(client, _xlsx([_row("000.02.30.H55", "", "Hội trường UBND xã Yên Trạch")]))
    assert "Không có đơn vị nào của bạn có mã “000.02.30.H55”." in client.get(preview).content.decode()
    client.post(preview)
    assert not BridgeSite.objects.exists()


def test_someone_elses_preview_is_not_found(client, focal_a, focal_b, commune_a):
    client.force_login(focal_a)
    _stored, preview = _upload(client, _xlsx([_row("000.01.30.H55", "", "Hội trường")]))
    client.force_login(focal_b)
    assert client.get(preview).status_code == 404
    assert client.post(preview).status_code == 404


@pytest.mark.parametrize("content, message", [
    (b"%PDF-1.7 not a spreadsheet", "không phải"),
    (b"Ten,Tuoi\nAn,30\n", "Không nhận ra dòng tiêu đề"),
])
def test_a_file_that_cannot_be_used_is_refused_with_a_clear_message(client, province_admin, content, message):
    client.force_login(province_admin)
    response = client.post(reverse("events:site_import"), {"file": SimpleUploadedFile("x.xlsx", content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BridgeSiteImport.objects.exists()


def test_the_export_reads_back_and_writes_no_formula(client, province_admin, commune_a):
    from hocso.events.tests.conftest import make_site

    make_site(commune_a, '=HYPERLINK("http://x.example","Bấm vào")', coordinator_phone="0912345678", capacity=30)
    client.force_login(province_admin)
    response = client.get(reverse("events:site_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert rows[1][2] == '=HYPERLINK("http://x.example","Bấm vào")' and sheet.cell(2, 3).data_type == "s"
    assert rows[1][6] == "0912345678"  # text: the leading zero kept
    # The exported file imports again as it is: the same site, nothing to change but the update itself.
    _stored, preview = _upload(client, SimpleUploadedFile("xuat.xlsx", response.content))
    assert "thêm 0 điểm cầu và cập nhật 1." in client.get(preview).content.decode()


def test_a_unit_merged_between_preview_and_confirmation_stops_the_whole_import(client, province_admin, commune_a,
                                                                               commune_b):
    import datetime as dt

    from hocso.org.models import Unit

    client.force_login(province_admin)
    _stored, preview = _upload(client, _xlsx([
        _row("000.01.30.H55", "", "Hội trường UBND xã Đại Phúc"),
        _row("000.02.30.H55", "", "Hội trường UBND xã Yên Trạch"),
    ]))
    assert "thêm 2 điểm cầu" in client.get(preview).content.decode()
    Unit.objects.filter(pk=commune_b.pk).update(valid_to=dt.date(2026, 12, 1))
    page = client.post(preview, follow=True).content.decode()
    assert "Tệp có dòng bị lỗi" in page
    assert not BridgeSite.objects.exists()  # not even the first, valid row
