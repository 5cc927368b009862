"""A small, real OpenID Connect provider for the tests: django-oauth-toolkit with OIDC on, run as its own process
on a loopback port (see ../conftest.py). It plays the provincial digital identity.

Besides the standard endpoints under /o/ (discovery, authorize, token, userinfo, JWKS, RP-initiated logout) and
its own sign-in page at /login/, it has test controls under /_test/ (guarded by a token): create people with
their claims, register the client, and make the next ID token a tampered one.
"""
