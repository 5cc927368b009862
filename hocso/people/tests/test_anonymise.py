"""Anonymising a person removes who they are and keeps what the statistics count."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import Client

from hocso.access.models import Role, RoleAssignment
from hocso.core.actors import SYSTEM
from hocso.core.models import AuditEntry
from hocso.identity.models import ConsentRecord, OidcIdentity, TotpDevice
from hocso.org.models import TargetGroup
from hocso.org.selectors import with_counts
from hocso.people.models import Learner, Membership
from hocso.people.selectors import unit_history
from hocso.people.services import learner_anonymise, learner_move, learner_update
from hocso.tests.factories import make_learner


@pytest.fixture
def scene(province, commune_a, commune_b, school_a, learner_user, learner_in_a):
    """Ánh (with an account, a role, a linked identity and a second factor) moved from her school to commune B;
    colleagues stay put."""
    group = TargetGroup.objects.first()
    learner_update(actor=SYSTEM, learner=learner_in_a, email="anh.dt@thainguyen.gov.vn", phone="0912345678",
                   position="Giáo viên", rank_code="V.07.03.29", target_group=group)
    learner_move(actor=SYSTEM, learner=learner_in_a, to_unit=commune_b, on=dt.date(2025, 7, 1),
                 note="Theo Quyết định 123/QĐ-UBND")
    for name in ("Nguyễn Văn An", "Trần Thị Bình"):
        make_learner(school_a, name)
    make_learner(commune_b, "Lê Văn Cường")
    RoleAssignment.objects.create(user=learner_user, role=Role.COORDINATOR, unit=commune_b)
    OidcIdentity.objects.create(user=learner_user, issuer="https://id.example", subject="42", linked_by="cccd")
    TotpDevice.objects.create(user=learner_user, secret="JBSWY3DPEHPK3PXP")
    ConsentRecord.objects.create(user=learner_user, version="2026-01", ip_address="203.113.1.5")
    learner_in_a.refresh_from_db()
    return learner_in_a


def _statistics(units) -> dict:
    """What reports count: people per unit subtree, memberships per unit and year, people per group and gender."""
    return {
        "per_unit": {u.pk: u.learner_count for u in with_counts(list(units))},
        "history": {u.pk: unit_history(unit=u, predecessors=[]).count() for u in units},
        "memberships": list(
            Membership.objects.values_list("unit_id", "start_date", "end_date", "reason").order_by("unit_id", "id")
        ),
        "groups": list(
            Learner.objects.values("target_group_id", "gender", "status", "unit_id").annotate(n=Count("id"))
            .order_by("target_group_id", "gender", "status", "unit_id")
        ),
    }


def test_anonymising_keeps_the_statistics(scene, province, commune_a, commune_b, school_a, province_admin):
    units = [province, commune_a, commune_b, school_a]
    before = _statistics(units)

    learner_anonymise(actor=province_admin, learner=scene)

    assert _statistics(units) == before
    assert before["per_unit"][school_a.pk] == 2 and before["per_unit"][commune_b.pk] == 2
    assert Membership.objects.filter(learner=scene).count() == 2


def test_anonymising_removes_who_the_person_is(scene, province_admin):
    cccd, email, gender = scene.cccd, scene.email, scene.gender
    user = scene.user

    learner_anonymise(actor=province_admin, learner=scene)

    scene.refresh_from_db()
    assert scene.full_name == f"Ẩn danh {scene.pk}"
    assert (scene.cccd, scene.date_of_birth, scene.email, scene.phone, scene.position, scene.rank_code) == (
        None, None, "", "", "", ""
    )
    assert scene.target_group_id is not None and scene.gender == gender, "kept for statistics"
    assert not Membership.objects.filter(learner=scene).exclude(note="").exists()
    assert Learner.objects.search("dang thi anh").filter(pk=scene.pk).count() == 0
    user.refresh_from_db()
    assert (user.username, user.email, user.is_active, user.has_usable_password()) == (
        f"anonymised-{user.pk}", "", False, False
    )
    assert not OidcIdentity.objects.filter(user=user).exists()
    assert not TotpDevice.objects.filter(user=user).exists()
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert ConsentRecord.objects.get(user=user).ip_address is None
    # Nothing in the audit log about the person still says who they were.
    about = AuditEntry.objects.filter(object_type="people.learner", object_id=str(scene.pk))
    text = " ".join(f"{entry.object_repr} {entry.changes}" for entry in about)
    assert "Ánh" not in text and email not in text and (cccd or "x") not in text
    assert about.filter(action="learner.anonymise").exists()


def test_the_person_is_signed_out_everywhere(scene):
    device = Client()
    device.force_login(scene.user)

    from hocso.identity.models import Session

    assert Session.objects.filter(user=scene.user).exists()
    learner_anonymise(actor=None, learner=scene)

    assert device.get("/").status_code == 302
    assert not Session.objects.filter(user=scene.user).exists()  # the session rows are gone too


def test_only_province_administrators_may_anonymise(scene, focal_a):
    with pytest.raises(PermissionDenied):
        learner_anonymise(actor=focal_a, learner=scene)


def test_the_command_needs_confirmation(scene):
    with pytest.raises(CommandError):
        call_command("anonymise_person", str(scene.pk))  # no --yes, and no terminal to ask on
    scene.refresh_from_db()
    assert scene.given_name == "Ánh"


def test_the_command_finds_the_person_by_cccd(scene):
    out = StringIO()

    call_command("anonymise_person", "--cccd", scene.cccd, "--yes", stdout=out)

    scene.refresh_from_db()
    assert scene.cccd is None and "anonymised" in out.getvalue()


def test_the_command_never_prints_the_full_cccd(scene):
    number = scene.cccd
    out = StringIO()

    call_command("anonymise_person", str(scene.pk), "--yes", stdout=out)

    assert number not in out.getvalue() and number[:3] in out.getvalue()
