"""Sign-in with the provincial digital identity, against a real OpenID Connect provider on loopback."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model

from hocso.identity.models import OidcIdentity
from hocso.people.models import Learner
from hocso.tests.factories import make_learner, make_user

from .sso_provider import TEST_ORIGIN

User = get_user_model()


def _username() -> str:
    return f"citizen-{uuid.uuid4().hex[:10]}"


def _signed_in_user_id(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def start(client, next_url: str | None = None) -> str:
    response = client.get("/dang-nhap/sso/", {"next": next_url} if next_url else {})
    assert response.status_code == 302
    return response["Location"]


def sso_sign_in(client, provider, username: str, *, next_url: str | None = None):
    """The whole round trip; returns (Học Số's answer to the callback, the browser at the provider)."""
    browser = requests.Session()
    callback = provider.sign_in(browser, start(client, next_url), username)
    assert callback.startswith(f"{TEST_ORIGIN}/dang-nhap/sso/callback/?"), callback
    return client.get(callback.removeprefix(TEST_ORIGIN)), browser


def test_the_sign_in_button_shows_only_when_a_provider_is_configured(client, settings, db):
    settings.OIDC_ISSUER = ""
    assert "/dang-nhap/sso/" not in client.get("/dang-nhap/").content.decode()
    assert client.get("/dang-nhap/sso/").status_code == 404

    settings.OIDC_ISSUER = "https://id.thainguyen.gov.vn"
    settings.OIDC_PROVIDER_NAME = "Thái Nguyên ID"
    client.cookies["hocso_language"] = "en"
    page = client.get("/dang-nhap/?next=/can-bo/").content.decode()
    assert 'href="/dang-nhap/sso/?next=/can-bo/"' in page
    assert "Sign in with Thái Nguyên ID" in page


def test_the_authorization_request_uses_pkce_state_and_nonce(client, sso):
    query = parse_qs(urlsplit(start(client)).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == ["hocso-test"]
    assert query["redirect_uri"] == [f"{TEST_ORIGIN}/dang-nhap/sso/callback/"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert set(query["scope"][0].split()) >= {"openid", "email", "profile"}
    assert urlsplit(start(client)).netloc == urlsplit(sso.url).netloc


def test_first_sign_in_links_the_imported_person_by_cccd(client, sso, learner_in_a):
    username = _username()
    subject = sso.add_person(username, cccd=learner_in_a.cccd, name=learner_in_a.full_name)
    people_before = Learner.objects.count()

    response, _browser = sso_sign_in(client, sso, username, next_url="/can-bo/")

    learner_in_a.refresh_from_db()
    assert learner_in_a.user is not None, "an account was made for the imported person"
    assert _signed_in_user_id(client) == learner_in_a.user_id
    identity = OidcIdentity.objects.get(user=learner_in_a.user)
    assert (identity.issuer, identity.subject, identity.linked_by) == (sso.issuer, subject, "cccd")
    assert Learner.objects.count() == people_before, "no duplicate person"
    assert not learner_in_a.user.has_usable_password()
    # First sign-in: the personal-data notice comes first, then the page asked for.
    assert response.status_code == 302
    assert response["Location"].startswith("/dong-y/?next=%2Fcan-bo%2F")


def test_cccd_link_reuses_the_existing_account(client, sso, learner_user, learner_in_a):
    username = _username()
    sso.add_person(username, cccd=learner_in_a.cccd)
    accounts_before = User.objects.count()

    sso_sign_in(client, sso, username)

    assert _signed_in_user_id(client) == learner_user.pk
    assert User.objects.count() == accounts_before
    assert OidcIdentity.objects.filter(user=learner_user, linked_by="cccd").count() == 1


def test_a_later_sign_in_finds_the_linked_identity(client, sso, learner_in_a):
    username = _username()
    sso.add_person(username, cccd=learner_in_a.cccd)
    sso_sign_in(client, sso, username)
    first_user = _signed_in_user_id(client)
    client.post("/dang-xuat/")

    sso_sign_in(client, sso, username)

    assert _signed_in_user_id(client) == first_user
    assert OidcIdentity.objects.filter(user_id=first_user).count() == 1
    assert OidcIdentity.objects.get(user_id=first_user).last_login_at is not None


def test_a_verified_email_links_only_after_the_person_confirms(client, sso, school_a):
    person = make_learner(school_a, "Hoàng Văn Cường", email="cuong.hv@thainguyen.gov.vn")
    username = _username()
    sso.add_person(username, email="Cuong.HV@thainguyen.gov.vn", email_verified=True)

    response, _browser = sso_sign_in(client, sso, username)

    assert response.status_code == 302 and response["Location"] == "/dang-nhap/sso/xac-nhan/"
    assert _signed_in_user_id(client) is None, "nobody is signed in before the confirmation"
    client.cookies["hocso_language"] = "en"
    page = client.get("/dang-nhap/sso/xac-nhan/").content.decode()
    assert "Hoàng Văn Cường" in page and school_a.name in page
    assert person.cccd not in page, "the CCCD is shown masked"

    response = client.post("/dang-nhap/sso/xac-nhan/", {"answer": "yes"})

    person.refresh_from_db()
    assert response.status_code == 302
    assert person.user_id is not None and _signed_in_user_id(client) == person.user_id
    assert OidcIdentity.objects.get(user=person.user).linked_by == "email"


def test_declining_the_email_match_links_nothing(client, sso, school_a):
    person = make_learner(school_a, "Lý Thị Dung", email="dung.lt@thainguyen.gov.vn")
    username = _username()
    sso.add_person(username, email="dung.lt@thainguyen.gov.vn", email_verified=True)
    sso_sign_in(client, sso, username)
    client.cookies["hocso_language"] = "en"

    response = client.post("/dang-nhap/sso/xac-nhan/", {"answer": "no"})

    person.refresh_from_db()
    assert "Nothing was linked" in response.content.decode()
    assert person.user_id is None and _signed_in_user_id(client) is None
    assert not OidcIdentity.objects.exists()


def test_an_unverified_email_is_not_enough(client, sso, school_a):
    make_learner(school_a, "Lý Thị Dung", email="dung2.lt@thainguyen.gov.vn")
    username = _username()
    sso.add_person(username, email="dung2.lt@thainguyen.gov.vn", email_verified=False)

    response, _browser = sso_sign_in(client, sso, username)

    assert response.status_code == 403
    assert _signed_in_user_id(client) is None


def test_an_email_match_with_a_different_cccd_is_someone_else(client, sso, school_a):
    make_learner(school_a, "Lý Thị Em", email="chung@thainguyen.gov.vn")
    username = _username()
    # A mailbox shared in an office: the address matches, but the eKYC-verified number is not this profile's.
    sso.add_person(username, email="chung@thainguyen.gov.vn", email_verified=True, cccd="001085999999")

    response, _browser = sso_sign_in(client, sso, username)

    assert response.status_code == 403
    assert not OidcIdentity.objects.exists()


def test_an_unknown_person_is_sent_to_their_focal_point(client, sso, learner_in_a):
    username = _username()
    sso.add_person(username, cccd="001090123456", email="nobody@example.vn", email_verified=True)
    accounts, people = User.objects.count(), Learner.objects.count()
    client.cookies["hocso_language"] = "en"

    response, _browser = sso_sign_in(client, sso, username)

    page = response.content.decode()
    assert response.status_code == 403
    assert "No staff profile found" in page and "Contact the focal point of your unit" in page
    assert (User.objects.count(), Learner.objects.count()) == (accounts, people), "no self-registration"
    assert _signed_in_user_id(client) is None


def test_self_registration_only_where_the_setting_allows(client, sso, settings, province):
    settings.OIDC_ALLOW_SIGNUP = True
    username = _username()
    sso.add_person(username, name="Trần Văn Mới", email="moi@example.vn", email_verified=True)
    people = Learner.objects.count()

    sso_sign_in(client, sso, username)

    user = User.objects.get(pk=_signed_in_user_id(client))
    assert user.full_name == "Trần Văn Mới"
    assert OidcIdentity.objects.get(user=user).linked_by == "signup"
    assert Learner.objects.count() == people, "an account only: the profile comes from the unit's records"


def test_a_profile_imported_later_is_attached_not_duplicated(client, sso, settings, school_a):
    settings.OIDC_ALLOW_SIGNUP = True
    username = _username()
    sso.add_person(username, cccd="019185001122", name="Đinh Văn Sau")
    sso_sign_in(client, sso, username)
    user_id = _signed_in_user_id(client)
    client.post("/dang-xuat/")
    imported = make_learner(school_a, "Đinh Văn Sau", with_cccd=False)
    Learner.objects.filter(pk=imported.pk).update(cccd="019185001122")  # the unit imports the person later

    sso_sign_in(client, sso, username)

    imported.refresh_from_db()
    assert _signed_in_user_id(client) == user_id and imported.user_id == user_id


def test_a_disabled_account_cannot_sign_in(client, sso, learner_in_a):
    user = make_user(username="da-nghi")
    user.is_active = False
    user.save()
    Learner.objects.filter(pk=learner_in_a.pk).update(user=user)
    username = _username()
    sso.add_person(username, cccd=learner_in_a.cccd)

    response, _browser = sso_sign_in(client, sso, username)

    assert response.status_code == 403 and _signed_in_user_id(client) is None


@pytest.mark.parametrize("mode", ["bad_signature", "wrong_audience", "expired", "wrong_nonce", "wrong_issuer"])
def test_a_tampered_id_token_is_rejected(client, sso, learner_in_a, mode):
    username = _username()
    sso.add_person(username, cccd=learner_in_a.cccd)
    sso.tamper_next_id_token(mode)
    client.cookies["hocso_language"] = "en"

    response, _browser = sso_sign_in(client, sso, username)

    assert response.status_code == 400
    assert "could not be verified" in response.content.decode()
    assert _signed_in_user_id(client) is None
    assert not OidcIdentity.objects.exists()


def test_an_untampered_token_after_a_tampered_one_works(client, sso, learner_in_a):
    """The rejection tests prove something only if the same flow succeeds without the tampering."""
    username = _username()
    sso.add_person(username, cccd=learner_in_a.cccd)
    sso.tamper_next_id_token("wrong_nonce")
    sso_sign_in(client, sso, username)
    assert _signed_in_user_id(client) is None

    sso_sign_in(client, sso, username)

    assert _signed_in_user_id(client) is not None


def test_a_state_mismatch_is_rejected(client, sso, learner_in_a):
    username = _username()
    sso.add_person(username, cccd=learner_in_a.cccd)
    callback = sso.sign_in(requests.Session(), start(client), username)
    parts = urlsplit(callback)
    query = parse_qs(parts.query)
    forged = f"{parts.path}?code={query['code'][0]}&state=not-{query['state'][0]}"

    response = client.get(forged)

    assert response.status_code == 400
    assert _signed_in_user_id(client) is None


def test_a_callback_in_another_browser_is_rejected(client, sso, learner_in_a):
    """Login CSRF: a code obtained by an attacker and planted in a victim's browser (no state in its session)."""
    from django.test import Client

    username = _username()
    sso.add_person(username, cccd=learner_in_a.cccd)
    callback = sso.sign_in(requests.Session(), start(client), username)
    victim = Client()

    response = victim.get(callback.removeprefix(TEST_ORIGIN))

    assert response.status_code == 400
    assert victim.session.get("_auth_user_id") is None


def test_a_sign_in_cancelled_at_the_provider_signs_nobody_in(client, sso):
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    client.cookies["hocso_language"] = "en"

    response = client.get("/dang-nhap/sso/callback/", {"error": "access_denied", "state": state})

    assert response.status_code == 400
    assert "cancelled or refused at Thái Nguyên ID" in response.content.decode()
    assert _signed_in_user_id(client) is None


def test_an_issuer_mismatch_in_discovery_is_refused(client, sso, settings, db):
    settings.OIDC_DISCOVERY_URL = f"{sso.issuer}/.well-known/openid-configuration"
    settings.OIDC_ISSUER = f"{sso.url}/another-issuer"

    response = client.get("/dang-nhap/sso/")

    assert response.status_code == 502


def test_sign_out_also_ends_the_provider_session(client, sso, learner_in_a):
    username = _username()
    sso.add_person(username, cccd=learner_in_a.cccd)
    _response, browser = sso_sign_in(client, sso, username)
    assert sso.whoami(browser) == username

    response = client.post("/dang-xuat/")

    assert _signed_in_user_id(client) is None
    location = response["Location"]
    assert location.startswith(f"{sso.issuer}/logout/?")
    query = parse_qs(urlsplit(location).query)
    assert query["post_logout_redirect_uri"] == [f"{TEST_ORIGIN}/dang-nhap/"]
    assert query["id_token_hint"][0].count(".") == 2
    back = browser.get(location, allow_redirects=False, timeout=10)
    assert back.status_code == 302 and back.headers["Location"].startswith(f"{TEST_ORIGIN}/dang-nhap/")
    assert sso.whoami(browser) is None, "the provider's session ended too"


def test_sign_out_after_a_password_sign_in_stays_local(client, sso, focal_a):
    client.force_login(focal_a)

    response = client.post("/dang-xuat/")

    assert response.status_code == 302 and response["Location"] == "/dang-nhap/"
