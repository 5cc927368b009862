"""Claims for ID tokens and userinfo, and the tampering switch used by the rejection tests."""

from __future__ import annotations

import json
import threading
import time

from jwcrypto import jwk, jwt
from oauth2_provider.oauth2_validators import OAuth2Validator

from .models import Profile

_lock = threading.Lock()
_next_mode: list[str] = []
# Another key, unknown to the client: a token signed with it (under the real key's id) must fail verification.
ROGUE_KEY = jwk.JWK.generate(kty="RSA", size=2048)


def arm(mode: str) -> None:
    with _lock:
        _next_mode[:] = [mode] if mode else []


def _take() -> str:
    with _lock:
        return _next_mode.pop() if _next_mode else ""


def tamper(serialized: str, mode: str, key) -> str:
    token = jwt.JWT(jwt=serialized, key=key)
    header, claims = json.loads(token.header), json.loads(token.claims)
    now = int(time.time())
    if mode == "wrong_audience":
        # Issued to another client; "azp" naming ours must not make it acceptable (it only says who asked).
        claims["azp"], claims["aud"] = claims["aud"], "someone-else"
    elif mode == "expired":
        claims["iat"], claims["exp"] = now - 7200, now - 3600
    elif mode == "wrong_nonce":
        claims["nonce"] = "not-the-nonce-that-was-sent"
    elif mode == "wrong_issuer":
        claims["iss"] = "http://127.0.0.1:9/evil"
    elif mode != "bad_signature":
        raise ValueError(mode)
    forged = jwt.JWT(header=header, claims=claims)
    forged.make_signed_token(ROGUE_KEY if mode == "bad_signature" else key)
    return forged.serialize()


class Validator(OAuth2Validator):
    oidc_claim_scope = None  # every claim below, whatever the scopes

    def get_additional_claims(self, request):
        user = request.user
        profile = Profile.objects.filter(user=user).first()
        claims = {"email": user.email, "email_verified": bool(profile and profile.email_verified)}
        if profile is not None:
            claims["name"] = profile.name
            if profile.cccd:
                claims["cccd"] = profile.cccd
        return claims

    def finalize_id_token(self, id_token, token, token_handler, request):
        serialized = super().finalize_id_token(id_token, token, token_handler, request)
        mode = _take()
        return tamper(serialized, mode, request.client.jwk_key) if mode else serialized
