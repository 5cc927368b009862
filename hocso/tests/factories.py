"""Factories shared by every app's tests. They go through the services where history matters."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from django.contrib.auth import get_user_model

from hocso.access.models import Role, RoleAssignment
from hocso.core.actors import SYSTEM
from hocso.core.cccd import century_gender_digit
from hocso.core.text import split_full_name
from hocso.org.models import TargetGroup, Unit, UnitKind
from hocso.org.services import unit_create
from hocso.people.models import Learner, Membership

User = get_user_model()
PASSWORD = "mat-khau-demo-2026"  # every test user's password
# CCCD serials: counted, not random, so two learners born the same day never collide on the unique column (with a
# random 6-digit tail the org tests' 72-person provinces alone clashed about once in 200 runs).
# 400001 and up keeps clear of the literal numbers tests use.
_cccd_serial = itertools.count(400001)




def make_unit(name: str, parent: Unit | None = None, kind: str = UnitKind.OTHER, **extra) -> Unit:
    return unit_create(actor=SYSTEM, parent=parent, name=name, kind=kind, audited=False, **extra)


def make_cccd(birth_date: dt.date, gender: str, province: str = "019") -> str:
    digit = century_gender_digit(birth_date, gender)
    return f"{province}{digit}{birth_date.year % 100:02d}{next(_cccd_serial) % 1_000_000:06d}"


def make_learner(
    unit: Unit,
    full_name: str = "Nguyễn Văn An",
    *,
    start_date: dt.date = dt.date(2024, 1, 1),
    gender: str = "M",
    date_of_birth: dt.date = dt.date(1985, 5, 17),
    with_cccd: bool = True,
    **extra,
) -> Learner:
    family, middle, given = split_full_name(full_name)
    learner = Learner(
        family_name=family, middle_name=middle, given_name=given, gender=gender, date_of_birth=date_of_birth,
        cccd=make_cccd(date_of_birth, gender) if with_cccd else None, unit=unit, **extra,
    )
    learner.refresh_keys()
    learner.save()
    Membership.objects.create(learner=learner, unit=unit, start_date=start_date)
    return learner


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


def make_user(role: str | None = None, unit: Unit | None = None, **kwargs):
    user = UserFactory(**kwargs)
    if role:
        RoleAssignment.objects.create(user=user, role=role, unit=None if role == Role.PROVINCE_ADMIN else unit)
    return user


def target_group(code: str = "civil_servants") -> TargetGroup:
    return TargetGroup.objects.get(code=code)
