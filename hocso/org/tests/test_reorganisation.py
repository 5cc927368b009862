import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hocso.org.models import Reorganisation, Unit, UnitKind
from hocso.org.selectors import unit_predecessors, with_counts
from hocso.org.services import SplitPart, unit_move, unit_split, unit_update, units_merge
from hocso.people.models import Membership
from hocso.people.selectors import unit_history
from hocso.people.services import learner_leave
from hocso.tests.factories import make_learner, make_unit

MERGE_DAY = dt.date(2025, 7, 1)


@pytest.fixture
def two_communes(province):
    a = make_unit("Xã Tân Cương", province, kind=UnitKind.COMMUNE)
    b = make_unit("Xã Phúc Trìu", province, kind=UnitKind.COMMUNE)
    return a, b


def test_merge_into_new_unit_keeps_past_memberships_on_old_units(province_admin, two_communes):
    a, b = two_communes
    an = make_learner(a, "Nguyễn Văn An")
    binh = make_learner(b, "Trần Thị Bình")
    school = make_unit("Trường Mầm non Tân Cương", a, kind=UnitKind.SCHOOL)

    merged = units_merge(actor=province_admin, sources=[a, b], new_name="Xã Tân Cương mới", on=MERGE_DAY)

    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.valid_to, b.valid_to) == (MERGE_DAY, MERGE_DAY)
    assert a.successor == merged and b.successor == merged
    # Past memberships still point at the old communes and end on the merge day.
    past = Membership.objects.filter(learner__in=[an, binh], end_date=MERGE_DAY)
    assert {m.unit_id for m in past} == {a.pk, b.pk}
    # Current members and sub-units moved to the merged unit.
    an.refresh_from_db()
    binh.refresh_from_db()
    assert an.unit == merged and binh.unit == merged
    school.refresh_from_db()
    assert school.parent == merged and school.path.startswith(merged.path)
    # The merged unit shows both histories.
    assert set(unit_predecessors(merged)) == {a, b}
    history = unit_history(unit=merged, predecessors=unit_predecessors(merged))
    assert {m.unit_id for m in history} == {a.pk, b.pk, merged.pk}
    assert Reorganisation.objects.get(kind="merge").targets.get() == merged


def test_merge_into_existing_unit(province_admin, two_communes):
    a, b = two_communes
    make_learner(b, "Lê Văn Cường")
    target = units_merge(actor=province_admin, sources=[a, b], into=a, on=MERGE_DAY)
    assert target == a
    a.refresh_from_db()
    assert a.is_current
    assert with_counts([a])[0].learner_count == 1


def test_split_requires_every_member_assigned_when_source_ends(province_admin, two_communes):
    a, _ = two_communes
    p1 = make_learner(a, "Nguyễn Văn An")
    p2 = make_learner(a, "Phạm Thị Dung")
    with pytest.raises(ValidationError):
        unit_split(actor=province_admin, source=a, on=MERGE_DAY,
                   parts=[SplitPart(name="Xã A1", learner_ids=[p1.pk]), SplitPart(name="Xã A2")])
    assert Unit.objects.filter(name="Xã A1").count() == 0  # nothing half-written

    new_units = unit_split(actor=province_admin, source=a, on=MERGE_DAY,
                           parts=[SplitPart(name="Xã A1", learner_ids=[p1.pk]),
                                  SplitPart(name="Xã A2", learner_ids=[p2.pk])])
    p1.refresh_from_db()
    p2.refresh_from_db()
    assert (p1.unit, p2.unit) == tuple(new_units)
    assert Membership.objects.get(learner=p1, end_date=MERGE_DAY).unit == a
    assert unit_predecessors(new_units[0]) == [a]


def test_move_repaths_the_whole_subtree(province_admin, commune_a, commune_b, school_a):
    grandchild = make_unit("Tổ chuyên môn", school_a)
    unit_move(actor=province_admin, unit=school_a, new_parent=commune_b)
    grandchild.refresh_from_db()
    school_a.refresh_from_db()
    assert grandchild.path.startswith(commune_b.path) and grandchild.depth == 3
    assert school_a.parent == commune_b


def test_cannot_move_a_unit_under_itself(province_admin, commune_a, school_a):
    with pytest.raises(ValidationError):
        unit_move(actor=province_admin, unit=commune_a, new_parent=school_a)


def test_rename_is_recorded_in_history(province_admin, commune_a):
    unit_update(actor=province_admin, unit=commune_a, name="Phường Đại Phúc")
    reorg = Reorganisation.objects.get(kind="rename")
    assert reorg.details == {"old_name": "Xã Đại Phúc", "new_name": "Phường Đại Phúc"}


def test_focal_point_cannot_restructure_outside_subtree(focal_a, commune_b, school_a, commune_a):
    with pytest.raises(PermissionDenied):
        unit_update(actor=focal_a, unit=commune_b, name="X")
    with pytest.raises(PermissionDenied):
        unit_update(actor=focal_a, unit=commune_a, name="X")  # their own root is the province's business
    unit_update(actor=focal_a, unit=school_a, short_name="TH Đại Phúc")


def test_split_part_history_shows_only_its_own_people(province_admin, two_communes):
    a, _ = two_communes
    p1 = make_learner(a, "Nguyễn Văn An")
    p2 = make_learner(a, "Phạm Thị Dung")
    part1, _part2 = unit_split(actor=province_admin, source=a, on=MERGE_DAY,
                              parts=[SplitPart(name="Xã A1", learner_ids=[p1.pk]),
                                     SplitPart(name="Xã A2", learner_ids=[p2.pk])])
    history = unit_history(unit=part1, predecessors=unit_predecessors(part1))
    assert {m.learner_id for m in history} == {p1.pk}
    assert {m.unit_id for m in history} == {a.pk, part1.pk}


def test_merged_unit_history_includes_people_who_left_before_the_merge(province_admin, two_communes):
    a, b = two_communes
    gone = make_learner(a, "Võ Thị Hoa")
    learner_leave(actor=province_admin, learner=gone, on=dt.date(2025, 3, 1))
    merged = units_merge(actor=province_admin, sources=[a, b], new_name="Xã Mới", on=MERGE_DAY)
    history = unit_history(unit=merged, predecessors=unit_predecessors(merged))
    assert gone.pk in {m.learner_id for m in history}
