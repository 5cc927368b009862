"""The unit pages that restructure the tree through their forms: merges and splits (preview, confirm, errors)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from hocso.org.models import Unit, UnitKind
from hocso.org.services import units_merge
from hocso.people.models import Learner, Membership
from hocso.tests.factories import make_learner, make_unit

from .helpers import MERGE_DAY, html

# --- Merge ------------------------------------------------------------------------------------------------------


@pytest.fixture
def two_communes(province):
    a = make_unit("Xã Tân Cương", province, kind=UnitKind.COMMUNE)
    b = make_unit("Xã Phúc Trìu", province, kind=UnitKind.COMMUNE)
    make_learner(a, "Nguyễn Văn An")
    make_learner(b, "Trần Thị Bình")
    make_learner(b, "Lê Văn Cường")
    make_unit("Trường Mầm non Phúc Trìu", b, kind=UnitKind.SCHOOL)
    return a, b


def test_merge_into_a_new_unit_through_the_form(admin_client, two_communes):
    a, b = two_communes
    url = reverse("org:merge", args=[a.pk])
    data = {"others": [b.pk], "mode": "new", "into": "", "new_name": "Xã Tân Cương mới", "new_kind": "commune",
            "new_code": "", "new_admin_unit_code": "", "on": "2025-07-01", "note": "Sáp nhập theo Nghị quyết"}

    preview = admin_client.post(url, data)
    assert preview.status_code == 200
    summary = preview.context["preview"]
    assert (summary["people"], summary["sub_units"]) == (3, 1)
    assert 'data-people="3"' in html(preview)
    assert not Unit.objects.filter(name="Xã Tân Cương mới").exists()  # nothing applied yet

    response = admin_client.post(url, {**data, "confirm": summary["fingerprint"]})
    merged = Unit.objects.get(name="Xã Tân Cương mới")
    assert response.status_code == 302 and response["Location"] == reverse("org:detail", args=[merged.pk])
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.successor == merged and b.successor == merged and not a.is_current
    assert Learner.objects.filter(unit=merged).count() == 3

    detail = admin_client.get(response["Location"])
    body = html(detail)
    # Both predecessors' memberships are listed, with the old unit names.
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Xã Tân Cương", "Xã Phúc Trìu"):
        assert name in body
    history = list(detail.context["page"])
    assert {m.unit_id for m in history} == {a.pk, b.pk, merged.pk}
    assert "Sáp nhập theo Nghị quyết" in body


def test_merge_confirmation_must_match_what_was_previewed(admin_client, two_communes):
    a, b = two_communes
    url = reverse("org:merge", args=[a.pk])
    data = {"others": [b.pk], "mode": "existing", "into": a.pk, "on": "2025-07-01"}
    fingerprint = admin_client.post(url, data).context["preview"]["fingerprint"]
    # The user changed the surviving unit after the preview: show a new preview instead of applying.
    response = admin_client.post(url, {**data, "into": b.pk, "confirm": fingerprint})
    assert response.status_code == 200 and response.context["preview"]["target"] == b
    a.refresh_from_db()
    assert a.is_current


def test_merge_into_an_existing_unit_through_the_form(admin_client, two_communes):
    a, b = two_communes
    url = reverse("org:merge", args=[a.pk])
    data = {"others": [b.pk], "mode": "existing", "into": a.pk, "on": "2025-07-01"}
    preview = admin_client.post(url, data).context["preview"]
    assert (preview["people"], preview["sub_units"], preview["target"]) == (2, 1, a)
    response = admin_client.post(url, {**data, "confirm": preview["fingerprint"]})
    assert response["Location"] == reverse("org:detail", args=[a.pk])
    b.refresh_from_db()
    assert b.successor == a
    body = html(admin_client.get(response["Location"]))
    assert "Trần Thị Bình" in body and "Xã Phúc Trìu" in body


def test_merge_form_reports_problems(admin_client, two_communes):
    a, _b = two_communes
    url = reverse("org:merge", args=[a.pk])
    response = admin_client.post(url, {"mode": "new", "new_name": "", "on": ""})
    errors = response.context["form"].errors
    assert {"others", "new_name", "on"} <= set(errors)
    assert response.context["preview"] is None


def test_former_units_are_hidden_unless_asked_for(admin_client, province_admin, two_communes):
    a, b = two_communes
    units_merge(actor=province_admin, sources=[a, b], into=a, on=MERGE_DAY)
    plain = html(admin_client.get(reverse("org:tree")))
    assert b.name not in plain
    with_former = admin_client.get(reverse("org:tree"), {"former": "1"})
    assert b.name in html(with_former)
    assert 'class="badge former"' in html(with_former)
    # The former unit's page points to its successor and offers no restructuring.
    detail = html(admin_client.get(reverse("org:detail", args=[b.pk])))
    assert f'href="{reverse("org:detail", args=[a.pk])}"' in detail
    assert reverse("org:merge", args=[b.pk]) not in detail
    response = admin_client.get(reverse("org:split", args=[b.pk]))
    assert response.status_code == 302


# --- Split ------------------------------------------------------------------------------------------------------


@pytest.fixture
def big_school(commune_a):
    school = make_unit("Trường Liên cấp Đại Phúc", commune_a, kind=UnitKind.SCHOOL)
    people = [make_learner(school, name) for name in
              ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung")]
    return school, people


def _split_data(people_choices: dict, **extra) -> dict:
    data = {
        "part-TOTAL_FORMS": "2", "part-INITIAL_FORMS": "0", "part-MIN_NUM_FORMS": "2", "part-MAX_NUM_FORMS": "20",
        "part-0-name": "Trường Tiểu học Đại Phúc", "part-0-kind": "", "part-0-short_name": "", "part-0-code": "",
        "part-1-name": "Trường THCS Đại Phúc", "part-1-kind": "school", "part-1-short_name": "", "part-1-code": "",
        "on": "2025-09-01", "note": "Tách trường", "default_part": "",
    }
    data.update({f"person_{learner.pk}": choice for learner, choice in people_choices.items()})
    data.update(extra)
    return data


def test_split_through_the_form(admin_client, big_school):
    school, (an, binh, cuong, dung) = big_school
    url = reverse("org:split", args=[school.pk])
    page = admin_client.get(url)
    assert all(p.full_name in html(page) for p in (an, binh, cuong, dung))

    # Everyone goes to part 1 by default, except Cường who goes to part 2.
    response = admin_client.post(url, _split_data({cuong: "1"}, default_part="0"))
    assert response.status_code == 302, response.context["form"].errors
    primary = Unit.objects.get(name="Trường Tiểu học Đại Phúc")
    secondary = Unit.objects.get(name="Trường THCS Đại Phúc")
    assert set(Learner.objects.filter(unit=primary)) == {an, binh, dung}
    assert list(Learner.objects.filter(unit=secondary)) == [cuong]
    assert primary.parent == school.parent and primary.kind == school.kind
    school.refresh_from_db()
    assert not school.is_current
    assert Membership.objects.get(learner=cuong, end_date=dt.date(2025, 9, 1)).unit == school
    # The new unit's page lists the people's past membership of the old school.
    body = html(admin_client.get(reverse("org:detail", args=[secondary.pk])))
    assert "Lê Văn Cường" in body and school.name in body


def test_split_shows_the_service_error_and_writes_nothing(admin_client, big_school):
    school, (an, binh, *_rest) = big_school
    response = admin_client.post(reverse("org:split", args=[school.pk]), _split_data({an: "0", binh: "1"}))
    assert response.status_code == 200
    assert "2 cán bộ chưa được phân về đơn vị mới nào." in html(response)
    assert not Unit.objects.filter(name="Trường THCS Đại Phúc").exists()
    school.refresh_from_db()
    assert school.is_current


def test_split_with_the_old_unit_continuing(admin_client, big_school):
    school, (an, binh, cuong, dung) = big_school
    response = admin_client.post(
        reverse("org:split", args=[school.pk]),
        _split_data({an: "0", binh: "1", cuong: "stay"}, keep_source="on"),
    )
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.is_current
    assert set(Learner.objects.filter(unit=school)) == {cuong, dung}


def test_split_can_add_a_part_without_losing_what_was_typed(admin_client, big_school):
    school, (an, *_rest) = big_school
    response = admin_client.post(reverse("org:split", args=[school.pk]), _split_data({an: "1"}, add_part="1"))
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 3
    body = html(response)
    assert 'value="Trường THCS Đại Phúc"' in body
    assert not response.context["form"].errors and not Unit.objects.filter(name="Trường THCS Đại Phúc").exists()
    # Submitting with the new part left empty reports it, rather than silently ignoring it.
    data = _split_data({an: "1"}, **{"part-TOTAL_FORMS": "3", "part-2-name": ""})
    response = admin_client.post(reverse("org:split", args=[school.pk]), data)
    assert response.status_code == 200 and response.context["formset"].forms[2].errors
