"""Official reports of a published campaign: .xlsx (every unit in tree order, subtotals per agency) and a PDF
summary; both read back here (openpyxl, pypdf) with their Vietnamese diacritics."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import timezone

from hocso.campaigns.reports import report_lines

from .helpers import CCCD_RE, assert_no_personal_data, publish

pytestmark = pytest.mark.usefixtures("exact_figures")


@pytest.fixture
def published(world, client, province_admin):
    campaign, _m, _into, people = world
    return campaign, publish(client, province_admin, campaign), people


def download(client, user, campaign, version: int, fmt: str):
    client.force_login(user)
    client.cookies["hocso_language"] = "en"
    return client.get(f"/dot-kiem-tra/{campaign.pk}/bao-cao/{version}.{fmt}")


def test_xlsx_report_lists_units_in_tree_order_with_subtotals(client, published, province_admin, province,
                                                              commune_a, school_a):
    from openpyxl import load_workbook

    campaign, snap, people = published
    response = download(client, province_admin, campaign, snap.version, "xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="bao-cao-{campaign.pk}-v1.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "TỈNH THÁI NGUYÊN"
    assert rows[1][0] == "Results of the test campaign Quý IV/2026"
    assert "01/10/2026" in rows[2][0] and "31/12/2026" in rows[2][0]
    assert rows[3][0] == f"Date: {timezone.localdate():%d/%m/%Y}"
    assert rows[5][:3] == ("No.", "Unit", "Agency code")
    assert rows[-2] == (None,) * len(rows[-2]) and "Pass rate = passed / people with a result" in rows[-1][0]
    rows = rows[:-2]  # the table, without the notes under it
    names = [row[1] for row in rows[6:]]
    # Tree order: the commune, its school, then the commune's subtotal; the grand total last.
    a, school, subtotal = names.index(commune_a.name), names.index(school_a.name), names.index(
        f"Subtotal: {commune_a.name}")
    assert a < school < subtotal
    assert names[-1] == f"Total: {province.name}"
    assert rows[-1][3:9] == (6, 5, 83.3, 4, 3, 75.0)  # Giang's open attempt: a participant without a result
    assert rows[6 + subtotal][3] == 2  # Ánh (school) and Cường (commune): rolled up over the subtree
    assert rows[6 + a][3] == 1  # the commune's own people only
    indent = {row.cell(row=i, column=2).value: row.cell(row=i, column=2).alignment.indent
              for row in [sheet] for i in range(7, sheet.max_row + 1)}
    assert indent[school_a.name] > indent[commune_a.name] > indent[province.name]
    assert sum(1 for n in names if n.startswith("Subtotal: ")) == 3  # communes A, B and Minh Tiến
    body = " ".join(str(v) for row in rows for v in row if v is not None)
    assert_no_personal_data(body, people)


def test_pdf_summary_has_vietnamese_text(client, published, province_admin):
    from pypdf import PdfReader

    campaign, snap, people = published
    response = download(client, province_admin, campaign, snap.version, "pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = re.sub(r"\s+", " ", text)
    assert "TỈNH THÁI NGUYÊN" in flat and "Quý IV/2026" in flat
    assert "Total: Tỉnh Thái Nguyên 6 5 83.3 4 3 75.0" in flat  # English here: the page's language, its separators
    assert "Subtotal: Xã Đại Phúc" in flat and "Subtotal: Xã Minh Tiến" in flat
    assert_no_personal_data(flat, people)
    assert not CCCD_RE.search(flat)


def test_pdf_in_vietnamese_by_default(client, published, province_admin):
    from pypdf import PdfReader

    campaign, snap, _people = published
    client.force_login(province_admin)
    response = client.get(f"/dot-kiem-tra/{campaign.pk}/bao-cao/{snap.version}.pdf")
    text = re.sub(r"\s+", " ", PdfReader(io.BytesIO(response.content)).pages[0].extract_text())
    assert "Điểm trung bình" in text and "Xã Yên Trạch" in text
    assert "83,3" in text and "83.3" not in text  # Vietnamese decimals (hocso.core.formatting)


def test_reports_are_for_staff_in_scope(client, published, learner_user, province_admin):
    campaign, snap, _people = published
    assert download(client, learner_user, campaign, snap.version, "pdf").status_code == 403
    assert download(client, province_admin, campaign, snap.version, "doc").status_code == 404
    assert download(client, province_admin, campaign, snap.version + 1, "xlsx").status_code == 404
    client.logout()
    assert client.get(f"/dot-kiem-tra/{campaign.pk}/bao-cao/{snap.version}.xlsx").status_code == 302


def test_report_lines_put_each_subtotal_after_its_agency(published, commune_b):
    _campaign, snap, _people = published
    lines = report_lines(snap)
    kinds = [line.kind for line in lines]
    assert kinds[0] == "unit" and kinds[-1] == "total" and kinds.count("total") == 1
    b = next(i for i, line in enumerate(lines) if line.kind == "subtotal" and line.name == commune_b.name)
    assert lines[b].figures["audience"] == 3  # Dũng, Giang, Hà; Khánh stays in unit M, merged after the campaign
