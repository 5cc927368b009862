"""The roles page: who sees which assignments, who may give or remove which role where."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from hocso.access.models import Role, RoleAssignment
from hocso.access.services import role_assign, role_revoke
from hocso.core.actors import SYSTEM
from hocso.core.models import AuditEntry
from hocso.tests.factories import make_learner, make_user

# Assertions read English messages (the shared `english` fixture of conftest.py).
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def teacher(school_a):
    """A person in commune A's school with an account, and no role yet."""
    learner = make_learner(school_a, "Vũ Thị Lan")
    learner.user = make_user(username="lanvt1", full_name="Vũ Thị Lan")
    learner.save(update_fields=["user"])
    return learner.user


@pytest.fixture
def clerk_b(commune_b):
    """A person in commune B with an account."""
    learner = make_learner(commune_b, "Hà Văn Sơn")
    learner.user = make_user(username="sonhv1", full_name="Hà Văn Sơn")
    learner.save(update_fields=["user"])
    return learner.user


def usernames_listed(response) -> list[str]:
    table = response.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r"<td><code>([^<]+)</code></td>", table)


def test_roles_page_needs_a_managing_role(client, learner_user):
    client.force_login(learner_user)
    assert client.get("/can-bo/vai-tro/").status_code == 403


def test_focal_point_sees_only_assignments_in_their_subtree(client, province_admin, focal_a, focal_b, teacher,
                                                            school_a):
    RoleAssignment.objects.create(user=teacher, role=Role.INSTRUCTOR, unit=school_a)
    client.force_login(focal_a)
    assert sorted(usernames_listed(client.get("/can-bo/vai-tro/"))) == ["daumoi_a", "lanvt1"]
    client.force_login(province_admin)
    assert sorted(usernames_listed(client.get("/can-bo/vai-tro/"))) == ["admin", "daumoi_a", "daumoi_b", "lanvt1"]


def test_roles_filter_by_role(client, province_admin, focal_a, teacher, school_a):
    RoleAssignment.objects.create(user=teacher, role=Role.INSTRUCTOR, unit=school_a)
    client.force_login(province_admin)
    assert usernames_listed(client.get("/can-bo/vai-tro/", {"role": "instructor"})) == ["lanvt1"]


def test_roles_list_query_count_is_bounded(client, django_assert_max_num_queries, province_admin, school_a):
    for i in range(20):
        learner = make_learner(school_a, f"Trịnh Văn Số{i}")
        learner.user = make_user()
        learner.save(update_fields=["user"])
        RoleAssignment.objects.create(user=learner.user, role=Role.INSTRUCTOR, unit=school_a,
                                      created_by=province_admin)
    client.force_login(province_admin)
    with django_assert_max_num_queries(10):
        response = client.get("/can-bo/vai-tro/")
    assert len(usernames_listed(response)) == 21


def test_focal_point_assigns_focal_point_within_subtree(client, focal_a, teacher, school_a):
    client.force_login(focal_a)
    response = client.post("/can-bo/vai-tro/", {"username": "lanvt1", "role": "focal_point", "unit": school_a.pk})
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=teacher, role=Role.FOCAL_POINT, unit=school_a).exists()
    assert AuditEntry.objects.filter(action="role.assign", actor=focal_a).exists()


def test_focal_point_cannot_assign_outside_subtree(client, focal_a, teacher, commune_b):
    client.force_login(focal_a)
    response = client.post("/can-bo/vai-tro/", {"username": "lanvt1", "role": "focal_point", "unit": commune_b.pk})
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert "unit" in response.context["form"].errors
    assert not RoleAssignment.objects.filter(user=teacher).exists()


def test_focal_point_cannot_assign_province_admin(client, focal_a, teacher):
    client.force_login(focal_a)
    html = client.get("/can-bo/vai-tro/").content.decode()
    assert 'value="province_admin"' not in html.split('id="assign"')[1]
    response = client.post("/can-bo/vai-tro/", {"username": "lanvt1", "role": "province_admin"})
    assert response.status_code in (200, 403)
    assert not RoleAssignment.objects.filter(user=teacher).exists()


def test_focal_point_cannot_reach_accounts_outside_subtree(client, focal_a, clerk_b, school_a):
    client.force_login(focal_a)
    response = client.post("/can-bo/vai-tro/", {"username": "sonhv1", "role": "instructor", "unit": school_a.pk})
    assert "username" in response.context["form"].errors
    assert not RoleAssignment.objects.filter(user=clerk_b).exists()


def test_unit_roles_need_a_unit(client, province_admin, teacher):
    client.force_login(province_admin)
    response = client.post("/can-bo/vai-tro/", {"username": "lanvt1", "role": "instructor", "unit": ""})
    assert "unit" in response.context["form"].errors
    assert not RoleAssignment.objects.filter(user=teacher).exists()


def test_province_admin_assigns_province_admin(client, province_admin, teacher, school_a):
    client.force_login(province_admin)
    response = client.post("/can-bo/vai-tro/", {"username": "lanvt1", "role": "province_admin",
                                               "unit": school_a.pk})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=teacher)
    assert (assignment.role, assignment.unit) == (Role.PROVINCE_ADMIN, None)


def test_person_search_finds_only_people_with_accounts_in_scope(client, focal_a, teacher, clerk_b, school_a):
    make_learner(school_a, "Vũ Văn Lâm")  # no account: cannot be given a role
    client.force_login(focal_a)
    html = client.get("/can-bo/vai-tro/tim-nguoi/", {"person": "vu"}).content.decode()
    assert "Vũ Thị Lan" in html and "?assign_user=lanvt1" in html
    assert "Vũ Văn Lâm" not in html
    assert "sonhv1" not in client.get("/can-bo/vai-tro/tim-nguoi/", {"person": "son"}).content.decode()
    # The link fills in the username on the assignment form.
    response = client.get("/can-bo/vai-tro/", {"assign_user": "lanvt1"})
    assert response.context["form"]["username"].value() == "lanvt1"


def test_focal_point_revokes_within_subtree(client, focal_a, teacher, school_a):
    assignment = RoleAssignment.objects.create(user=teacher, role=Role.INSTRUCTOR, unit=school_a)
    client.force_login(focal_a)
    assert client.get(f"/can-bo/vai-tro/{assignment.pk}/thu-hoi/").status_code == 405
    response = client.post(f"/can-bo/vai-tro/{assignment.pk}/thu-hoi/")
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEntry.objects.filter(action="role.revoke").exists()


def test_focal_point_cannot_revoke_outside_subtree(client, focal_a, focal_b, province_admin):
    client.force_login(focal_a)
    for assignment in RoleAssignment.objects.exclude(user=focal_a):
        assert client.post(f"/can-bo/vai-tro/{assignment.pk}/thu-hoi/").status_code == 404
    assert RoleAssignment.objects.count() == 3


def test_admin_cannot_remove_own_admin_role(client, province_admin):
    assignment = RoleAssignment.objects.get(user=province_admin)
    client.force_login(province_admin)
    response = client.post(f"/can-bo/vai-tro/{assignment.pk}/thu-hoi/", follow=True)
    assert "cannot remove your own administrator role" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


# --- one's own last role, the last administrator (issue 11, item 8) -------------------------------------------


def test_focal_point_cannot_remove_their_own_last_focal_point_role(client, focal_a):
    assignment = RoleAssignment.objects.get(user=focal_a)
    client.force_login(focal_a)
    page = client.get("/can-bo/vai-tro/").content.decode()
    assert "This is your last role as a focal point" in page  # said on the page, with no button to press
    assert f'action="/can-bo/vai-tro/{assignment.pk}/thu-hoi/"' not in page
    response = client.post(f"/can-bo/vai-tro/{assignment.pk}/thu-hoi/", follow=True)
    assert "This is your last role as a focal point" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert not AuditEntry.objects.filter(action="role.revoke").exists()


def test_focal_point_with_another_unit_may_remove_one_of_their_roles(client, focal_a, school_a):
    second = RoleAssignment.objects.create(user=focal_a, role=Role.FOCAL_POINT, unit=school_a)
    client.force_login(focal_a)
    assert client.post(f"/can-bo/vai-tro/{second.pk}/thu-hoi/").status_code == 302
    assert not RoleAssignment.objects.filter(pk=second.pk).exists()
    # ...and then the remaining one is their last.
    last = RoleAssignment.objects.get(user=focal_a)
    client.post(f"/can-bo/vai-tro/{last.pk}/thu-hoi/")
    assert RoleAssignment.objects.filter(pk=last.pk).exists()


def test_focal_point_may_remove_their_own_instructor_role(client, focal_a, school_a):
    teaching = RoleAssignment.objects.create(user=focal_a, role=Role.INSTRUCTOR, unit=school_a)
    client.force_login(focal_a)
    assert client.post(f"/can-bo/vai-tro/{teaching.pk}/thu-hoi/").status_code == 302
    assert not RoleAssignment.objects.filter(pk=teaching.pk).exists()


def test_a_focal_point_above_removes_the_role_instead(client, focal_a, school_a, teacher):
    assignment = RoleAssignment.objects.create(user=teacher, role=Role.FOCAL_POINT, unit=school_a)
    client.force_login(focal_a)
    assert client.post(f"/can-bo/vai-tro/{assignment.pk}/thu-hoi/").status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_the_last_province_administrator_is_kept(province_admin, teacher):
    only = RoleAssignment.objects.get(user=province_admin, role=Role.PROVINCE_ADMIN)
    with pytest.raises(ValidationError, match="ít nhất một quản trị viên"):
        role_revoke(actor=SYSTEM, assignment=only)
    second = role_assign(actor=province_admin, user=teacher, role=Role.PROVINCE_ADMIN)
    role_revoke(actor=teacher, assignment=only)  # one remains: allowed
    assert not RoleAssignment.objects.filter(pk=only.pk).exists()
    teacher.is_active = False  # an administrator who cannot sign in does not count
    teacher.save(update_fields=["is_active"])
    with pytest.raises(ValidationError, match="ít nhất một quản trị viên"):
        role_revoke(actor=SYSTEM, assignment=second)
