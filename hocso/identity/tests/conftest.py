"""A real OpenID Connect provider for the sign-in tests, started once per test session on a loopback port.

The provider (oidc_provider/, django-oauth-toolkit) runs as its own process with its own database and a fresh
RSA signing key. Tests act as the person's browser at the provider with `requests` (or with Chromium in the
browser test), and as the browser at Học Số with Django's test client.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from hocso.identity import oidc

from .sso_provider import CLIENT_ID, CLIENT_SECRET, PROVIDER_PASSWORD, TEST_ORIGIN


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rsa_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@dataclass
class Provider:
    url: str
    control_token: str
    redirect_uris: list[str] = field(default_factory=list)
    post_logout_uris: list[str] = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def _control(self, path: str, data: dict) -> dict:
        response = requests.post(
            f"{self.url}/_test/{path}/", json=data, headers={"X-Control-Token": self.control_token}, timeout=10
        )
        response.raise_for_status()
        return response.json()

    def add_person(self, username: str, *, cccd: str = "", email: str = "", email_verified: bool = False,
                   name: str = "") -> str:
        """A person with an identity at the provider; returns their subject (sub)."""
        return self._control("users", {
            "username": username, "password": PROVIDER_PASSWORD, "cccd": cccd, "email": email,
            "email_verified": email_verified, "name": name,
        })["sub"]

    def allow_origin(self, origin: str) -> None:
        """Register Học Số at `origin` as the client (redirect and post-logout URIs)."""
        self.redirect_uris.append(f"{origin}/dang-nhap/sso/callback/")
        self.post_logout_uris.append(f"{origin}/dang-nhap/")
        self._control("clients", {
            "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": self.redirect_uris,
            "post_logout_redirect_uris": self.post_logout_uris,
        })

    def tamper_next_id_token(self, mode: str) -> None:
        self._control("tamper", {"mode": mode})

    def sign_in(self, browser: requests.Session, authorize_url: str, username: str,
                password: str = PROVIDER_PASSWORD) -> str:
        """Play the person at the provider: open the authorization URL, fill the provider's sign-in page, follow
        the redirects; return the URL the provider sends the browser back to (Học Số's callback)."""
        page = browser.get(authorize_url, timeout=10)
        assert "/login/" in page.url, f"expected the provider's sign-in page, got {page.url}"
        response = browser.post(page.url, data={
            "username": username, "password": password, "csrfmiddlewaretoken": browser.cookies["provider_csrftoken"],
        }, allow_redirects=False, timeout=10)
        assert response.status_code == 302, "the provider refused the credentials"
        location = urljoin(page.url, response.headers["Location"])
        for _hop in range(5):
            if not location.startswith(self.url):
                return location
            response = browser.get(location, allow_redirects=False, timeout=10)
            assert response.status_code == 302, f"provider answered {response.status_code} at {location}"
            location = urljoin(location, response.headers["Location"])
        raise AssertionError("too many redirects at the provider")

    def whoami(self, browser: requests.Session) -> str | None:
        return browser.get(f"{self.url}/_test/whoami/", timeout=10).json()["username"]


def _start_provider(env: dict, provider: Provider, log_path: Path) -> subprocess.Popen | None:
    """runserver at `provider.url`, or None if it stopped before answering (the port was taken in the meantime)."""
    port = provider.url.rsplit(":", 1)[1]
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while True:
        # Our process must still be alive: otherwise whatever answers on the port is someone else's server.
        if process.poll() is not None:
            return None
        try:
            answered = requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=2).ok
            if answered and process.poll() is None:
                return process
        except requests.RequestException:  # not up yet, or something else holds the port and does not answer
            pass
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise RuntimeError(f"the test OIDC provider did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.1)


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    workdir: Path = tmp_path_factory.mktemp("oidc_provider")
    control_token = secrets.token_urlsafe(24)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hocso.identity.tests.oidc_provider.settings",
        "PROVIDER_DB": str(workdir / "provider.sqlite3"),
        "PROVIDER_RSA_KEY": _rsa_pem(),
        "PROVIDER_SECRET_KEY": secrets.token_urlsafe(40),
        "PROVIDER_CONTROL_TOKEN": control_token,
        "PYTHONUNBUFFERED": "1",
    }
    subprocess.run([sys.executable, "-m", "django", "migrate", "--run-syncdb", "-v", "0"],
                   env={**env, "PROVIDER_ISSUER": "http://127.0.0.1/o"}, check=True)
    log_path = workdir / "provider.log"
    # The port is chosen just before runserver binds it, and chosen again if another process took it in between
    # (other test runs on the same machine open loopback ports all the time).
    process = None
    for _try in range(3):
        provider = Provider(url=f"http://127.0.0.1:{_free_port()}", control_token=control_token)
        process = _start_provider({**env, "PROVIDER_ISSUER": provider.issuer}, provider, log_path)
        if process is not None:
            break
    if process is None:
        raise RuntimeError(f"the test OIDC provider stopped at start-up, three times:\n{log_path.read_text()[-3000:]}")
    try:
        provider.allow_origin(TEST_ORIGIN)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def sso(settings, oidc_provider, db) -> Provider:
    """Học Số configured for the test provider, as the OIDC_* environment variables would configure it."""
    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_PROVIDER_NAME = "Thái Nguyên ID"
    settings.OIDC_CCCD_CLAIM = "cccd"
    oidc.forget_clients()
    yield oidc_provider
    oidc.forget_clients()
