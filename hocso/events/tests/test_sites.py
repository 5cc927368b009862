"""Bridge sites through the pages: who sees and edits which, the form's checks, the audit trail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hocso.access.models import Role, RoleAssignment
from hocso.core.models import AuditEntry
from hocso.events.models import BridgeSite
from hocso.tests.factories import make_user

pytestmark = pytest.mark.django_db


def _form(unit, **changes) -> dict:
    data = {"unit": unit.pk, "name": "Nhà văn hoá xóm Trung Tâm", "address": "Xóm Trung Tâm", "capacity": "45",
            "coordinator_name": "Nông Văn Tài", "coordinator_phone": "091 234 5678", "technician_name": "",
            "technician_phone": "", "equipment": "Tivi 65 inch, webcam", "coordinator_accounts": "",
            "is_active": "on"}
    data.update(changes)
    return data


def test_admin_adds_a_site_with_a_coordinator_account(client, province_admin, commune_a):
    person = make_user(username="hong.mt", email="hong.mt@thainguyen.gov.vn")
    client.force_login(province_admin)
    response = client.post(reverse("events:site_create"),
                           _form(commune_a, coordinator_accounts="HONG.MT@thainguyen.gov.vn"))
    assert response.status_code == 302
    site = BridgeSite.objects.get()
    assert (site.unit, site.capacity, site.coordinator_phone) == (commune_a, 45, "0912345678")
    assert list(site.coordinators.all()) == [person]
    # The account is given the coordinator role on the unit: its home page and menu show the site.
    assert RoleAssignment.objects.filter(user=person, role=Role.COORDINATOR, unit=commune_a).exists()
    entry = AuditEntry.objects.get(action="bridge_site.create")
    assert entry.object_id == str(site.pk) and entry.changes["coordinators_added"] == "hong.mt"


def test_bad_input_is_explained_on_the_form_and_nothing_is_saved(client, province_admin, commune_a):
    client.force_login(province_admin)
    response = client.post(reverse("events:site_create"), _form(
        commune_a, name="  ", coordinator_phone="09x1", capacity="0", coordinator_accounts="khong.ai"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Số điện thoại chỉ gồm chữ số" in text
    assert "khong.ai" in text
    assert not BridgeSite.objects.exists()


def test_the_same_name_twice_in_a_unit_is_refused(client, province_admin, site_a):
    client.force_login(province_admin)
    response = client.post(reverse("events:site_create"), _form(site_a.unit, name=site_a.name))
    assert response.status_code == 200
    assert "Đơn vị này đã có một điểm cầu cùng tên." in response.content.decode()
    assert BridgeSite.objects.count() == 1


def test_a_focal_point_sees_and_edits_only_the_sites_of_their_units(client, focal_a, site_a, site_b):
    client.force_login(focal_a)
    listing = client.get(reverse("events:site_list")).content.decode()
    assert site_a.name in listing and site_b.name not in listing
    assert client.get(reverse("events:site_edit", args=[site_b.pk])).status_code == 404
    response = client.post(reverse("events:site_edit", args=[site_a.pk]), _form(site_a.unit, name="Hội trường mới"))
    assert response.status_code == 302
    site_a.refresh_from_db()
    assert site_a.name == "Hội trường mới"
    # Nor can a site be moved to, or created in, a unit outside their scope: the form does not accept the unit.
    response = client.post(reverse("events:site_create"), _form(site_b.unit))
    assert response.status_code == 200 and BridgeSite.objects.filter(unit=site_b.unit).count() == 1


def test_a_coordinator_sees_their_own_site_only_and_edits_nothing(client, coordinator_a, site_a, site_b):
    client.force_login(coordinator_a)
    listing = client.get(reverse("events:site_list")).content.decode()
    assert site_a.name in listing and site_b.name not in listing
    assert reverse("events:site_edit", args=[site_a.pk]) not in listing
    assert client.get(reverse("events:site_edit", args=[site_a.pk])).status_code == 403
    assert client.get(reverse("events:site_create")).status_code == 403


def test_a_learner_has_no_site_pages(client, learner_user, site_a):
    client.force_login(learner_user)
    assert client.get(reverse("events:site_list")).status_code == 403
    assert client.get(reverse("events:site_export")).status_code == 403


def test_search_ignores_case_and_diacritics_and_the_list_is_paged(client, province_admin, commune_a, settings):
    from hocso.events.tests.conftest import make_site

    settings.HOCSO_PAGE_SIZE = 5
    for number in range(12):
        make_site(commune_a, f"Điểm cầu thôn {number:02d}")
    make_site(commune_a, "Nhà văn hoá Đồng Bẩm", address="Phường Đồng Bẩm")
    client.force_login(province_admin)
    found = client.get(reverse("events:site_list"), {"q": "dong bam"}).content.decode()
    assert "Nhà văn hoá Đồng Bẩm" in found and "thôn 00" not in found
    first = client.get(reverse("events:site_list")).content.decode()
    assert "Trang 1/3" in first


def test_a_coordinators_home_page_lists_their_sites(client, coordinator_a, site_a, site_b):
    client.force_login(coordinator_a)
    page = client.get("/").content.decode()
    assert site_a.name in page and "80 chỗ" in page
    assert site_b.name not in page
    assert 'href="/diem-cau/"' in page  # the menu and the panel lead to the site list
