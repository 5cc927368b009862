"""Two-step verification with an authenticator app (TOTP)."""

from __future__ import annotations

import time

import pyotp
import pytest
from django.test import Client

from hocso.core.models import AuditEntry
from hocso.identity.models import CONSENT_VERSION, ConsentRecord, TotpDevice
from hocso.identity.services import two_step
from hocso.tests.factories import PASSWORD


def code_at(device: TotpDevice, offset_steps: int = 0) -> str:
    return pyotp.TOTP(device.secret).at(time.time() + 30 * offset_steps)


def wrong_code(device: TotpDevice) -> str:
    """A code the server rejects even if the 30-second step turns: none of the steps around now yields it."""
    near = {code_at(device, offset) for offset in range(-2, 3)}
    return next(code for code in ("123456", "654321", "000000", "999999", "111111", "222222") if code not in near)


@pytest.fixture
def consented(focal_a, province_admin):
    for user in (focal_a, province_admin):
        ConsentRecord.objects.create(user=user, version=CONSENT_VERSION)


@pytest.fixture
def device(focal_a):
    device = two_step.totp_begin(user=focal_a)
    two_step.totp_confirm(user=focal_a, code=code_at(device))  # not the previous step's: 2 steps old if one turns
    device.refresh_from_db()
    return device


def test_setting_up_an_authenticator_app(client, focal_a):
    client.force_login(focal_a)
    client.cookies["hocso_language"] = "en"

    page = client.get("/tai-khoan/xac-thuc-hai-buoc/")

    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TotpDevice.objects.get(user=focal_a)
    assert device.confirmed_at is None
    assert " ".join(device.secret[i:i + 4] for i in range(0, len(device.secret), 4)) in page.content.decode()
    wrong = client.post("/tai-khoan/xac-thuc-hai-buoc/", {"code": wrong_code(device)})
    assert wrong.status_code == 200 and "That code is not right" in wrong.content.decode()

    response = client.post("/tai-khoan/xac-thuc-hai-buoc/", {"code": code_at(device)})

    device.refresh_from_db()
    assert response.status_code == 302 and device.is_confirmed
    assert AuditEntry.objects.filter(action="account.totp_enable", object_id=str(focal_a.pk)).exists()


def test_the_secret_stays_while_the_person_types_the_code(client, focal_a):
    client.force_login(focal_a)
    client.get("/tai-khoan/xac-thuc-hai-buoc/")
    first = TotpDevice.objects.get(user=focal_a).secret
    client.get("/tai-khoan/xac-thuc-hai-buoc/")
    assert TotpDevice.objects.get(user=focal_a).secret == first
    client.get("/tai-khoan/xac-thuc-hai-buoc/?restart=1")
    assert TotpDevice.objects.get(user=focal_a).secret != first


def test_sign_in_asks_for_the_code_after_the_password(client, focal_a, device, consented):
    response = client.post("/dang-nhap/", {"username": focal_a.username, "password": PASSWORD, "next": "/can-bo/"})

    assert response["Location"] == "/dang-nhap/ma-xac-thuc/"
    assert not client.session.get("_auth_user_id"), "the password alone signs nobody in"
    assert client.get("/can-bo/").status_code == 302

    response = client.post("/dang-nhap/ma-xac-thuc/", {"code": code_at(device, 1)})

    assert response["Location"] == "/can-bo/"
    assert int(client.session["_auth_user_id"]) == focal_a.pk


def test_a_code_works_only_once(client, focal_a, device, consented):
    code = code_at(device, 1)
    client.post("/dang-nhap/", {"username": focal_a.username, "password": PASSWORD})
    client.post("/dang-nhap/ma-xac-thuc/", {"code": code})
    client.post("/dang-xuat/")

    other = Client()
    other.cookies["hocso_language"] = "en"
    other.post("/dang-nhap/", {"username": focal_a.username, "password": PASSWORD})
    response = other.post("/dang-nhap/ma-xac-thuc/", {"code": code})

    assert response.status_code == 200 and "That code is not right" in response.content.decode()
    assert not other.session.get("_auth_user_id")


def test_the_code_step_cannot_be_reached_without_the_password(client, db):
    assert client.get("/dang-nhap/ma-xac-thuc/")["Location"] == "/dang-nhap/"


def test_wrong_codes_count_towards_the_lock_out(client, focal_a, device, consented, settings):
    client.post("/dang-nhap/", {"username": focal_a.username, "password": PASSWORD})
    wrong = wrong_code(device)
    statuses = [client.post("/dang-nhap/ma-xac-thuc/", {"code": wrong}).status_code
                for _attempt in range(settings.AXES_FAILURE_LIMIT)]

    assert statuses[-1] == 429
    assert Client().post("/dang-nhap/", {"username": focal_a.username, "password": PASSWORD}).status_code == 429


def test_turning_it_off_needs_a_current_code(client, focal_a, device):
    client.force_login(focal_a)
    wrong = wrong_code(device)
    assert client.post("/tai-khoan/xac-thuc-hai-buoc/tat/", {"code": wrong}).status_code == 200
    assert TotpDevice.objects.filter(user=focal_a).exists()

    response = client.post("/tai-khoan/xac-thuc-hai-buoc/tat/", {"code": code_at(device, 1)})

    assert response.status_code == 302 and not TotpDevice.objects.filter(user=focal_a).exists()


def test_province_admins_must_set_it_up_when_the_setting_asks(client, province_admin, consented, settings):
    settings.HOCSO_TOTP_REQUIRED_FOR_ADMINS = True

    response = client.post("/dang-nhap/", {"username": province_admin.username, "password": PASSWORD})

    assert response["Location"].startswith("/tai-khoan/xac-thuc-hai-buoc/")
    assert client.get("/can-bo/")["Location"].startswith("/tai-khoan/xac-thuc-hai-buoc/"), "held at the set-up"
    assert "<svg" in client.get(response["Location"]).content.decode()
    device = TotpDevice.objects.get(user=province_admin)
    response = client.post(response["Location"], {"code": code_at(device)})
    assert response["Location"] == "/"
    assert client.get("/can-bo/").status_code == 200
    # And it cannot be turned off while the setting stands.
    assert client.post("/tai-khoan/xac-thuc-hai-buoc/tat/", {"code": code_at(device, 1)}).status_code == 403


def test_not_required_for_admins_by_default(client, province_admin, consented):
    response = client.post("/dang-nhap/", {"username": province_admin.username, "password": PASSWORD})
    assert response["Location"] == "/"


def test_focal_points_are_not_held_by_the_admin_setting(client, focal_a, consented, settings):
    settings.HOCSO_TOTP_REQUIRED_FOR_ADMINS = True
    response = client.post("/dang-nhap/", {"username": focal_a.username, "password": PASSWORD})
    assert response["Location"] == "/"
