"""Exporting the list as filtered on screen: format, order, scope, masking, audit, and the same through the API."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import translation

from hocso.core.models import AuditEntry
from hocso.identity.services import api_key_issue
from hocso.people.exporting import export_columns
from hocso.tests.factories import make_learner, make_unit, target_group

from .import_files import read_xlsx, vi


def rows_of(content: bytes) -> list[list]:
    sheet = read_xlsx(content).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


@pytest.fixture
def people(commune_a, school_a, commune_b):
    return [
        make_learner(school_a, "Trần Thị Ước", gender="F", position="Giáo viên",
                     target_group=target_group("education")),
        make_learner(commune_a, "Nguyễn Văn Bình", email="binh@daiphuc.gov.vn", phone="0912345678",
                     rank_code="01.003"),
        make_learner(commune_a, "Lê Văn Ánh", date_of_birth=dt.date(1979, 1, 2)),
        make_learner(commune_b, "Đỗ Thị Yến", gender="F"),
    ]


def test_xlsx_has_a_bold_frozen_header_widths_and_vietnamese_order(client, province_admin, people):
    client.force_login(province_admin)
    response = client.get("/can-bo/xuat.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="can-bo-')
    assert "no-store" in response["Cache-Control"]
    sheet = read_xlsx(response.content).active
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.column_dimensions["I"].width == 40
    header = [c.value for c in sheet[1]]
    assert header == [vi(label) for _key, label, _w in export_columns_en()]
    given = [row[3] for row in rows_of(response.content)[1:]]
    assert given == ["Ánh", "Bình", "Ước", "Yến"]  # by given name, in the Vietnamese alphabet (Á before B, Ư after U)
    anh = rows_of(response.content)[1]
    assert anh[4] == dt.datetime(1979, 1, 2) and sheet["E2"].number_format == "DD/MM/YYYY"
    assert anh[6] == people[2].cccd and sheet["G2"].number_format == "@"
    binh = rows_of(response.content)[2]
    assert (binh[12], binh[13], binh[10]) == ("binh@daiphuc.gov.vn", "0912345678", "01.003")
    assert rows_of(response.content)[3][11] == target_group("education").name


def export_columns_en() -> list:
    with translation.override("en"):
        return export_columns()


def test_export_follows_the_filters_on_screen(client, province_admin, people, commune_a, school_a):
    client.force_login(province_admin)
    names = [row[3] for row in rows_of(client.get(f"/can-bo/xuat.xlsx?unit={commune_a.pk}&q=van").content)[1:]]
    assert names == ["Ánh", "Bình"]
    in_school = rows_of(client.get(f"/can-bo/xuat.xlsx?unit={school_a.pk}").content)
    assert [row[3] for row in in_school[1:]] == ["Ước"]


def test_focal_point_exports_only_their_subtree_with_full_numbers_and_it_is_audited(client, focal_a, people):
    client.force_login(focal_a)
    rows = rows_of(client.get("/can-bo/xuat.xlsx").content)[1:]
    assert sorted(row[3] for row in rows) == ["Bình", "Ánh", "Ước"]
    assert {row[6] for row in rows} == {p.cccd for p in people[:3]}
    entry = AuditEntry.objects.get(action="learner.export")
    assert entry.actor == focal_a and entry.changes["full_cccd"] is True and entry.changes["rows"] == 3


def test_outside_the_subtree_is_404_not_an_empty_file(client, focal_a, people, commune_b):
    client.force_login(focal_a)
    assert client.get(f"/can-bo/xuat.xlsx?unit={commune_b.pk}").status_code == 404


def test_masked_export_hides_cccd_and_birth_date(client, focal_a, people):
    client.force_login(focal_a)
    rows = rows_of(client.get("/can-bo/xuat.xlsx?masked=1").content)[1:]
    anh = next(row for row in rows if row[3] == "Ánh")
    assert anh[6] == people[2].masked_cccd and anh[4] == "**/**/1979"
    assert AuditEntry.objects.get(action="learner.export").changes["full_cccd"] is False


def test_a_learner_exports_only_themselves(client, learner_user, learner_in_a, learner_in_b):
    client.force_login(learner_user)
    rows = rows_of(client.get("/can-bo/xuat.xlsx").content)[1:]
    assert [row[6] for row in rows] == [learner_in_a.cccd]  # their own number, in full


def test_csv_is_utf8_with_bom_and_the_same_columns(client, province_admin, people):
    client.force_login(province_admin)
    response = client.get("/can-bo/xuat.csv?status=active")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [vi(label) for _key, label, _w in export_columns_en()]
    assert rows[1][3] == "Ánh" and rows[1][4] == "02/01/1979" and rows[1][6] == people[2].cccd
    assert len(rows) == 5


def test_units_with_the_same_name_are_written_with_their_parent(client, province_admin, commune_a, commune_b):
    make_learner(make_unit("Văn phòng", commune_a), "Nguyễn Văn An")
    make_learner(make_unit("Văn phòng", commune_b), "Nguyễn Văn Bảo")
    client.force_login(province_admin)
    units = {row[8] for row in rows_of(client.get("/can-bo/xuat.xlsx").content)[1:]}
    assert units == {f"Văn phòng ({commune_a.name})", f"Văn phòng ({commune_b.name})"}


def test_export_runs_a_bounded_number_of_queries(client, province_admin, commune_a,
                                                 django_assert_max_num_queries):
    for n in range(30):
        make_learner(make_unit(f"Tổ {n}", commune_a), f"Nguyễn Văn Số{n}")
    client.force_login(province_admin)
    with django_assert_max_num_queries(12):
        assert client.get("/can-bo/xuat.xlsx").status_code == 200


def test_list_page_links_to_the_export_with_its_filters(client, province_admin, people, commune_a):
    client.force_login(province_admin)
    html = client.get(f"/can-bo/?unit={commune_a.pk}&q=van").content.decode()
    assert f'href="/can-bo/xuat.xlsx?unit={commune_a.pk}&amp;q=van"' in html
    assert f'href="/can-bo/xuat.csv?unit={commune_a.pk}&amp;q=van"' in html
    assert f'href="/can-bo/nhap/?unit={commune_a.pk}"' in html


# --- the API ---------------------------------------------------------------------------------------------------


def test_api_export_for_a_signed_in_focal_point(client, focal_a, people, commune_a):
    client.force_login(focal_a)
    response = client.get(f"/api/v1/learners/export?format=csv&unit={commune_a.pk}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(row[3] for row in rows[1:]) == ["Bình", "Ánh", "Ước"]
    assert {row[6] for row in rows[1:]} == {p.cccd for p in people[:3]}
    xlsx = client.get("/api/v1/learners/export")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats") and len(rows_of(xlsx.content)) == 4


def test_api_keys_get_masked_numbers_and_only_their_scope(client, province_admin, commune_a, people):
    _key, raw = api_key_issue(actor=province_admin, name="Cổng thông tin xã", unit=commune_a)
    response = client.get("/api/v1/learners/export", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    rows = rows_of(response.content)[1:]
    assert sorted(row[3] for row in rows) == ["Bình", "Ánh", "Ước"]
    assert all("*" in row[6] for row in rows) and all(str(row[4]).startswith("**/**/") for row in rows)
    assert client.get("/api/v1/learners/export", HTTP_AUTHORIZATION=f"Bearer {raw}",
                      data={"unit": people[3].unit_id}).status_code == 404


def test_api_export_needs_authentication(client, people):
    response = client.get("/api/v1/learners/export")
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"


def test_the_export_is_described_in_the_openapi_document(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/learners/export"]["get"]
    parameters = {p["name"] for p in operation["parameters"]}
    assert {"format", "masked", "q", "unit", "target_group", "status"} <= parameters
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in operation["responses"]["200"][
        "content"]
