import datetime as dt

import pytest
from django.urls import reverse

from hocso.core.audit import audit
from hocso.core.models import AuditEntry
from hocso.core.request_context import client_ip
from hocso.org.services import unit_update
from hocso.people.services import learner_update


def test_service_write_leaves_entry_with_before_and_after(province_admin, commune_a):
    unit_update(actor=province_admin, unit=commune_a, short_name="Đại Phúc")
    entry = AuditEntry.objects.get(action="unit.update")
    assert entry.actor == province_admin
    assert entry.object_id == str(commune_a.pk)
    assert entry.changes == {"short_name": ["", "Đại Phúc"]}


def test_personal_data_is_masked_in_the_log(province_admin, learner_in_a):
    learner_update(actor=province_admin, learner=learner_in_a, date_of_birth=dt.date(1986, 5, 17),
                   cccd=learner_in_a.cccd[:4] + "86" + learner_in_a.cccd[6:])
    entry = AuditEntry.objects.get(action="learner.update")
    assert entry.changes["date_of_birth"] == ["***", "***"]
    assert entry.changes["cccd"] == ["***", "***"]
    assert learner_in_a.cccd not in str(entry.changes)


def test_client_ip_is_recorded_from_the_request(client, province_admin, commune_a):
    token = client_ip.set("203.0.113.7")
    try:
        audit(province_admin, "unit.test", commune_a)
    finally:
        client_ip.reset(token)
    assert AuditEntry.objects.get(action="unit.test").ip_address == "203.0.113.7"


def test_audit_log_page_is_for_province_admins_and_focal_points(client, province_admin, focal_b, learner_user,
                                                                commune_a):
    unit_update(actor=province_admin, unit=commune_a, short_name="ĐP")
    client.force_login(learner_user)
    assert client.get(reverse("core:audit")).status_code == 403
    client.force_login(focal_b)  # another commune's focal point: the page, without commune A's entry
    response = client.get(reverse("core:audit"))
    assert response.status_code == 200 and "đã sửa đơn vị" not in response.content.decode()
    client.force_login(province_admin)
    response = client.get(reverse("core:audit"), {"action": "unit.update"})
    assert response.status_code == 200
    assert f"đã sửa đơn vị <a href=\"/don-vi/{commune_a.pk}/\">{commune_a.name}</a>" in response.content.decode()
    response = client.get(reverse("core:audit"), {"action": "learner.update"})
    assert "đã sửa đơn vị" not in response.content.decode()


@pytest.mark.parametrize("path", ["/", "/nhat-ky/"])
def test_pages_need_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_login_page_is_vietnamese(client, db):
    response = client.get("/dang-nhap/")
    assert response.status_code == 200
    assert 'lang="vi"' in response.content.decode()
