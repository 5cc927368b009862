"""The two-step import through real HTTP: upload, preview, confirm; scope; bad files; background runs; audit."""

from __future__ import annotations

import datetime as dt
import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hocso.core.actors import SYSTEM
from hocso.core.audit import diff
from hocso.core.models import AuditEntry
from hocso.people import views_import
from hocso.people.importing.engine import apply_file
from hocso.people.importing.jobs import ProgressWriter, job_create, run_apply, run_preview
from hocso.people.models import ImportJob, ImportJobStatus, Learner, MembershipReason
from hocso.people.services import PROFILE_FIELDS, learner_create, learner_move, learner_update
from hocso.tests.factories import make_cccd, make_learner

from .import_files import (
    BORN,
    HEADER,
    ON,
    assert_unit_follows_open_membership,
    job_of,
    person,
    read_xlsx,
    upload,
    vi,
    xlsx,
)

# --- access ----------------------------------------------------------------------------------------------------


def test_upload_page_needs_a_unit_role(client, learner_user):
    client.force_login(learner_user)
    assert client.get("/can-bo/nhap/").status_code == 403
    assert client.get("/can-bo/nhap/mau.xlsx").status_code == 403
    assert client.post("/can-bo/nhap/", {"file": SimpleUploadedFile("a.csv", b"x")}).status_code == 403
    assert not ImportJob.objects.exists()


def test_upload_page_requires_login(client):
    response = client.get("/can-bo/nhap/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_someone_elses_import_is_404(client, focal_a, focal_b, school_a):
    client.force_login(focal_a)
    job = job_of(upload(client, xlsx([HEADER, person("Nguyễn Văn An", BORN)]), unit=school_a))
    client.force_login(focal_b)
    for suffix in ("", "tien-do/", "loi.xlsx"):
        assert client.get(f"/can-bo/nhap/{job.pk}/{suffix}").status_code == 404
    assert client.post(f"/can-bo/nhap/{job.pk}/xac-nhan/").status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJobStatus.PREVIEW and not Learner.objects.exists()


def test_default_unit_outside_scope_is_refused(client, focal_a, commune_b):
    client.force_login(focal_a)
    response = upload(client, xlsx([HEADER, person("Nguyễn Văn An", BORN)]), unit=commune_b)
    assert response.status_code == 400  # the form again (bad input): commune B is not among the choices
    assert not ImportJob.objects.exists()


# --- the whole flow --------------------------------------------------------------------------------------------


def test_preview_then_confirm_writes_everything_in_one_go(client, focal_a, commune_a, commune_b, school_a,
                                                          learner_in_a, learner_in_b):
    client.force_login(focal_a)
    content = xlsx([
        ["DANH SÁCH CÁN BỘ XÃ ĐẠI PHÚC"],
        HEADER,
        person("Nguyễn Văn An", BORN, position="Kế toán"),  # new, goes to the chosen unit
        ["", learner_in_a.full_name, learner_in_a.date_of_birth, "Nam", learner_in_a.cccd, commune_a.name,
         "Văn thư"],  # moved from the school to the commune, and a new position
        ["", learner_in_b.full_name, learner_in_b.date_of_birth, "Nam", learner_in_b.cccd, commune_a.name, ""],
        person("Trần Thị Cúc", BORN, "F", unit=commune_b.name),  # a unit outside the focal point's scope
    ], merged=["A1:G1"])
    response = upload(client, content, unit=school_a)
    assert response.status_code == 302
    job = job_of(response)
    assert job.status == ImportJobStatus.PREVIEW
    assert Learner.objects.count() == 2  # nothing written yet

    page = client.get(f"/can-bo/nhap/{job.pk}/").content.decode()
    counts = job.preview["counts"]
    assert (counts["new"], counts["moved"], counts["error"]) == (1, 1, 2)
    problems = {(p["row"], p["column"]): p["message"] for p in job.preview["problems"]}
    assert problems[(5, "Số CCCD")] == vi(
        "This CCCD number cannot be used in your units. If it is correct, contact the province administrator: the "
        "person may be registered in another unit or have left the service.")
    assert problems[(6, "Đơn vị")] == vi("%(unit)s is outside the units you manage.", unit=commune_b.name)
    assert html.escape(problems[(6, "Đơn vị")]) in page
    assert [c["row"] for c in job.preview["changes"]] == [3, 4]  # rows 5 and 6 are not among the changes

    response = client.post(f"/can-bo/nhap/{job.pk}/xac-nhan/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJobStatus.APPLIED and job.content is None
    assert job.result["new"] == 1 and job.result["moved"] == 1

    learner_in_a.refresh_from_db()
    assert learner_in_a.unit == commune_a and learner_in_a.position == "Văn thư"
    history = list(learner_in_a.memberships.order_by("start_date").values_list("unit", "end_date", "reason"))
    assert history == [(school_a.pk, dt.date(2026, 6, 1), MembershipReason.JOINED),
                       (commune_a.pk, None, MembershipReason.IMPORT)]
    learner_in_b.refresh_from_db()
    assert learner_in_b.unit != commune_a  # refused, not silently moved
    new = Learner.objects.get(given_name="An", family_name="Nguyễn")
    assert new.unit == school_a and new.sort_key and new.search_key == " nguyen van an"
    assert list(new.memberships.values_list("unit", "start_date", "reason")) == [
        (school_a.pk, dt.date(2026, 6, 1), MembershipReason.JOINED)]
    assert not Learner.objects.filter(given_name="Cúc").exists()
    assert_unit_follows_open_membership()

    entry = AuditEntry.objects.get(action="learner.import")
    assert entry.actor == focal_a and entry.object_id == str(job.pk)
    assert entry.changes["file"] == "danh-sach.xlsx"
    assert (entry.changes["new"], entry.changes["moved"], entry.changes["error"]) == (1, 1, 2)
    assert AuditEntry.objects.filter(action="learner.create", object_id=str(new.pk)).exists()
    assert AuditEntry.objects.filter(action="learner.move", object_id=str(learner_in_a.pk)).exists()
    assert AuditEntry.objects.get(action="learner.update", object_id=str(learner_in_a.pk)).changes["position"] == [
        "", "Văn thư"]


def test_a_retirement_closes_the_membership(client, province_admin, learner_in_a):
    client.force_login(province_admin)
    content = xlsx([["Họ và tên", "Số CCCD", "Trạng thái"], [learner_in_a.full_name, learner_in_a.cccd, "Nghỉ hưu"]])
    job = job_of(upload(client, content))
    assert job.preview["counts"]["left"] == 1
    client.post(f"/can-bo/nhap/{job.pk}/xac-nhan/")
    learner_in_a.refresh_from_db()
    assert learner_in_a.unit is None and learner_in_a.status == "retired"
    assert not learner_in_a.memberships.filter(end_date__isnull=True).exists()
    assert AuditEntry.objects.filter(action="learner.leave", object_id=str(learner_in_a.pk)).exists()


def test_a_transfer_dated_before_the_current_membership_is_an_error(client, focal_a, commune_a, learner_in_a):
    client.force_login(focal_a)
    content = xlsx([["Họ và tên", "Số CCCD", "Đơn vị"], [learner_in_a.full_name, learner_in_a.cccd, commune_a.name]])
    job = job_of(upload(client, content, date="01/01/2020"))  # the membership began on 01/01/2024
    assert job.preview["counts"]["error"] == 1
    assert job.preview["problems"][0]["message"] == vi(
        "The transfer date must not be before %(date)s, when the current membership began.", date="01/01/2024")


def test_an_empty_cell_keeps_what_is_known(client, focal_a, school_a, learner_in_a):
    learner_update(actor=SYSTEM, learner=learner_in_a, position="Hiệu trưởng", email="anh@daiphuc.edu.vn")
    client.force_login(focal_a)
    content = xlsx([["Họ và tên", "Số CCCD", "Chức vụ", "Email"], [learner_in_a.full_name, learner_in_a.cccd, "", ""]])
    job = job_of(upload(client, content, unit=school_a))
    assert job.preview["counts"]["unchanged"] == 1
    assert job.preview["changes"] == []


def test_the_preview_lists_changes_with_masked_numbers(client, focal_a, school_a, learner_in_a):
    client.force_login(focal_a)
    content = xlsx([["Họ và tên", "Số CCCD", "Chức vụ"], [learner_in_a.full_name, learner_in_a.cccd, "Văn thư"]])
    job = job_of(upload(client, content, unit=school_a))
    response = client.get(f"/can-bo/nhap/{job.pk}/?view=changes&kind=updated")
    body = response.content.decode()
    assert learner_in_a.masked_cccd in body and learner_in_a.cccd not in body
    assert job.preview["changes"][0]["fields"] == [str(Learner._meta.get_field("position").verbose_name)]


def test_cancel_drops_the_file(client, focal_a, school_a):
    client.force_login(focal_a)
    job = job_of(upload(client, xlsx([HEADER, person("Nguyễn Văn An", BORN)]), unit=school_a))
    assert client.post(f"/can-bo/nhap/{job.pk}/huy/").status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJobStatus.CANCELLED and job.content is None
    assert client.post(f"/can-bo/nhap/{job.pk}/xac-nhan/").status_code == 302
    assert not Learner.objects.exists()


def test_choosing_another_sheet_reads_it_again(client, focal_a, school_a):
    client.force_login(focal_a)
    content = xlsx([HEADER, person("Nguyễn Văn An", BORN)],
                   sheets={"Hợp đồng": [HEADER, person("Lê Văn Bảo", BORN), person("Lê Văn Cảnh", BORN)]})
    job = job_of(upload(client, content, unit=school_a))
    assert job.preview["counts"]["new"] == 1
    assert "Hợp đồng" in client.get(f"/can-bo/nhap/{job.pk}/").content.decode()
    client.post(f"/can-bo/nhap/{job.pk}/trang-tinh/", {"sheet": "Hợp đồng"})
    job.refresh_from_db()
    assert job.sheet == "Hợp đồng" and job.preview["counts"]["new"] == 2
    assert client.post(f"/can-bo/nhap/{job.pk}/trang-tinh/", {"sheet": "Không có"}).status_code == 404


def test_preview_outdated_by_another_change_asks_again(client, focal_a, school_a, learner_in_a):
    client.force_login(focal_a)
    content = xlsx([["Họ và tên", "Số CCCD", "Chức vụ"], [learner_in_a.full_name, learner_in_a.cccd, "Văn thư"]])
    job = job_of(upload(client, content, unit=school_a))
    learner_update(actor=SYSTEM, learner=learner_in_a, position="Văn thư")  # someone else, meanwhile
    client.post(f"/can-bo/nhap/{job.pk}/xac-nhan/")
    job.refresh_from_db()
    assert job.status == ImportJobStatus.PREVIEW and job.summary["outdated"] is True
    assert job.preview["counts"]["unchanged"] == 1
    assert not AuditEntry.objects.filter(action="learner.import").exists()


# --- large files in the background -----------------------------------------------------------------------------


def test_large_files_are_read_and_applied_by_background_tasks(client, focal_a, school_a, settings,
                                                              django_capture_on_commit_callbacks):
    settings.HOCSO_IMPORT_BACKGROUND_BYTES = 0  # every file counts as large
    client.force_login(focal_a)
    content = xlsx([HEADER, person("Nguyễn Văn An", BORN), person("Lê Thị Bình", BORN, "F")])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = job_of(upload(client, content, unit=school_a))
    assert job.status == ImportJobStatus.QUEUED and len(callbacks) == 1
    page = client.get(f"/can-bo/nhap/{job.pk}/").content.decode()
    assert "<progress" in page and f"/can-bo/nhap/{job.pk}/tien-do/" in page
    fragment = client.get(f"/can-bo/nhap/{job.pk}/tien-do/")
    assert 'hx-trigger="load delay:1s"' in fragment.content.decode() and "HX-Refresh" not in fragment

    callbacks[0]()  # the commit happens: the task runs (immediate backend in tests)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.PREVIEW and job.preview["counts"]["new"] == 2
    assert client.get(f"/can-bo/nhap/{job.pk}/tien-do/")["HX-Refresh"] == "true"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/can-bo/nhap/{job.pk}/xac-nhan/")
    job.refresh_from_db()
    assert job.status == ImportJobStatus.APPLIED
    assert Learner.objects.filter(unit=school_a).count() == 2


def test_the_tasks_do_their_work_once(focal_a, school_a):
    job = job_create(actor=focal_a, file_name="ds.xlsx", content=xlsx([HEADER, person("Nguyễn Văn An", BORN)]),
                     default_unit=school_a, effective_date=dt.date(2026, 6, 1))
    run_preview(str(job.pk))
    run_preview(str(job.pk))  # delivered twice
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.APPLYING, stage="queued")
    run_apply(str(job.pk))
    run_apply(str(job.pk))
    assert Learner.objects.count() == 1
    assert AuditEntry.objects.filter(action="learner.import").count() == 1


# --- the template ----------------------------------------------------------------------------------------------


def test_template_has_instructions_and_drop_downs_and_imports_back(client, focal_a, commune_a, commune_b, school_a):
    client.force_login(focal_a)
    response = client.get("/can-bo/nhap/mau.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = read_xlsx(response.content)
    data, lists = book.worksheets[0], book["DanhMuc"]
    assert book.sheetnames[0] == vi("Staff list") and vi("Instructions") in book.sheetnames
    assert lists.sheet_state == "hidden"
    header = [c.value for c in data[1]]
    assert header[:5] == [vi("No."), vi("Full name"), vi("Date of birth"), vi("Gender"), vi("CCCD number")]
    assert [c.value for c in lists["A"]][1:3] == [vi("Male"), vi("Female")]
    units = [c.value for c in lists["C"] if c.value][1:]
    assert set(units) == {commune_a.name, school_a.name}  # the focal point's own units only
    validations = {str(v.sqref).split(":")[0]: v for v in data.data_validations.dataValidation}
    assert validations["D2"].type == "list" and validations["D2"].formula1.startswith("DanhMuc!$A$2")
    assert validations["I2"].type == "list" and validations["I2"].formula1.startswith("DanhMuc!$B$2")
    assert validations["C2"].type == "date" and validations["E2"].type == "textLength"
    assert data["E2"].number_format == "@"

    data.append([1, "Nguyễn Văn An", BORN, vi("Male"), make_cccd(BORN, "M"), school_a.name, "Văn thư", "01.003",
                 lists["B2"].value, "an@daiphuc.gov.vn", "0912345678"])
    out = io.BytesIO()
    book.save(out)
    job = job_of(upload(client, out.getvalue(), name="mau.xlsx"))
    assert job.preview["counts"]["new"] == 1 and job.preview["counts"]["error"] == 0, job.preview["problems"]


# --- the same result as the services ---------------------------------------------------------------------------


def test_an_imported_person_is_stored_as_learner_create_stores_them(focal_a, school_a):
    on = dt.date(2026, 6, 1)
    profile = {"family_name": "Nguyễn", "middle_name": "Thị Minh", "given_name": "Khai", "date_of_birth": BORN,
               "gender": "F", "position": "Kế toán", "rank_code": "01.003", "email": "khai@daiphuc.gov.vn",
               "phone": "0912345678"}
    by_service = learner_create(actor=focal_a, unit=school_a, start_date=on, cccd=make_cccd(BORN, "F"), **profile)
    content = xlsx([["Họ", "Tên đệm", "Tên", "Ngày sinh", "Giới tính", "Số CCCD", "Chức vụ", "Mã ngạch", "Email",
                     "Số điện thoại"],
                    ["Nguyễn", "Thị Minh", "Khai", BORN, "Nữ", make_cccd(BORN, "F"), "Kế toán", 1.003,
                     "Khai@DaiPhuc.gov.vn", 912345678]])
    apply_file(content, "ds.xlsx", actor=focal_a, default_unit=school_a, on=on)
    by_import = Learner.objects.exclude(pk=by_service.pk).get()
    fields = [*PROFILE_FIELDS, "unit", "sort_key", "search_key", "user"]
    assert {f: getattr(by_import, f) for f in fields if f != "cccd"} == {
        f: getattr(by_service, f) for f in fields if f != "cccd"}
    assert list(by_import.memberships.values_list("unit", "start_date", "end_date", "reason", "note")) == list(
        by_service.memberships.values_list("unit", "start_date", "end_date", "reason", "note"))
    service_entry = AuditEntry.objects.get(action="learner.create", object_id=str(by_service.pk))
    import_entry = AuditEntry.objects.get(action="learner.create", object_id=str(by_import.pk))
    assert {k: v for k, v in import_entry.changes.items() if k != "import"} == service_entry.changes
    assert (import_entry.actor, import_entry.actor_label, import_entry.object_repr) == (
        service_entry.actor, service_entry.actor_label, service_entry.object_repr)
    assert diff({}, {"cccd": "1", "email": None}) == {"cccd": ["***", "***"]}  # what the bulk writer mirrors


def test_an_imported_move_is_stored_as_learner_move_stores_it(focal_a, commune_a, school_a):
    on = dt.date(2026, 6, 1)
    moved_by_service = make_learner(school_a, "Nguyễn Văn An")
    moved_by_import = make_learner(school_a, "Nguyễn Văn Bảo")
    learner_move(actor=focal_a, learner=moved_by_service, to_unit=commune_a, on=on)
    apply_file(xlsx([["Họ và tên", "Số CCCD", "Đơn vị"], ["Nguyễn Văn Bảo", moved_by_import.cccd, commune_a.name]]),
               "ds.xlsx", actor=focal_a, default_unit=None, on=on)
    moved_by_import.refresh_from_db()
    assert moved_by_import.unit == commune_a
    history = [list(m.memberships.order_by("start_date").values_list("unit", "start_date", "end_date"))
               for m in (moved_by_service, moved_by_import)]
    assert history[0] == history[1]
    reasons = moved_by_import.memberships.order_by("start_date").values_list("reason", flat=True)
    assert list(reasons) == [MembershipReason.JOINED, MembershipReason.IMPORT]
    entries = [AuditEntry.objects.get(action="learner.move", object_id=str(m.pk)).changes
               for m in (moved_by_service, moved_by_import)]
    assert {k: v for k, v in entries[1].items() if k != "import"} == entries[0]


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_while_the_applying_transaction_runs(focal_a, school_a):
    from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: progress there shows once the transaction commits")
    job = ImportJob.objects.create(created_by=focal_a, file_name="ds.xlsx", effective_date=dt.date(2026, 6, 1))
    writer = ProgressWriter(str(job.pk))
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with transaction.atomic():
            writer("writing", 0, 10)
            with other.cursor() as cursor:
                cursor.execute("SELECT stage, progress_done, progress_total FROM people_importjob WHERE id = %s",
                               [job.pk])
                assert cursor.fetchone() == ("writing", 0, 10)
            ImportJob.objects.filter(pk=job.pk).update(error="x")  # this transaction now holds the row
            writer("writing", 10, 10)  # skipped, not blocked
    finally:
        writer.close()
        other.close()


def test_with_many_units_the_default_unit_is_typed(client, province_admin, commune_a, commune_b, school_a,
                                                   monkeypatch):

    monkeypatch.setattr(views_import, "UNIT_SELECT_LIMIT", 2)
    client.force_login(province_admin)
    page = client.get("/can-bo/nhap/").content.decode()
    assert '<input type="text" name="unit"' in page and "<select name=\"unit\"" not in page
    content = xlsx([HEADER, person("Nguyễn Văn An", BORN)])
    for typed, expected in (("000.01.30.H55", commune_a), ("xa dai phuc", commune_a)):
        response = client.post("/can-bo/nhap/", {"file": SimpleUploadedFile("ds.xlsx", content), "unit": typed,
                                                 "effective_date": ON})
        assert job_of(response).default_unit == expected
    response = client.post("/can-bo/nhap/", {"file": SimpleUploadedFile("ds.xlsx", content), "unit": "Đại Phúc",
                                             "effective_date": ON})
    assert response.status_code == 400
    assert html.escape(vi("Type the code or the full name of one of your units.")) in response.content.decode()
