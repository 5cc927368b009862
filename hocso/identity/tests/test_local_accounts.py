"""Local accounts: password policy, lock-out, password reset by e-mail, sessions and sign-in steps."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from hocso.core.models import AuditEntry
from hocso.identity.models import CONSENT_VERSION, ConsentRecord
from hocso.tests.factories import PASSWORD, make_user


def _login(client, username: str, password: str = PASSWORD, **extra):
    return client.post("/dang-nhap/", {"username": username, "password": password, **extra})


def _signed_in(client) -> bool:
    return bool(client.session.get("_auth_user_id"))


# --- password policy -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["ngan-qua", "nguyenvanantoan", "12345678901234", "password123"])
def test_weak_passwords_are_refused(db, password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_reasonable_password_is_accepted(db):
    validate_password("Hoa-sen-nở-2026")


# --- lock-out --------------------------------------------------------------------------------------------------


def test_repeated_failures_lock_the_account_for_a_while(client, focal_a, settings):
    client.cookies["hocso_language"] = "en"
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, focal_a.username, "sai-mat-khau").status_code == 200

    locked = _login(client, focal_a.username, "sai-mat-khau")

    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    # Even the right password is refused while the lock lasts.
    assert _login(client, focal_a.username).status_code == 429
    assert not _signed_in(client)


def test_a_locked_account_does_not_lock_colleagues(client, focal_a, focal_b, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, focal_a.username, "sai-mat-khau")

    response = _login(client, focal_b.username)

    assert response.status_code == 302 and _signed_in(client)


def test_many_failures_from_one_address_lock_that_address(client, settings, db):
    settings.LOGIN_IP_FAILURE_LIMIT = 6
    victims = [make_user(username=f"nguoi{i}") for i in range(3)]
    for user in victims:  # two tries per account: no account reaches its own limit
        for _attempt in range(2):
            _login(client, user.username, "doan-mo")

    response = _login(client, victims[0].username)

    assert response.status_code == 429
    other_office = Client(REMOTE_ADDR="10.0.0.9")
    assert _login(other_office, victims[1].username).status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, focal_a, settings):
    from axes.models import AccessAttempt

    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, focal_a.username, "sai-mat-khau")
    assert _login(client, focal_a.username).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - settings.AXES_COOLOFF_TIME)

    assert _login(client, focal_a.username).status_code == 302


def test_a_successful_sign_in_clears_earlier_mistakes(client, focal_a, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, focal_a.username, "sai-mat-khau")
    _login(client, focal_a.username)
    client.post("/dang-xuat/")

    # A fresh allowance: one more mistake does not lock the account.
    assert _login(client, focal_a.username, "sai-mat-khau").status_code == 200
    assert _login(client, focal_a.username).status_code == 302


# --- password reset --------------------------------------------------------------------------------------------


def _reset_link(message) -> str:
    match = re.search(r"http://testserver(/dat-lai-mat-khau/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset_by_email(client, focal_a):
    focal_a.email = "daumoi.a@thainguyen.gov.vn"
    focal_a.save()
    elsewhere = Client()
    elsewhere.force_login(focal_a)

    response = client.post("/quen-mat-khau/", {"email": "DaumoI.a@thainguyen.gov.vn"})

    assert response.status_code == 302 and response["Location"] == "/quen-mat-khau/da-gui/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["daumoi.a@thainguyen.gov.vn"]
    assert focal_a.username in mail.outbox[0].body
    form_url = client.get(_reset_link(mail.outbox[0]))["Location"]  # Django swaps the token for a session key
    response = client.post(form_url, {"new_password1": "Mat-khau-moi-2026", "new_password2": "Mat-khau-moi-2026"})
    assert response.status_code == 302 and response["Location"] == "/dat-lai-mat-khau/xong/"

    assert _login(Client(), focal_a.username, "Mat-khau-moi-2026").status_code == 302
    assert elsewhere.get("/").status_code == 302, "sessions with the old password ended"
    assert AuditEntry.objects.filter(action="account.password_reset", object_id=str(focal_a.pk)).exists()


def test_a_reset_link_is_single_use(client, focal_a):
    focal_a.email = "daumoi.a@thainguyen.gov.vn"
    focal_a.save()
    client.post("/quen-mat-khau/", {"email": focal_a.email})
    link = _reset_link(mail.outbox[0])
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": "Mat-khau-moi-2026", "new_password2": "Mat-khau-moi-2026"})

    again = Client()
    again.cookies["hocso_language"] = "en"
    response = again.get(link, follow=True)

    assert "This link is not valid any more" in response.content.decode()


def test_reset_does_not_reveal_whether_an_address_exists(client, db):
    response = client.post("/quen-mat-khau/", {"email": "khong-ai@example.vn"})

    assert response.status_code == 302 and response["Location"] == "/quen-mat-khau/da-gui/"
    assert mail.outbox == []


def test_resetting_the_password_lifts_a_lock_out(client, focal_a, settings):
    focal_a.email = "daumoi.a@thainguyen.gov.vn"
    focal_a.save()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, focal_a.username, "sai-mat-khau")
    assert _login(client, focal_a.username).status_code == 429

    client.post("/quen-mat-khau/", {"email": focal_a.email})
    form_url = client.get(_reset_link(mail.outbox[0]))["Location"]
    client.post(form_url, {"new_password1": "Mat-khau-moi-2026", "new_password2": "Mat-khau-moi-2026"})

    assert _login(client, focal_a.username, "Mat-khau-moi-2026").status_code == 302


def test_changing_the_password_checks_the_policy(client, focal_a):
    client.force_login(focal_a)
    client.cookies["hocso_language"] = "en"

    weak = client.post("/tai-khoan/doi-mat-khau/", {
        "old_password": PASSWORD, "new_password1": "abcdefghijkl", "new_password2": "abcdefghijkl",
    })
    assert weak.status_code == 200 and "letters and at least one digit or symbol" in weak.content.decode()

    ok = client.post("/tai-khoan/doi-mat-khau/", {
        "old_password": PASSWORD, "new_password1": "Lua-chin-vang-2026", "new_password2": "Lua-chin-vang-2026",
    })
    assert ok.status_code == 302
    focal_a.refresh_from_db()
    assert focal_a.check_password("Lua-chin-vang-2026")
    assert client.get("/tai-khoan/").status_code == 200, "this session stays signed in"


# --- sessions --------------------------------------------------------------------------------------------------


def test_sign_out_everywhere_ends_every_session(focal_a):
    ConsentRecord.objects.create(user=focal_a, version=CONSENT_VERSION)
    phone, office = Client(), Client()
    phone.force_login(focal_a)
    office.force_login(focal_a)
    assert phone.get("/").status_code == 200

    response = office.post("/tai-khoan/dang-xuat-moi-noi/")

    assert response.status_code == 302 and response["Location"] == "/dang-nhap/"
    assert phone.get("/").status_code == 302, "the other device is signed out"
    assert office.get("/").status_code == 302
    assert AuditEntry.objects.filter(action="account.sign_out_everywhere").count() == 1
    fresh = Client()
    assert _login(fresh, focal_a.username).status_code == 302 and fresh.get("/").status_code == 200


def test_session_cookies_are_http_only_and_end_with_the_browser(client, focal_a, settings):
    response = _login(client, focal_a.username)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]

    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == "", "a browser session cookie: closing the browser signs out"
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600


def test_production_settings_make_cookies_secure():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"HOCSO_TESTING", "HOCSO_DEMO", "DEBUG"}}
    env.update(SECRET_KEY="x" * 60, ALLOWED_HOSTS="hocso.example.vn", SECURE_SSL_REDIRECT="1",
               DJANGO_SETTINGS_MODULE="hocso.settings")
    code = (
        "import django; from django.conf import settings as s; django.setup(); "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, s.SECURE_SSL_REDIRECT)"
    )
    output = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert output.stdout.split() == ["True", "True", "True", "True"]


# --- the personal-data notice ----------------------------------------------------------------------------------


def test_the_notice_is_shown_and_recorded_at_first_sign_in(client, focal_a):
    response = _login(client, focal_a.username, next="/can-bo/")

    assert response["Location"] == "/dong-y/?next=%2Fcan-bo%2F"
    assert client.get("/don-vi/")["Location"].startswith("/dong-y/"), "nothing else until it is answered"
    refused = client.post("/dong-y/?next=/can-bo/", {})
    assert refused.status_code == 200 and not ConsentRecord.objects.exists()

    accepted = client.post("/dong-y/?next=/can-bo/", {"accept": "on"}, REMOTE_ADDR="203.113.1.5")

    assert accepted["Location"] == "/can-bo/"
    record = ConsentRecord.objects.get(user=focal_a)
    assert (record.version, record.ip_address) == (CONSENT_VERSION, "203.113.1.5")
    assert client.get("/don-vi/").status_code == 200


def test_the_notice_is_not_asked_again(client, focal_a):
    ConsentRecord.objects.create(user=focal_a, version=CONSENT_VERSION)

    response = _login(client, focal_a.username, next="/can-bo/")

    assert response["Location"] == "/can-bo/"


def test_the_notice_is_readable_without_signing_in(client, db):
    client.cookies["hocso_language"] = "en"
    page = client.get("/quyen-rieng-tu/").content.decode()
    assert "Your rights" in page and "91/2025/QH15" in page


def test_sign_in_ignores_a_next_url_on_another_site(client, focal_a):
    ConsentRecord.objects.create(user=focal_a, version=CONSENT_VERSION)

    response = _login(client, focal_a.username, next="https://ke-gian.example/")

    assert response["Location"] == "/"
