"""Enrolment from an Excel or CSV list: real files (openpyxl, CSV bytes), real HTTP, preview then confirm."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from hocso.access.models import Role
from hocso.core.actors import SYSTEM
from hocso.core.models import AuditEntry
from hocso.core.uploads import FileRejected
from hocso.tests.factories import make_learner, make_user
from hocso.training.classes import class_list, services
from hocso.training.models import CourseClass, CourseMode
from hocso.training.tests.factories import make_course

from .helpers import upload, xlsx


def make_class(**fields) -> CourseClass:
    course = make_course(mode=CourseMode.IN_PERSON, self_enrolment=False)
    return services.class_create(actor=SYSTEM, course=course, name="Lớp 02/2026", **fields)


def confirm(client, klass, token: str):
    return client.post(reverse("training:class_enrol_list_confirm", args=[klass.pk]), {"token": token})


def problems(response) -> dict[int, str]:
    return {row.number: row.message for row in response.context["preview"].problems}


def flash(client, redirect) -> list[str]:
    """The messages shown on the page a redirect leads to."""
    return [str(m) for m in client.get(redirect.url).context["messages"]]


def statuses(klass) -> dict[str, str]:
    return {e.learner.full_name: e.status for e in klass.enrolments.select_related("learner")}


@pytest.fixture
def zero_cccd_learner(school_a):
    """A CCCD starting with 0: Excel stores it as the number 1085012345, without the zero."""
    learner = make_learner(school_a, "Lê Thị Hoa")
    learner.cccd = "001085012345"
    learner.save(update_fields=["cccd"])
    return learner


def test_preview_matches_by_cccd_and_email_then_confirm_enrols(client, province_admin, learner_in_a, learner_in_b,
                                                               zero_cccd_learner, school_a):
    by_email = make_learner(school_a, "Phan Văn Khoa", email="khoa.pv@daiphuc.gov.vn")
    klass = make_class()
    content = xlsx([
        ["STT", "Họ và tên", "Số CCCD", "Email"],
        [1, learner_in_a.full_name, learner_in_a.cccd, ""],
        [2, zero_cccd_learner.full_name, int(zero_cccd_learner.cccd), ""],  # a number: the leading zero is lost
        [3, by_email.full_name, "", "Khoa.PV@DaiPhuc.gov.vn"],
        [4, "Người Lạ", "001099999999", ""],
        [5, "Đặng Thị Ánh (lặp)", learner_in_a.cccd, ""],
        [6, "Không Có Mã", "", ""],
        [7, learner_in_b.full_name, f"{learner_in_b.cccd[:4]} {learner_in_b.cccd[4:]}", ""],  # spaces removed
    ])
    client.force_login(province_admin)
    response = upload(client, klass, content)
    assert response.status_code == 200
    assert response.context["counts"] == {"enrol": 4, "waiting": 0, "already": 0, "other_class": 0, "error": 3}
    assert problems(response) == {
        7: "No one in the system has this CCCD number.",
        8: "Same person as row 4; enrolled once.",
        9: "No CCCD number, e-mail or username on this row.",
    }
    matched = {row.number: row.learner for row in response.context["preview"].matched}
    assert matched == {4: learner_in_a, 5: zero_cccd_learner, 6: by_email, 10: learner_in_b}
    assert not klass.enrolments.exists()  # the preview writes nothing

    response = confirm(client, klass, response.context["token"])
    assert response.status_code == 302 and response.url == reverse("training:class", args=[klass.pk])
    assert statuses(klass) == {p.full_name: "active" for p in (learner_in_a, zero_cccd_learner, by_email,
                                                                learner_in_b)}
    entry = AuditEntry.objects.get(action="class.enrol_list")
    assert entry.changes["file"] == "danh-sach.xlsx"
    assert (entry.changes["rows"], entry.changes["errors"], entry.changes["enrolled"]) == (7, 3, 4)
    assert AuditEntry.objects.filter(action="enrolment.create").count() == 4
    assert flash(client, response) == ["Enrolled: 4; on the waiting list: 0; already there: 0."]


def test_focal_point_csv_rows_outside_scope_are_refused(client, focal_a, learner_in_a, learner_in_b):
    klass = make_class()
    content = ("Họ và tên;CCCD/CMND\r\n"
               f"{learner_in_a.full_name};{learner_in_a.cccd}\r\n"
               f"Người ngoài;{learner_in_b.cccd}\r\n").encode("utf-8-sig")
    client.force_login(focal_a)
    response = upload(client, klass, content, name="ds.csv", content_type="text/csv")
    assert response.status_code == 200
    # Someone outside the focal point's units is "not found": the upload must not reveal who exists elsewhere.
    assert problems(response) == {3: "No one in the units you manage has this CCCD number."}  # CSV: no title
    unknown = b"CCCD\r\n001099000000\r\n"
    assert problems(upload(client, klass, unknown, name="x.csv", content_type="text/csv")) == {
        2: "No one in the units you manage has this CCCD number."}
    assert learner_in_b.full_name not in response.content.decode()  # not revealed to the focal point
    confirm(client, klass, response.context["token"])
    assert statuses(klass) == {learner_in_a.full_name: "active"}


def test_capacity_sends_the_rest_to_the_waiting_list(client, province_admin, school_a):
    people = [make_learner(school_a, name) for name in ("An Văn Một", "Bùi Văn Hai", "Cao Văn Ba", "Đỗ Văn Bốn")]
    klass = make_class(capacity=2)
    services.enrol_learner(actor=SYSTEM, klass=klass, learner=people[0])
    content = xlsx([["Họ và tên", "CCCD"], *[[p.full_name, p.cccd] for p in people]])
    client.force_login(province_admin)
    response = upload(client, klass, content)
    assert response.context["counts"] == {"enrol": 1, "waiting": 2, "already": 1, "other_class": 0, "error": 0}
    assert [row.outcome for row in response.context["preview"].matched] == ["already", "enrol", "waiting", "waiting"]
    confirm(client, klass, response.context["token"])
    assert statuses(klass) == {people[0].full_name: "active", people[1].full_name: "active",
                               people[2].full_name: "waiting", people[3].full_name: "waiting"}


def test_confirm_is_all_or_nothing(client, focal_a, school_a, commune_b):
    first, second = make_learner(school_a, "Hồ Văn Nhất"), make_learner(school_a, "Hồ Văn Nhì")
    klass = make_class()
    client.force_login(focal_a)
    response = upload(client, klass, xlsx([["CCCD"], [first.cccd], [second.cccd]]))
    token = response.context["token"]
    assert len(response.context["preview"].to_enrol) == 2
    # Between preview and confirmation the second person moves out of the focal point's units.
    second.unit = commune_b
    second.save(update_fields=["unit"])
    response = confirm(client, klass, token)
    assert response.status_code == 302 and response.url == reverse("training:class_enrol_list", args=[klass.pk])
    assert not klass.enrolments.exists()  # the first one, enrolled before the failure, was undone
    assert not AuditEntry.objects.filter(action__in=["class.enrol_list", "enrolment.create"]).exists()
    assert flash(client, response) == ["This preview has expired or the list changed. Upload the file again."]
    # A token altered by hand is refused as well.
    assert confirm(client, klass, token[:-2] + "xx").status_code == 302
    assert not klass.enrolments.exists()


def test_token_is_bound_to_its_class(client, province_admin, learner_in_a):
    klass, other = make_class(), make_class()
    client.force_login(province_admin)
    token = upload(client, klass, xlsx([["CCCD"], [learner_in_a.cccd]])).context["token"]
    confirm(client, other, token)
    assert not other.enrolments.exists() and not klass.enrolments.exists()


def test_match_by_username(province_admin, learner_user, learner_in_a):
    klass = make_class()
    preview = class_list.preview_list(
        actor=province_admin, klass=klass, file_name="ds.xlsx",
        content=xlsx([["Họ và tên", "Tên đăng nhập"], ["Đặng Thị Ánh", "HocVien"]]))
    assert [(row.learner, row.outcome) for row in preview.rows] == [(learner_in_a, "enrol")]


def test_not_a_spreadsheet_is_a_clear_error_and_changes_nothing(client, province_admin):
    klass = make_class()
    client.force_login(province_admin)
    response = upload(client, klass, b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", name="ds.xlsx")
    assert response.status_code == 400  # a bad request, said on the form
    assert response.context["form"].errors["file"] == [
        "This file is not a spreadsheet. Upload an Excel file (.xlsx) or a CSV file."]
    assert "token" not in response.context
    assert not klass.enrolments.exists()


@pytest.mark.parametrize(("rows", "code"), [
    ([["Họ và tên", "Ngày sinh"], ["Nguyễn Văn An", "17/05/1985"]], "no_header"),
    ([["Họ và tên", "Số CCCD"]], "no_rows"),
    ([["Số CCCD"], ["001085012345"], ["001085012346"], ["001085012347"]], "too_many_rows"),
])
def test_unusable_files(province_admin, rows, code):
    klass = make_class()
    with pytest.raises(FileRejected) as caught:
        class_list.preview_list(actor=province_admin, klass=klass, content=xlsx(rows), file_name="ds.xlsx",
                                  max_rows=2)
    assert caught.value.code == code


def test_learner_cannot_use_it(client, learner_user, learner_in_a):
    klass = make_class()
    client.force_login(learner_user)
    assert client.get(reverse("training:class_enrol_list", args=[klass.pk])).status_code == 404
    assert upload(client, klass, xlsx([["CCCD"], [learner_in_a.cccd]])).status_code == 404
    assert confirm(client, klass, "anything").status_code == 404
    assert not klass.enrolments.exists()


def test_instructor_not_running_the_class_is_refused(client, learner_in_a):
    klass = make_class()
    client.force_login(make_user(Role.INSTRUCTOR, username="gv_khac"))
    assert upload(client, klass, xlsx([["CCCD"], [learner_in_a.cccd]])).status_code == 404


def test_class_page_links_to_the_list_upload(client, province_admin):
    klass = make_class()
    client.force_login(province_admin)
    client.cookies["hocso_language"] = "en"
    page = client.get(reverse("training:class", args=[klass.pk]))
    assert reverse("training:class_enrol_list", args=[klass.pk]) in page.content.decode()
    form = client.get(reverse("training:class_enrol_list", args=[klass.pk]))
    assert form.status_code == 200 and "file" in form.context["form"].fields


def test_numbering_row_other_class_and_retired(province_admin, school_a, learner_in_a):
    klass = make_class()
    other = services.class_create(actor=SYSTEM, course=klass.course, name="Lớp 03/2026")
    services.enrol_learner(actor=SYSTEM, klass=other, learner=learner_in_a)
    retired = make_learner(school_a, "Vũ Văn Hưu", status="retired")
    with translation.override("en"):
        preview = class_list.preview_list(
            actor=province_admin, klass=klass, file_name="ds.xlsx",
            content=xlsx([["STT", "Họ và tên", "Số CCCD"], ["(1)", "(2)", "(3)"],  # the form's column numbers
                          [1, learner_in_a.full_name, learner_in_a.cccd], [2, retired.full_name, retired.cccd]]))
    assert [(row.number, row.outcome, row.message) for row in preview.rows] == [
        (5, "other_class", ""), (6, "error", "This person has retired or left the service.")]
    assert preview.to_enrol == []
