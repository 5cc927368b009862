"""The people pages that write, through real HTTP: create, edit, transfer, leave, and sign-in accounts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model

from hocso.core.models import AuditEntry
from hocso.people.models import Learner, LearnerStatus, Membership, MembershipReason
from hocso.tests.factories import make_learner, target_group

# Assertions read English messages (the shared `english` fixture of conftest.py).
pytestmark = pytest.mark.usefixtures("english")


# --- create ----------------------------------------------------------------------------------------------------


def test_create_form_preselects_unit_in_scope(client, focal_a, school_a):
    client.force_login(focal_a)
    response = client.get("/can-bo/them/", {"unit": school_a.pk})
    assert response.status_code == 200
    assert re.search(rf'<option value="{school_a.pk}" selected>', response.content.decode())


def test_create_outside_scope_is_404(client, focal_a, commune_b):
    client.force_login(focal_a)
    assert client.get("/can-bo/them/", {"unit": commune_b.pk}).status_code == 404


def test_create_with_full_name_and_typed_date(client, focal_a, school_a):
    client.force_login(focal_a)
    response = client.post("/can-bo/them/", {
        "unit": school_a.pk, "full_name": "  Nguyễn   Thị Minh Khai ", "cccd": "019 185 123456",
        "date_of_birth": "17/05/1985", "gender": "F", "position": "Giáo viên", "rank_code": "V.07.03.29",
        "target_group": target_group().pk, "email": "Khai@Example.VN", "phone": "0912345678",
        "start_date": "01/09/2020",
    })
    learner = Learner.objects.get(given_name="Khai")
    assert response.status_code == 302 and response["Location"] == f"/can-bo/{learner.pk}/"
    assert (learner.family_name, learner.middle_name) == ("Nguyễn", "Thị Minh")
    assert learner.cccd == "019185123456" and learner.date_of_birth == dt.date(1985, 5, 17)
    assert learner.email == "khai@example.vn" and learner.unit == school_a
    membership = Membership.objects.get(learner=learner)
    assert membership.start_date == dt.date(2020, 9, 1) and membership.end_date is None
    assert AuditEntry.objects.filter(action="learner.create", object_id=str(learner.pk)).exists()


def test_create_with_separate_name_parts(client, province_admin, commune_b):
    client.force_login(province_admin)
    response = client.post("/can-bo/them/", {
        "unit": commune_b.pk, "family_name": "Tôn Nữ", "middle_name": "Thị", "given_name": "Hà",
        "start_date": "2024-01-15",
    })
    assert response.status_code == 302
    learner = Learner.objects.get(given_name="Hà")
    assert learner.full_name == "Tôn Nữ Thị Hà"


def test_create_shows_every_error_at_once_and_writes_nothing(client, focal_a, school_a):
    client.force_login(focal_a)
    response = client.post("/can-bo/them/", {
        "unit": school_a.pk, "full_name": "", "cccd": "12345", "date_of_birth": "31/02/1985",
        "rank_code": "abc", "email": "not-an-email", "start_date": "01/01/2024",
    })
    assert response.status_code == 200
    form = response.context["form"]
    assert {"full_name", "cccd", "date_of_birth", "rank_code", "email"} <= set(form.errors)
    html = response.content.decode()
    assert "12 digits" in html and "dd/mm/yyyy" in html and "01.003" in html and "Enter the person" in html
    assert not Learner.objects.exists() and not Membership.objects.exists() and not AuditEntry.objects.exists()


def test_create_reports_cccd_not_matching_birth_with_other_errors(client, focal_a, school_a):
    client.force_login(focal_a)
    response = client.post("/can-bo/them/", {
        "unit": school_a.pk, "full_name": "Lê Văn Tám", "cccd": "019090123456", "date_of_birth": "17/05/1985",
        "gender": "M", "email": "sai", "start_date": "01/01/2024",
    })
    errors = response.context["form"].errors
    assert "year of birth" in " ".join(errors["cccd"]) and "email" in errors
    assert not Learner.objects.exists()


def test_create_rejects_a_duplicate_cccd(client, province_admin, learner_in_a, commune_b):
    client.force_login(province_admin)
    response = client.post("/can-bo/them/", {
        "unit": commune_b.pk, "full_name": "Người Trùng Số", "cccd": learner_in_a.cccd, "start_date": "01/01/2024",
    })
    assert "cccd" in response.context["form"].errors
    assert Learner.objects.count() == 1


def test_create_in_a_unit_outside_scope_is_refused(client, focal_a, school_a, commune_b):
    client.force_login(focal_a)
    response = client.post("/can-bo/them/", {"unit": commune_b.pk, "full_name": "Lê Văn Tám",
                                             "start_date": "01/01/2024"})
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not Learner.objects.exists()


# --- edit, move, leave -----------------------------------------------------------------------------------------


def test_edit_updates_the_profile_and_audits(client, focal_a, learner_in_a):
    client.force_login(focal_a)
    form = client.get(f"/can-bo/{learner_in_a.pk}/sua/").context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data.update({"date_of_birth": "17/05/1985", "position": "Hiệu trưởng", "status": "on_leave"})
    response = client.post(f"/can-bo/{learner_in_a.pk}/sua/", data)
    assert response.status_code == 302
    learner_in_a.refresh_from_db()
    assert learner_in_a.position == "Hiệu trưởng" and learner_in_a.status == "on_leave"
    assert AuditEntry.objects.filter(action="learner.update").exists()


def test_edit_cannot_retire_through_the_status_field(client, focal_a, learner_in_a):
    client.force_login(focal_a)
    response = client.post(f"/can-bo/{learner_in_a.pk}/sua/", {"given_name": "Ánh", "status": "retired"})
    assert "status" in response.context["form"].errors
    learner_in_a.refresh_from_db()
    assert learner_in_a.status == LearnerStatus.ACTIVE


def test_move_closes_the_membership_and_opens_a_new_one(client, province_admin, learner_in_a, commune_b):
    client.force_login(province_admin)
    response = client.post(f"/can-bo/{learner_in_a.pk}/chuyen-don-vi/",
                           {"to_unit": commune_b.pk, "on": "15/03/2025", "note": "QĐ 12/QĐ-UBND"})
    assert response.status_code == 302
    learner_in_a.refresh_from_db()
    assert learner_in_a.unit == commune_b
    old, new = Membership.objects.filter(learner=learner_in_a).order_by("start_date")
    assert old.end_date == dt.date(2025, 3, 15)
    assert (new.unit, new.start_date, new.end_date, new.reason) == (
        commune_b, dt.date(2025, 3, 15), None, MembershipReason.TRANSFER,
    )
    assert new.note == "QĐ 12/QĐ-UBND"


def test_focal_point_cannot_move_someone_out_of_their_subtree(client, focal_a, learner_in_a, commune_b):
    client.force_login(focal_a)
    response = client.post(f"/can-bo/{learner_in_a.pk}/chuyen-don-vi/", {"to_unit": commune_b.pk,
                                                                          "on": "15/03/2025"})
    assert response.status_code == 200 and "to_unit" in response.context["form"].errors
    assert Membership.objects.filter(learner=learner_in_a).count() == 1


def test_move_before_the_current_membership_began_is_an_error_on_the_form(client, focal_a, learner_in_a,
                                                                           commune_a):
    client.force_login(focal_a)
    response = client.post(f"/can-bo/{learner_in_a.pk}/chuyen-don-vi/", {"to_unit": commune_a.pk,
                                                                          "on": "01/01/2020"})
    assert response.status_code == 200
    assert "01/01/2024" in response.content.decode()
    assert Membership.objects.filter(learner=learner_in_a).count() == 1


def test_leave_ends_membership_and_sets_status(client, focal_a, learner_in_a):
    client.force_login(focal_a)
    response = client.post(f"/can-bo/{learner_in_a.pk}/nghi/", {"status": "retired", "on": "30/06/2025"})
    assert response.status_code == 302
    learner_in_a.refresh_from_db()
    assert learner_in_a.status == LearnerStatus.RETIRED and learner_in_a.unit is None
    assert Membership.objects.get(learner=learner_in_a).end_date == dt.date(2025, 6, 30)


# --- accounts --------------------------------------------------------------------------------------------------


def test_create_account_shows_password_once_and_it_works(client, focal_a, learner_in_a):
    client.force_login(focal_a)
    response = client.post(f"/can-bo/{learner_in_a.pk}/tao-tai-khoan/")
    assert response.status_code == 200
    html = response.content.decode()
    password = re.search(r'<code class="key" id="new-password">([^<]+)</code>', html).group(1)
    learner_in_a.refresh_from_db()
    user = learner_in_a.user
    assert user.username == "anhdt1" and user.full_name == "Đặng Thị Ánh"
    assert user.check_password(password)
    assert AuditEntry.objects.filter(action="learner.create_account", object_id=str(learner_in_a.pk)).exists()
    assert password not in client.get(f"/can-bo/{learner_in_a.pk}/").content.decode()
    # A second account cannot be made for the same person.
    again = client.post(f"/can-bo/{learner_in_a.pk}/tao-tai-khoan/", follow=True)
    assert "already has an account" in again.content.decode()
    assert get_user_model().objects.filter(learner=learner_in_a).count() == 1


def test_usernames_stay_unique_for_namesakes(client, province_admin, school_a):
    first, second = make_learner(school_a, "Đặng Thị Ánh"), make_learner(school_a, "Đinh Thu Anh")
    client.force_login(province_admin)
    client.post(f"/can-bo/{first.pk}/tao-tai-khoan/")
    client.post(f"/can-bo/{second.pk}/tao-tai-khoan/")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.user.username, second.user.username) == ("anhdt1", "anhdt2")


def test_learner_cannot_create_accounts(client, learner_user, learner_in_a, school_a):
    other = make_learner(school_a, "Phan Văn Khải")
    client.force_login(learner_user)
    assert client.post(f"/can-bo/{other.pk}/tao-tai-khoan/").status_code == 404
    assert client.post(f"/can-bo/{learner_in_a.pk}/tao-tai-khoan/").status_code == 403
    assert get_user_model().objects.count() == 1
