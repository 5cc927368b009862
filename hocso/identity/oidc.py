"""OpenID Connect sign-in with the provincial digital identity (or VNeID through the provincial gateway).

Authorization code flow with PKCE (S256), state and nonce. Authlib does the protocol and the cryptography:
discovery (`<issuer>/.well-known/openid-configuration`), the code exchange, the ID token's signature against
the provider's published keys (JWKS) and its claims: issuer, expiry, issued-at and nonce. We add what Authlib
leaves to the application: our client id must be in the audience (Authlib alone accepts a token for another
client when "azp" names us), the discovery document must name the configured issuer, an ID token is required,
and the userinfo answer must be about the same subject.

Configured entirely from settings (the OIDC_* environment variables, see docs/security.md).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.core.exceptions import ValidationError
from joserfc.errors import JoseError

from hocso.core.cccd import validate_cccd

log = logging.getLogger(__name__)

CLIENT_NAME = "hocso_oidc"
# Discovery is cached this long; keys are fetched again at once when a token names an unknown key (rotation).
METADATA_MAX_AGE = 6 * 3600


class SsoError(Exception):
    """The sign-in did not succeed. `reason` is a stable code (for tests and logs), never personal data."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    discovery_url: str
    provider_name: str
    cccd_claim: str
    email_claim: str
    email_verified_claim: str
    name_claim: str
    token_auth_method: str
    timeout: float


def config() -> OidcConfig | None:
    """The provider's settings, or None when single sign-on is not configured (OIDC_ISSUER empty)."""
    issuer = (getattr(settings, "OIDC_ISSUER", "") or "").rstrip("/")
    if not issuer:
        return None
    return OidcConfig(
        issuer=issuer,
        client_id=settings.OIDC_CLIENT_ID,
        client_secret=settings.OIDC_CLIENT_SECRET,
        scopes=settings.OIDC_SCOPES,
        discovery_url=settings.OIDC_DISCOVERY_URL or f"{issuer}/.well-known/openid-configuration",
        provider_name=settings.OIDC_PROVIDER_NAME,
        cccd_claim=settings.OIDC_CCCD_CLAIM,
        email_claim=settings.OIDC_EMAIL_CLAIM,
        email_verified_claim=settings.OIDC_EMAIL_VERIFIED_CLAIM,
        name_claim=settings.OIDC_NAME_CLAIM,
        token_auth_method=settings.OIDC_TOKEN_AUTH_METHOD,
        timeout=settings.OIDC_TIMEOUT,
    )


def enabled() -> bool:
    return config() is not None


@dataclass
class _Cached:
    app: Any
    created: float = field(default_factory=time.monotonic)


_clients: dict[OidcConfig, _Cached] = {}
_lock = threading.Lock()


def _client(cfg: OidcConfig):
    """One Authlib client per configuration, so discovery and keys are fetched once per process, not per login."""
    with _lock:
        cached = _clients.get(cfg)
        if cached is None or time.monotonic() - cached.created > METADATA_MAX_AGE:
            oauth = OAuth()
            app = oauth.register(
                name=CLIENT_NAME,
                client_id=cfg.client_id,
                client_secret=cfg.client_secret,
                server_metadata_url=cfg.discovery_url,
                client_kwargs={
                    "scope": cfg.scopes,
                    "code_challenge_method": "S256",
                    "token_endpoint_auth_method": cfg.token_auth_method,
                    "timeout": cfg.timeout,
                },
            )
            cached = _clients[cfg] = _Cached(app)
        return cached.app


def forget_clients() -> None:
    """Drop cached discovery documents and keys (tests; or after the provider changed its endpoints)."""
    with _lock:
        _clients.clear()


def metadata(cfg: OidcConfig) -> dict[str, Any]:
    app = _client(cfg)
    try:
        data = app.load_server_metadata()
    except (requests.RequestException, ValueError) as exc:
        raise SsoError("provider_unreachable", type(exc).__name__) from exc
    # OpenID Connect Discovery 1.0 §4.3: the document must be about the issuer we were configured with,
    # or a compromised discovery URL could vouch for tokens from anywhere.
    if (data.get("issuer") or "").rstrip("/") != cfg.issuer:
        raise SsoError("issuer_mismatch", "the discovery document names another issuer")
    return data


def start(request, redirect_uri: str):
    """Redirect to the provider's authorization endpoint. Authlib keeps state, nonce and the PKCE verifier in
    the session until the callback."""
    cfg = config()
    if cfg is None:
        raise SsoError("not_configured")
    metadata(cfg)
    return _client(cfg).authorize_redirect(request, redirect_uri)


@dataclass(frozen=True)
class SsoClaims:
    """What the provider told us about the person, already validated and cleaned."""

    issuer: str
    subject: str
    id_token: str
    cccd: str = ""
    email: str = ""
    email_verified: bool = False
    name: str = ""


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes"}


def _clean_cccd(value: Any) -> str:
    if value in (None, ""):
        return ""
    try:
        return validate_cccd(str(value))
    except ValidationError:
        # A malformed number cannot match anyone; it must not stop an e-mail match either.
        log.warning("OIDC: the CCCD claim is not a valid CCCD number; ignored")
        return ""


def finish(request) -> SsoClaims:
    """Complete the flow on the callback: state, code exchange (with the PKCE verifier), ID token validation
    (signature, iss, aud, exp, iat, nonce), then userinfo. Raises SsoError."""
    cfg = config()
    if cfg is None:
        raise SsoError("not_configured")
    metadata(cfg)
    app = _client(cfg)
    # Authlib checks "aud" only through "azp"; OpenID Connect Core §3.1.3.7 wants our client id in "aud" itself.
    claims_options = {
        "iss": {"essential": True, "values": [cfg.issuer]},
        "aud": {"essential": True, "values": [cfg.client_id]},
        "exp": {"essential": True},
        "iat": {"essential": True},
    }
    try:
        token = app.authorize_access_token(request, claims_options=claims_options)
    except MismatchingStateError as exc:
        raise SsoError("state_mismatch") from exc
    except OAuthError as exc:
        raise SsoError("provider_error", str(exc.error or "")) from exc
    except JoseError as exc:
        raise SsoError("invalid_id_token", f"{type(exc).__name__}: {exc}") from exc
    except requests.RequestException as exc:
        raise SsoError("provider_unreachable", type(exc).__name__) from exc
    id_claims = token.get("userinfo")
    if not token.get("id_token") or not id_claims or not id_claims.get("sub"):
        # Authlib validates an ID token only when one is present: without it there is nothing to trust.
        raise SsoError("invalid_id_token", "no ID token in the token response")
    claims: dict[str, Any] = {}
    if metadata(cfg).get("userinfo_endpoint"):
        try:
            claims = dict(app.userinfo(token=token))
        except (requests.RequestException, ValueError) as exc:
            raise SsoError("provider_unreachable", "userinfo: " + type(exc).__name__) from exc
        # OpenID Connect Core §5.3.2: a userinfo answer about another subject must not be used.
        if claims.get("sub") != id_claims["sub"]:
            raise SsoError("userinfo_mismatch")
    claims.update(id_claims)  # the signed ID token wins where both say something
    return SsoClaims(
        issuer=cfg.issuer,
        subject=str(id_claims["sub"]),
        id_token=token["id_token"],
        cccd=_clean_cccd(claims.get(cfg.cccd_claim)),
        email=str(claims.get(cfg.email_claim) or "").strip().lower(),
        email_verified=_truthy(claims.get(cfg.email_verified_claim, False)),
        name=str(claims.get(cfg.name_claim) or "").strip(),
    )


def end_session_url(*, id_token: str, post_logout_redirect_uri: str) -> str | None:
    """The provider's RP-initiated logout URL, or None when it has none (or cannot be reached right now)."""
    cfg = config()
    if cfg is None:
        return None
    try:
        data = metadata(cfg)
    except SsoError as exc:
        log.warning("OIDC: cannot end the provider session: %s", exc.reason)
        return None
    if not data.get("end_session_endpoint"):
        return None
    result = _client(cfg).create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri, id_token_hint=id_token or None, client_id=cfg.client_id
    )
    return result["url"]
