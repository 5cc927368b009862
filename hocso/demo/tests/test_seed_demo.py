"""`hocso seed_demo`: the demo province is official, consistent with the services, and safe to run."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from itertools import pairwise

import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone
from vietnam_provinces import Ward

from hocso.access.models import Role, RoleAssignment
from hocso.access.scoping import is_province_admin
from hocso.assessment.models import Attempt, AttemptState
from hocso.campaigns.models import Campaign
from hocso.campaigns.selectors import Status, audience, window_bounds
from hocso.core.actors import SYSTEM
from hocso.core.cccd import validate_cccd
from hocso.core.models import AuditEntry
from hocso.core.scoping import scope_of
from hocso.demo import data
from hocso.demo.builder import demo_accounts
from hocso.org.models import AGENCY_CODE_RE, Reorganisation, ReorganisationKind, Unit, UnitKind, path_segment
from hocso.org.selectors import units_visible, with_counts
from hocso.org.services import unit_create
from hocso.people.models import Learner, Membership, MembershipReason
from hocso.people.selectors import learner_list
from hocso.people.services import prepare_learner

from .helpers import SMALL, seed


def test_communes_and_wards_are_the_92_official_ones(seeded):
    official = {f"{int(w.code):05d}": w for w in Ward.iter_all() if int(w.province_code) == 19}
    communes = list(Unit.objects.filter(kind__in=[UnitKind.COMMUNE, UnitKind.WARD]).select_related("parent"))

    assert len(official) == len(communes) == 92
    assert {u.admin_unit_code: u.name for u in communes} == {code: w.name for code, w in official.items()}
    for unit in communes:
        assert unit.kind == (UnitKind.WARD if unit.name.startswith("Phường ") else UnitKind.COMMUNE)
        assert re.fullmatch(r"000\.\d{2}\.30\.H55", unit.code)
        assert unit.parent.code == "000.00.00.H55" and unit.parent.admin_unit_code == "19"
        kinds = Counter(unit.children.values_list("kind", flat=True))
        assert kinds[UnitKind.HEALTH_STATION] == 1
        assert 1 <= kinds[UnitKind.SCHOOL] <= 3
    assert Counter(u.kind for u in communes) == {UnitKind.COMMUNE: 77, UnitKind.WARD: 15}


def test_agencies_have_qcvn_codes_and_the_tree_is_what_the_services_build(seeded):
    root = Unit.objects.get(parent=None)
    assert (root.name, root.kind, root.code) == ("Tỉnh Thái Nguyên", UnitKind.PROVINCE, "000.00.00.H55")
    departments = Unit.objects.filter(parent=root, kind=UnitKind.DEPARTMENT)
    assert departments.count() >= 14
    assert departments.get(name="Sở Khoa học và Công nghệ").code == "000.00.08.H55"
    assert Unit.objects.filter(kind=UnitKind.PARTY_UNION, parent=root).count() == 2

    for unit in Unit.objects.select_related("parent"):
        assert unit.code is None or AGENCY_CODE_RE.match(unit.code), unit.code
        assert unit.path == (unit.parent.path if unit.parent else "") + path_segment(unit.pk)
        assert unit.depth == (unit.parent.depth + 1 if unit.parent else 0)
        fresh = Unit(name=unit.name, short_name=unit.short_name, code=unit.code)
        fresh.refresh_keys()
        assert (unit.sort_key, unit.search_key) == (fresh.sort_key, fresh.search_key)
        if unit.code and unit.parent and unit.parent.code and unit.parent != root:
            # Below an agency or a commune the last two levels of the code are the parent's.
            assert unit.code.split(".")[2:] == unit.parent.code.split(".")[2:]

    # Primary keys were chosen by the seed; units created afterwards must still get new ones.
    top = Unit.objects.order_by("-pk").first().pk
    assert unit_create(actor=SYSTEM, parent=root, name="Sở Thử nghiệm", audited=False).pk > top


def test_every_person_is_valid_as_the_services_would_have_it(seeded):
    learners = list(Learner.objects.select_related("target_group", "unit"))
    assert len(learners) == SMALL
    assert len({p.cccd for p in learners}) == SMALL
    for person in learners:
        assert validate_cccd(person.cccd, birth_date=person.date_of_birth, gender=person.gender) == person.cccd
        assert 1965 <= person.date_of_birth.year <= 2002
        keys = (person.sort_key, person.search_key)
        prepare_learner(person)  # normalises, validates every field (rank code, e-mail...) and refreshes keys
        assert (person.sort_key, person.search_key) == keys
        assert person.target_group is not None and person.position
    assert sum(p.cccd.startswith("019") for p in learners) > SMALL / 2
    family_names = Counter(p.family_name for p in learners)
    assert family_names.most_common(1)[0][0] == "Nguyễn"
    # Target groups follow the kind of unit: teachers in schools, health workers in health stations.
    for person in learners:
        if person.target_group.code != "leaders" and person.unit.kind == UnitKind.SCHOOL:
            assert person.target_group.code in {"education", "support_staff"}
        if person.target_group.code != "leaders" and person.unit.kind == UnitKind.HEALTH_STATION:
            assert person.target_group.code == "health"


def test_every_person_has_exactly_one_open_membership_matching_their_unit(seeded):
    open_counts = Counter(Membership.objects.filter(end_date=None).values_list("learner_id", flat=True))
    assert len(open_counts) == SMALL and set(open_counts.values()) == {1}
    for membership in Membership.objects.filter(end_date=None).select_related("learner"):
        assert membership.learner.unit_id == membership.unit_id

    # Histories are continuous: each closed membership ends the day the next one starts.
    history = defaultdict(list)
    for membership in Membership.objects.order_by("start_date", "id"):
        history[membership.learner_id].append(membership)
    for memberships in history.values():
        for earlier, later in pairwise(memberships):
            assert earlier.start_date < earlier.end_date == later.start_date
    assert Membership.objects.filter(reason=MembershipReason.TRANSFER).count() >= 2

    anh = Learner.objects.get(user__username="hocvien")
    assert anh.full_name == "Đặng Thị Ánh" and anh.unit.name == "Trường Tiểu học Đại Phúc"
    assert [m.unit.name for m in anh.memberships.order_by("start_date")] == [
        "Trường Tiểu học Yên Trạch", "Trường Tiểu học Đại Phúc",
    ]


def test_the_demo_reorganisation_merged_two_centres_with_history(seeded):
    merge = Reorganisation.objects.get(kind=ReorganisationKind.MERGE)
    target = merge.targets.get()
    assert target.name == data.MERGE_TARGET and target.parent.name == "Sở Khoa học và Công nghệ"
    sources = list(merge.sources.all())
    assert sorted(s.name for s in sources) == sorted(data.MERGE_SOURCES)
    for source in sources:
        assert (source.valid_to, source.successor) == (data.MERGE_ON, target)
        assert not source.learners.exists()
    assert AuditEntry.objects.filter(action="unit.merge", actor__username="admin").exists()


def test_demo_accounts_log_in_with_their_roles(client, seeded):
    assert data.DEMO_PASSWORD in seeded
    for account in demo_accounts():
        assert account.username in seeded
        assert client.login(username=account.username, password=data.DEMO_PASSWORD), account.username
        assert client.get("/").status_code == 200
        client.logout()
    User = get_user_model()
    assert is_province_admin(User.objects.get(username="admin"))
    roles = dict(RoleAssignment.objects.exclude(unit=None).values_list("user__username", "role"))
    assert roles == {
        "daumoi.khcn": Role.FOCAL_POINT, "daumoi.daiphuc": Role.FOCAL_POINT,
        "giangvien": Role.INSTRUCTOR, "diemcau": Role.COORDINATOR,
    }


def test_focal_points_see_exactly_their_units_subtree(seeded):
    User = get_user_model()
    commune = Unit.objects.get(name=data.DEMO_COMMUNE)
    focal = User.objects.get(username="daumoi.daiphuc")
    assert scope_of(focal).paths == (commune.path,)

    visible = set(learner_list(actor=focal).values_list("pk", flat=True))
    in_subtree = set(Learner.objects.filter(unit__path__startswith=commune.path).values_list("pk", flat=True))
    assert visible == in_subtree and visible
    assert Learner.objects.exclude(pk__in=visible).exists()
    assert set(units_visible(actor=focal)) == set(Unit.objects.current().filter(path__startswith=commune.path))

    department = Unit.objects.get(name="Sở Khoa học và Công nghệ")
    khcn = User.objects.get(username="daumoi.khcn")
    assert scope_of(khcn).paths == (department.path,)
    assert with_counts([department])[0].learner_count == learner_list(actor=khcn).count()


def test_running_twice_without_reset_refuses(seeded):
    with pytest.raises(CommandError, match=r"--reset"):
        seed(learners=5)
    assert Learner.objects.count() == SMALL
    assert "already has data" in seed(learners=5, if_empty=True)
    assert Learner.objects.count() == SMALL


def test_reset_clears_and_seeds_the_same_data_again(seeded):
    def fingerprint():
        return sorted(Learner.objects.values_list("family_name", "middle_name", "given_name", "cccd", "unit__code"))

    before = fingerprint()
    output = seed(learners=SMALL, reset=True)
    assert "Deleted the demo data" in output
    assert fingerprint() == before
    assert get_user_model().objects.filter(username="admin").count() == 1
    assert Reorganisation.objects.filter(kind=ReorganisationKind.MERGE).count() == 1


def test_refuses_outside_demo_mode(db, settings):
    settings.DEMO = settings.DEBUG = settings.TESTING = False
    with pytest.raises(CommandError, match="HOCSO_DEMO"):
        seed(learners=5)
    assert not Unit.objects.exists()


def test_no_attempt_is_left_open_after_its_campaign_closed(seeded):
    """Issue 11: the closed Quý III/2026 showed 57 people "in progress". Nobody in a closed campaign is still
    sitting the test: every attempt started in its window is submitted; the people whose essay waits for the
    instructor are "waiting for grading", take part, and are in no pass rate until graded."""
    closed = list(Campaign.objects.filter(closes_on__lt=timezone.localdate()))
    assert len(closed) == 4
    waiting = 0
    for campaign in closed:
        start, end = window_bounds(campaign)
        in_window = Attempt.objects.filter(quiz=campaign.quiz, started_at__gte=start, started_at__lt=end)
        assert in_window.exists() and not in_window.filter(state=AttemptState.IN_PROGRESS).exists()
        statuses = Counter(audience(campaign).values_list("status", flat=True))
        assert statuses[Status.IN_PROGRESS] == 0
        waiting += statuses[Status.AWAITING_GRADING]
        top = campaign.snapshots.get().rows.get(depth=0).total
        assert top["graded"] == statuses[Status.PASSED] + statuses[Status.FAILED]
        assert top["participants"] == top["graded"] + statuses[Status.AWAITING_GRADING]
        assert top["pass_rate"] == round(100 * top["passed"] / top["graded"], 1)
    assert waiting > 0  # Quý III's essays not graded yet: the case the issue saw


def test_every_commune_and_ward_has_a_bridge_site_and_the_demo_coordinator_runs_one(seeded):
    from hocso.events.models import BridgeSite
    from hocso.events.selectors import sites_visible

    communes = Unit.objects.current().filter(kind__in=(UnitKind.COMMUNE, UnitKind.WARD))
    sites = BridgeSite.objects.filter(is_active=True)
    assert set(sites.filter(unit__in=communes).values_list("unit_id", flat=True)) == set(
        communes.values_list("pk", flat=True))
    assert sites.count() >= 100 and sites.filter(unit__kind=UnitKind.PROVINCE).count() == 1
    assert not sites.filter(coordinator_phone="").filter(unit__in=communes).exists()
    coordinator = get_user_model().objects.get(username="diemcau")
    assert [site.unit.name for site in sites_visible(actor=coordinator)] == [data.DEMO_COMMUNE]


def test_the_demo_programme_has_a_past_session_with_attendance_and_one_to_come(seeded):
    from hocso.events.models import CheckIn, Programme
    from hocso.events.programme_selectors import board

    programme = Programme.objects.get()
    past, upcoming = list(programme.sessions.order_by("starts_at"))
    assert upcoming.starts_at > timezone.now() > past.ends_at
    totals = board(past)["totals"]
    assert 0 < totals["named"] <= totals["attendance"] and totals["reporting"] <= totals["sites"]
    assert totals["named"] == CheckIn.objects.filter(session=past).count()
    assert not CheckIn.objects.filter(session=upcoming).exists()
