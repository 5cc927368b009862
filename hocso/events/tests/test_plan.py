"""A programme the province counts towards the training plan: its attendees count as trained in the session's year,
where they attended; other programmes' attendees do not; only province administrators flip the switch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from hocso.core.scoping import EVERYTHING, UnitScope
from hocso.events import checkin as codes
from hocso.events.models import CheckInMethod, ProgrammeSession
from hocso.events.programme_services import programme_save, programme_sites_add
from hocso.tests.factories import make_learner, target_group
from hocso.training.plans.selectors import achieved_counts

pytestmark = pytest.mark.django_db


def _attended(province_admin, province, site, learner, *, counts: bool):
    programme = programme_save(actor=province_admin, title="Phổ biến Nghị quyết 57", host_unit=province,
                               counts_toward_plan=counts)
    programme_sites_add(actor=province_admin, programme=programme, sites=[site])
    start = timezone.now() + dt.timedelta(minutes=5)
    session = ProgrammeSession.objects.create(programme=programme, title="Phiên 1", starts_at=start,
                                              ends_at=start + dt.timedelta(hours=2))
    codes.check_in(session=session, site=site, learner=learner, method=CheckInMethod.LIST)
    return programme, timezone.localtime(start).year


def test_attendees_of_a_counting_programme_count_as_trained_where_they_attended(province_admin, province, site_a,
                                                                                commune_a, commune_b):
    group = target_group("civil_servants")
    person = make_learner(commune_a, "Hà Thị Nga", target_group=group)
    _programme, year = _attended(province_admin, province, site_a, person, counts=True)
    assert achieved_counts(scope=EVERYTHING, years=[year]) == {(year, group.pk): 1}
    assert achieved_counts(scope=UnitScope(paths=(commune_a.path,)), years=[year]) == {(year, group.pk): 1}
    assert achieved_counts(scope=UnitScope(paths=(commune_b.path,)), years=[year]) == {}
    assert achieved_counts(scope=EVERYTHING, years=[year - 1]) == {}
    # Someone checked in by a number typed on the QR page (anyone could have typed it) does not count.
    other = make_learner(commune_a, "Lò Thị Số", target_group=group)
    session = _programme.sessions.get()
    codes.check_in(session=session, site=site_a, learner=other, method=CheckInMethod.IDENTITY)
    assert achieved_counts(scope=EVERYTHING, years=[year]) == {(year, group.pk): 1}


def test_other_programmes_do_not_count_and_only_the_province_flips_the_switch(client, province_admin, province,
                                                                             site_a, commune_a, focal_a):
    group = target_group("civil_servants")
    person = make_learner(commune_a, "Đàm Văn Tiến", target_group=group)
    programme, year = _attended(province_admin, province, site_a, person, counts=False)
    assert achieved_counts(scope=EVERYTHING, years=[year]) == {}
    own = programme_save(actor=focal_a, title="Của xã", host_unit=commune_a)
    with pytest.raises(PermissionDenied):
        programme_save(actor=focal_a, programme=own, title="Của xã", host_unit=commune_a, counts_toward_plan=True)
    client.force_login(focal_a)
    assert "counts_toward_plan" not in client.get(reverse("events:programme_edit", args=[own.pk])).content.decode()
    client.force_login(province_admin)
    client.post(reverse("events:programme_edit", args=[programme.pk]), {
        "title": programme.title, "host_unit": province.pk, "counts_toward_plan": "on"})
    programme.refresh_from_db()
    assert programme.counts_toward_plan
    assert achieved_counts(scope=EVERYTHING, years=[year]) == {(year, group.pk): 1}
