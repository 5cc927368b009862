"""A person downloads a copy of their own data; CCCD numbers stay out of logs."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging

import pytest
from openpyxl import load_workbook

from hocso.core.actors import SYSTEM
from hocso.core.logmask import MaskingFormatter, mask_personal_data
from hocso.core.models import AuditEntry
from hocso.identity.models import CONSENT_VERSION, ConsentRecord
from hocso.people import privacy
from hocso.people.services import learner_move, learner_reveal_cccd


@pytest.fixture
def person(learner_user, learner_in_a, commune_b):
    """Ánh, who moved from her school to another commune, has an account and accepted the notice."""
    learner_in_a.email = "anh.dt@thainguyen.gov.vn"
    learner_in_a.position = "Giáo viên"
    learner_in_a.save()
    learner_move(actor=SYSTEM, learner=learner_in_a, to_unit=commune_b, on=dt.date(2025, 7, 1))
    ConsentRecord.objects.create(user=learner_user, version=CONSENT_VERSION)
    learner_in_a.refresh_from_db()
    return learner_in_a


def _sections(data: dict) -> dict:
    return {section["key"]: section for section in data["sections"]}


def test_the_json_copy_has_profile_memberships_and_account(client, person, learner_user):
    client.force_login(learner_user)

    response = client.post("/tai-khoan/du-lieu-cua-toi/tai-ve.json")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="hocso-du-lieu-ca-nhan-')
    assert response["Cache-Control"] == "no-store"
    sections = _sections(json.loads(response.content))
    profile = sections["profile"]["rows"][0]
    assert profile["given_name"] == "Ánh" and profile["email"] == "anh.dt@thainguyen.gov.vn"
    assert profile["cccd"] == person.cccd, "the person's own number, in full"
    assert profile["date_of_birth"] == person.date_of_birth.isoformat()
    memberships = sections["memberships"]["rows"]
    assert [(m["unit"], m["start_date"], m["end_date"]) for m in memberships] == [
        ("Trường Tiểu học Đại Phúc", "2024-01-01", "2025-07-01"), ("Xã Yên Trạch", "2025-07-01", None),
    ]
    assert sections["account"]["rows"][0]["username"] == learner_user.username
    assert sections["consents"]["rows"][0]["version"] == CONSENT_VERSION
    assert {"time", "action", "by"} <= set(sections["access"]["columns"])
    assert AuditEntry.objects.filter(action="privacy.export", object_id=str(person.pk)).count() == 1


def test_the_excel_copy_has_one_sheet_per_section(client, person, learner_user):
    client.force_login(learner_user)
    client.cookies["hocso_language"] = "en"

    response = client.post("/tai-khoan/du-lieu-cua-toi/tai-ve.xlsx")

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:3] == ["Profile", "Unit memberships", "Account"]
    profile = workbook["Profile"]
    header = [cell.value for cell in profile[1]]
    row = dict(zip(header, [cell.value for cell in profile[2]], strict=True))
    assert row["CCCD number"] == person.cccd and row["CCCD number"].startswith("0")
    assert row["date of birth"].date() == person.date_of_birth
    assert workbook["Unit memberships"].max_row == 3


def test_someone_without_a_profile_gets_their_account_only(client, focal_a):
    client.force_login(focal_a)

    sections = _sections(json.loads(client.post("/tai-khoan/du-lieu-cua-toi/tai-ve.json").content))

    assert sections["profile"]["rows"] == [] and sections["memberships"]["rows"] == []
    assert sections["account"]["rows"][0]["username"] == focal_a.username


def test_a_download_must_be_posted_and_signed_in(client, learner_user):
    assert client.post("/tai-khoan/du-lieu-cua-toi/tai-ve.json").status_code == 302
    client.force_login(learner_user)
    assert client.get("/tai-khoan/du-lieu-cua-toi/tai-ve.json").status_code == 405
    assert client.get("/tai-khoan/du-lieu-cua-toi/").status_code == 200


def test_looks_at_the_full_cccd_are_in_the_copy(client, person, learner_user, focal_b):
    learner_reveal_cccd(actor=focal_b, learner=person)  # Ánh now works in focal_b's commune
    client.force_login(learner_user)

    access = _sections(json.loads(client.post("/tai-khoan/du-lieu-cua-toi/tai-ve.json").content))["access"]

    assert any(row["action"] == "learner.view_cccd" and row["by"] == str(focal_b) for row in access["rows"])


def test_later_apps_add_their_sections_through_the_registry(client, person, learner_user):
    privacy.register_section(
        "enrolments", "Enrolments", order=40, columns=[privacy.Column("course", "Course")],
        rows=lambda subject: [{"course": f"Kỹ năng số cơ bản ({subject.learner.given_name})"}],
    )
    try:
        client.force_login(learner_user)
        sections = _sections(json.loads(client.post("/tai-khoan/du-lieu-cua-toi/tai-ve.json").content))
    finally:
        privacy.unregister_section("enrolments")

    assert sections["enrolments"]["rows"] == [{"course": "Kỹ năng số cơ bản (Ánh)"}]
    assert [s["key"] for s in json.loads(client.post("/tai-khoan/du-lieu-cua-toi/tai-ve.json").content)["sections"]
            ].count("enrolments") == 0


def test_the_account_page_links_to_the_copy(client, learner_user):
    client.force_login(learner_user)
    assert "/tai-khoan/du-lieu-cua-toi/" in client.get("/tai-khoan/").content.decode()


# --- logs ------------------------------------------------------------------------------------------------------


def test_cccd_numbers_are_masked_in_log_lines():
    record = logging.LogRecord("hocso", logging.WARNING, __file__, 1, "import row for %s failed", ("019185001234",),
                               None)
    line = MaskingFormatter("%(message)s").format(record)
    assert line == "import row for 019*******34 failed"
    assert mask_personal_data("ts 1700000000123 id 12") == "ts 1700000000123 id 12", "other numbers untouched"


def test_the_configured_log_handler_masks(settings):
    formatter = settings.LOGGING["handlers"]["console"]["formatter"]
    assert settings.LOGGING["formatters"][formatter]["()"] == "hocso.core.logmask.MaskingFormatter"
