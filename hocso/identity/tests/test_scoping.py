import datetime as dt

from django.contrib.auth.models import AnonymousUser

from hocso.access.models import Role, RoleAssignment
from hocso.access.scoping import roles_of
from hocso.core.scoping import scope_of
from hocso.identity.models import ApiKey
from hocso.org.permissions import can_manage_unit
from hocso.org.services import units_merge
from hocso.people.models import Learner
from hocso.tests.factories import make_unit, make_user


def test_focal_point_scope_is_their_subtree(focal_a, commune_a, school_a, commune_b):
    scope = scope_of(focal_a)
    assert scope.covers(commune_a.path) and scope.covers(school_a.path)
    assert not scope.covers(commune_b.path)


def test_province_admin_sees_everything(province_admin, commune_b):
    assert scope_of(province_admin).everything
    assert Role.PROVINCE_ADMIN in roles_of(province_admin)


def test_nested_assignments_collapse_to_the_outer_path(commune_a, school_a):
    user = make_user(Role.FOCAL_POINT, commune_a)
    RoleAssignment.objects.create(user=user, role=Role.FOCAL_POINT, unit=school_a)
    assert scope_of(user).paths == (commune_a.path,)


def test_roles_on_former_units_give_no_scope(province_admin, commune_a):
    user = make_user(Role.FOCAL_POINT, commune_a)
    other = make_unit("Xã Khác", commune_a.parent)
    units_merge(actor=province_admin, sources=[commune_a, other], new_name="Xã Mới", on=dt.date(2025, 7, 1))
    assert scope_of(user).is_empty


def test_instructor_role_alone_gives_no_people_scope(commune_a, learner_in_a):
    user = make_user(Role.INSTRUCTOR, commune_a)
    assert scope_of(user).is_empty
    assert not Learner.objects.visible_to(user).exists()


def test_learner_sees_only_self(learner_user, learner_in_a, learner_in_b):
    assert list(Learner.objects.visible_to(learner_user)) == [learner_in_a]


def test_anonymous_sees_nothing(learner_in_a):
    assert not Learner.objects.visible_to(AnonymousUser()).exists()


def test_api_key_scope(commune_a, learner_in_a, learner_in_b):
    key = ApiKey.objects.create(name="IOC", prefix="abc", key_hash="x" * 64, unit=commune_a)
    assert list(Learner.objects.visible_to(key)) == [learner_in_a]
    whole = ApiKey.objects.create(name="IOC2", prefix="abd", key_hash="y" * 64)
    assert Learner.objects.visible_to(whole).count() == 2


def test_focal_point_manages_below_own_unit_only(focal_a, commune_a, school_a):
    assert can_manage_unit(focal_a, school_a)
    assert not can_manage_unit(focal_a, commune_a)
