"""A CCCD number already in use tells a focal point nothing about people outside their units (issue 11, item 8).

Both sides of the boundary, through the person form (create and edit) and the staff import: inside their units the
answer names the person (the focal point can see them anyway); outside, one neutral sentence, the same for someone
in another unit and for someone who left the service, with nothing compared against what is stored about them, and
the attempt in the audit trail.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from django.utils.translation import gettext

from hocso.core.actors import SYSTEM
from hocso.core.models import AuditEntry
from hocso.people.models import Learner
from hocso.people.services import cccd_unavailable_message, learner_leave
from hocso.tests.factories import make_learner

from .import_files import csv_bytes, job_of, upload

NEUTRAL_EN = ("This CCCD number cannot be used in your units. If it is correct, contact the province administrator: "
              "the person may be registered in another unit or have left the service.")


def neutral() -> str:
    with translation.override("vi"):
        return cccd_unavailable_message()


def create(client, unit, cccd: str, **extra):
    return client.post("/can-bo/them/", {"unit": unit.pk, "full_name": "Lê Văn Tám", "cccd": cccd,
                                         "start_date": "01/06/2026", **extra})


@pytest.fixture
def left(commune_b):
    person = make_learner(commune_b, "Hoàng Thị Lụa", gender="F")
    learner_leave(actor=SYSTEM, learner=person, on=dt.date(2025, 12, 31))
    return person


def test_the_neutral_message_is_translated():
    with translation.override("vi"):
        assert gettext(NEUTRAL_EN) != NEUTRAL_EN
    assert neutral().startswith("Không thể dùng số CCCD này")


@pytest.mark.parametrize("holder", ["learner_in_b", "left"])
def test_a_number_held_outside_the_focal_points_units_reveals_nothing(client, request, focal_a, school_a, holder):
    person = request.getfixturevalue(holder)
    client.force_login(focal_a)
    response = create(client, school_a, person.cccd, date_of_birth=person.date_of_birth.strftime("%d/%m/%Y"),
                      gender=person.gender)
    assert response.status_code == 200
    assert response.context["form"].errors["cccd"] == [neutral()]
    page = response.content.decode()
    for secret in (person.full_name, person.given_name, "Xã Yên Trạch", "nghỉ việc"):
        assert secret not in page.replace(neutral(), ""), secret
    assert Learner.objects.filter(cccd=person.cccd).count() == 1
    entry = AuditEntry.objects.get(action="learner.cccd_refused")
    assert (entry.actor, entry.object_id, entry.changes["via"]) == (focal_a, str(person.pk), "form")


def test_inside_their_units_the_answer_names_the_person(client, focal_a, school_a, learner_in_a):
    client.force_login(focal_a)
    response = create(client, school_a, learner_in_a.cccd, date_of_birth="17/05/1985", gender=learner_in_a.gender)
    (message,) = response.context["form"].errors["cccd"]
    assert learner_in_a.full_name in message and "Trường Tiểu học Đại Phúc" in message
    assert not AuditEntry.objects.filter(action="learner.cccd_refused").exists()


def test_the_province_administrator_is_told_who_has_the_number(client, province_admin, school_a, left):
    client.force_login(province_admin)
    (message,) = create(client, school_a, left.cccd, date_of_birth="17/05/1985", gender="F"
                        ).context["form"].errors["cccd"]
    assert left.full_name in message and "đã nghỉ việc" in message


def test_editing_a_person_to_another_units_number_is_refused_the_same_way(client, focal_a, learner_in_a,
                                                                            learner_in_b):
    Learner.objects.filter(pk=learner_in_a.pk).update(gender="M")
    client.force_login(focal_a)
    response = client.post(f"/can-bo/{learner_in_a.pk}/sua/", {
        "family_name": learner_in_a.family_name, "middle_name": learner_in_a.middle_name,
        "given_name": learner_in_a.given_name, "cccd": learner_in_b.cccd, "date_of_birth": "17/05/1985",
        "gender": "M", "status": learner_in_a.status,
    })
    assert response.status_code == 200
    assert response.context["form"].errors["cccd"] == [neutral()]
    assert learner_in_b.full_name not in response.content.decode()
    learner_in_a.refresh_from_db()
    assert learner_in_a.cccd != learner_in_b.cccd


def test_the_import_gives_the_same_answer_and_compares_nothing(client, focal_a, school_a, learner_in_b, left,
                                                              learner_in_a):
    """A row naming someone outside the importer's units: one problem, the neutral one, whatever else the row says
    (an empty birth date would otherwise have been filled in from the stored profile and checked against it)."""
    client.force_login(focal_a)
    header = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Chức vụ"]
    content = csv_bytes([
        header,
        ["1", "Tên Khác Hẳn", "", "", learner_in_b.cccd, "Kế toán"],
        ["2", "Tên Khác Nữa", "01/01/1999", "Nữ", left.cccd, ""],
        ["3", learner_in_a.full_name, "", "", learner_in_a.cccd, "Văn thư"],  # in scope: an ordinary update
    ])
    job = job_of(upload(client, content, name="danh-sach.csv", unit=school_a))
    problems = {}
    for problem in job.preview["problems"]:
        problems.setdefault(problem["row"], []).append(problem["message"])
    assert problems == {2: [neutral()], 3: [neutral()]}
    assert job.preview["counts"]["updated"] == 1
    preview = str(job.preview)
    for person in (learner_in_b, left):
        assert person.full_name not in preview and person.given_name not in preview
    entry = AuditEntry.objects.get(action="learner.cccd_refused")
    assert entry.actor == focal_a and entry.changes["via"] == "import"
    assert sorted(entry.changes["learners"].split()) == sorted([str(learner_in_b.pk), str(left.pk)])
