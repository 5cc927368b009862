"""No file the product writes carries a live formula (issue 11, item 5).

People, a unit, a target group and a campaign whose names hold the payloads of the issue are seeded straight into
the database (as data imported before names were checked would be), then every .xlsx and CSV download is fetched
through HTTP and read back: no cell may be a formula, and every text that a spreadsheet could run must be marked as
text (.xlsx: an inline string with the quote prefix; CSV: a leading apostrophe).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from hocso.assessment.tests.factories import make_category, make_question, make_quiz
from hocso.campaigns.models import Snapshot
from hocso.campaigns.services import AudienceLine, campaign_create
from hocso.campaigns.tests.helpers import make_attempt
from hocso.core.actors import SYSTEM
from hocso.core.exporting import CSV_GUARD, FORMULA_STARTS
from hocso.identity.services import api_key_issue
from hocso.org.models import TargetGroup, Unit
from hocso.people.models import Learner
from hocso.people.tests.import_files import csv_bytes, job_of, upload
from hocso.tests.factories import make_learner, make_unit, make_user

PAYLOADS = [
    '=HYPERLINK("http://example.com/x","Bấm vào")',
    "=cmd|' /C calc'!A0",
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1+1)",
    "\t=1+1",
    "\uff1d1+1",  # full-width ＝
]


def _checked_xlsx(content: bytes, name: str) -> list[str]:
    """Every text cell that could be a formula, after asserting that none is one and each is marked as text."""
    book = load_workbook(io.BytesIO(content))
    risky = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{name} {sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str) and cell.value[:1] in FORMULA_STARTS:
                    assert cell.data_type == "s" and cell.quotePrefix, (
                        f"{name} {sheet.title}!{cell.coordinate} is not marked as text: {cell.value!r}")
                    risky.append(cell.value)
    return risky


def _checked_csv(content: bytes, name: str) -> list[str]:
    """Every field that was guarded, after asserting that no field starts with a formula character."""
    assert content.startswith("\ufeff".encode()), f"{name}: the byte-order mark Excel needs"
    guarded = []
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))):
        for field in row:
            assert field[:1] not in FORMULA_STARTS, f"{name}: the field {field!r} starts a formula"
            if field[:1] == CSV_GUARD and field[1:2] in FORMULA_STARTS:
                guarded.append(field[1:])
    return guarded


@pytest.fixture
def hostile(province, commune_a, province_admin):
    """A unit, a target group and eight people whose free-text fields hold the payloads; a campaign they sat."""
    unit = make_unit("=1+1", commune_a)
    group = TargetGroup.objects.create(code="hostile", name="+HYPERLINK(\"http://example.com\")", position=99)
    category = make_category()
    quiz = make_quiz(title="=1+1 Kiểm tra", questions=[make_question(category)], pass_percent=Decimal(50))
    people = []
    for number, payload in enumerate(PAYLOADS):
        learner = make_learner(unit, "Nguyễn Văn An", email=f"an{number}@example.vn", phone="+84912345678",
                               target_group=group)
        # Straight into the table: names the person form now refuses may be there from before.
        Learner.objects.filter(pk=learner.pk).update(
            family_name=payload[:50], middle_name=payload, given_name=payload[:50], position=payload)
        learner.refresh_from_db()
        make_attempt(quiz, learner, percent=40 + 5 * number)
        people.append(learner)
    people[0].user = make_user(username="hostile")
    people[0].save(update_fields=["user"])
    campaign = campaign_create(actor=SYSTEM, title='=HYPERLINK("http://example.com","Quý IV")', quiz=quiz,
                               opens_on=dt.date(2026, 10, 1), closes_on=dt.date(2026, 12, 31),
                               lines=[AudienceLine(unit=province)])
    return unit, quiz, campaign, people


def test_no_export_carries_a_live_formula(client, hostile, province_admin, school_a):
    unit, quiz, campaign, people = hostile
    client.force_login(province_admin)
    assert client.post(f"/dot-kiem-tra/{campaign.pk}/cong-bo/").status_code == 302
    version = Snapshot.objects.get(campaign=campaign).version
    _key, raw_key = api_key_issue(actor=SYSTEM, name="IOC")
    api_key = {"HTTP_AUTHORIZATION": f"Bearer {raw_key}"}

    # Rows the import refuses (the CCCD numbers are wrong) come back in the error file as they were written.
    content = csv_bytes([["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Chức vụ"],
                         *[["", payload, "17/05/1985", "Nam", "123", payload] for payload in PAYLOADS]])
    job = job_of(upload(client, content, name="danh-sach.csv", unit=school_a))

    xlsx_files = {
        "people list": client.get("/can-bo/xuat.xlsx"),
        "people list through the API": client.get("/api/v1/learners/export?format=xlsx", **api_key),
        "import error file": client.get(f"/can-bo/nhap/{job.pk}/loi.xlsx"),
        "import template": client.get("/can-bo/nhap/mau.xlsx"),
        "campaign follow-up": client.get(f"/dot-kiem-tra/{campaign.pk}/theo-doi/?format=xlsx"),
        "campaign snapshot": client.get(f"/dot-kiem-tra/{campaign.pk}/ban-cong-bo/{version}.xlsx"),
        "campaign report": client.get(f"/dot-kiem-tra/{campaign.pk}/bao-cao/{version}.xlsx"),
        "quiz results": client.get(f"/kiem-tra/de-thi/{quiz.pk}/ket-qua/xuat-excel/"),
        "question bank template": client.get("/kiem-tra/ngan-hang/nhap/mau-excel/"),
    }
    csv_files = {
        "people list": client.get("/can-bo/xuat.csv"),
        "people list through the API": client.get("/api/v1/learners/export?format=csv", **api_key),
        "campaign snapshot": client.get(f"/dot-kiem-tra/{campaign.pk}/ban-cong-bo/{version}.csv"),
    }
    client.force_login(people[0].user)
    xlsx_files["personal data copy"] = client.post("/tai-khoan/du-lieu-cua-toi/tai-ve.xlsx")

    holding = {"people list": PAYLOADS, "people list through the API": PAYLOADS, "import error file": PAYLOADS,
               "campaign follow-up": PAYLOADS, "quiz results": PAYLOADS, "personal data copy": PAYLOADS[:1]}
    for name, response in xlsx_files.items():
        assert response.status_code == 200, name
        risky = _checked_xlsx(response.content, name)
        # The file really held the payloads (each at a cell's beginning: a full name joins the three parts).
        missing = [p for p in holding.get(name, ()) if not any(value.startswith(p.strip()) for value in risky)]
        assert not missing, (name, missing)
    assert unit.name in _checked_xlsx(xlsx_files["import template"].content, "import template")
    assert unit.name in _checked_xlsx(xlsx_files["campaign snapshot"].content, "campaign snapshot")
    assert unit.name in _checked_xlsx(xlsx_files["campaign report"].content, "campaign report")
    for name, response in csv_files.items():
        assert response.status_code == 200, name
        guarded = _checked_csv(response.content, name)
        if name.startswith("people list"):
            assert set(PAYLOADS) <= set(guarded) and "+84912345678" in guarded, (name, guarded)
    assert campaign.title in _checked_csv(csv_files["campaign snapshot"].content, "campaign snapshot")


def test_a_guarded_csv_export_imports_back_unchanged(client, province_admin, school_a):
    """The apostrophe is for spreadsheet programs only: the staff import takes it off again."""
    learner = make_learner(school_a, "Nguyễn Văn An", phone="+84912345678")
    Learner.objects.filter(pk=learner.pk).update(position="-Phó phòng (kiêm nhiệm)")
    client.force_login(province_admin)
    exported = client.get("/can-bo/xuat.csv").content
    assert "'+84912345678" in exported.decode() and "'-Phó phòng" in exported.decode()
    job = job_of(upload(client, exported, name="can-bo.csv", unit=school_a))
    assert job.preview["counts"]["unchanged"] == 1, job.preview


def test_forms_and_import_refuse_names_beginning_with_a_formula_character(client, focal_a, school_a):
    client.force_login(focal_a)
    for name in ("=1+1 Văn An", "+Nguyễn Văn An", "@Nguyễn Văn An", "-Nguyễn Văn An", "\uff1dNguyễn Văn An"):
        response = client.post("/can-bo/them/", {"unit": school_a.pk, "full_name": name, "start_date": "01/06/2026"})
        assert response.status_code == 200, name
        assert "Họ tên không được bắt đầu bằng =, +, - hoặc @" in response.content.decode(), name
    assert not Learner.objects.exists()
    # A position is free text: accepted, and written as text in every file.
    response = client.post("/can-bo/them/", {"unit": school_a.pk, "full_name": "Nguyễn Văn An",
                                             "position": "=1+1", "start_date": "01/06/2026"})
    assert response.status_code == 302
    assert Learner.objects.get().position == "=1+1"

    content = csv_bytes([["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Chức vụ"],
                         ["", "=HYPERLINK(\"http://example.com\",\"Bấm\")", "17/05/1985", "Nam", "", ""]])
    job = job_of(upload(client, content, name="danh-sach.csv", unit=school_a))
    assert any("Họ tên không được bắt đầu" in p["message"] for p in job.preview["problems"]), job.preview


def test_unit_of_a_hostile_unit_is_not_a_formula_in_the_template_drop_down(client, province_admin, commune_a):
    """Unit names fill the template's hidden list sheet: text there too, and the drop-down still points at it."""
    make_unit("@Trường =1+1", commune_a)
    client.force_login(province_admin)
    book = load_workbook(io.BytesIO(client.get("/can-bo/nhap/mau.xlsx").content))
    lists = book["DanhMuc"]
    names = [cell.value for cell in lists["C"] if cell.value]
    assert "@Trường =1+1" in names
    assert _checked_xlsx(client.get("/can-bo/nhap/mau.xlsx").content, "template")
    assert Unit.objects.filter(name="@Trường =1+1").exists()
