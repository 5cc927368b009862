"""Accounts, API keys, single sign-on identities, authenticator apps and consent records.

Roles live in `hocso.access` (a user's roles are `user.roles`)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from hocso.access.scoping import scope_for_user
from hocso.core.scoping import EVERYTHING, UnitScope


class User(AbstractUser):
    """A person who can sign in. Their staff profile, if any: `hocso.people.selectors.learner_of(user)`."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    # Bumped by "sign out everywhere": every session signed with an older generation stops being valid.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def _get_session_auth_hash(self, secret=None) -> str:
        # Django's hook for both the current hash and those under SECRET_KEY_FALLBACKS. Generation 0 keeps
        # Django's own value, so sessions opened before this field existed stay valid.
        password_hash = super()._get_session_auth_hash(secret=secret)
        if not self.session_generation:
            return password_hash
        return salted_hmac(
            "hocso.identity.User.session_generation", f"{password_hash}:{self.session_generation}",
            secret=secret, algorithm="sha256",
        ).hexdigest()

    def unit_scope(self) -> UnitScope:
        return scope_for_user(self)


# Raw keys read hs_<8 hex prefix>_<secret> (hocso.identity.api_auth parses them).
KEY_PREFIX = "hs"


def hash_api_key(raw_key: str) -> str:
    # Keys are 32 random bytes: a fast hash is enough (no dictionary to attack), and keeps lookups cheap.
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """A key for an integration (IOC, e-portal, an agency's site). Shown once; only its hash is stored."""

    name = models.CharField(_("name"), max_length=200)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit scope"), null=True, blank=True, on_delete=models.CASCADE,
        help_text=_("Empty means the whole province."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def unit_scope(self) -> UnitScope:
        if self.unit_id is None:
            return EVERYTHING
        return UnitScope(paths=(self.unit.path,))


class OidcIdentity(models.Model):
    """A person's account at an OpenID Connect provider (issuer + subject), linked to one local account."""

    class LinkedBy(models.TextChoices):
        CCCD = "cccd", _("CCCD number")
        EMAIL = "email", _("Verified e-mail, confirmed by the person")
        SIGNUP = "signup", _("Self-registration")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="oidc_identities"
    )
    issuer = models.CharField(_("provider"), max_length=300)
    subject = models.CharField(_("subject"), max_length=255)
    linked_by = models.CharField(_("linked by"), max_length=10, choices=LinkedBy.choices)
    created_at = models.DateTimeField(_("linked"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="identity_oidc_subject_unique"),
            # One identity per provider and account: a second one would be someone else's.
            models.UniqueConstraint(fields=["user", "issuer"], name="identity_oidc_user_issuer_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} / {self.subject}"


class TotpDevice(models.Model):
    """A TOTP authenticator app (RFC 6238). The secret stays on the server; `last_step` stops code reuse."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    def __str__(self) -> str:
        return f"TOTP {self.user}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


# The version of the personal-data notice a person accepts at sign-in: a new version asks everyone again.
CONSENT_VERSION = "2026-01"


class ConsentRecord(models.Model):
    """That a person was shown a version of the personal-data notice and accepted it (Decree 356/2025/ND-CP)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="consents"
    )
    version = models.CharField(_("notice version"), max_length=20)
    accepted_at = models.DateTimeField(_("accepted"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-accepted_at"]
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="identity_consent_unique")]

    def __str__(self) -> str:
        return f"{self.user} {self.version} {self.accepted_at:%Y-%m-%d}"


class Session(AbstractBaseSession):
    """Django's database session, with the signed-in account beside its data (the data names it too): a signed-in
    request reads its session and its account with one statement (hocso.identity.sessions), and an account's
    sessions end with it. Django's own extension point for database sessions (AbstractBaseSession)."""

    # No database constraint: a sign-in racing the account's deletion would make the session's INSERT fail, which
    # Django's store takes for a taken key and retries forever. Deleting an account still deletes its sessions
    # (the ORM's cascade); a row naming no account signs nobody in (the read joins the account).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             db_constraint=False, related_name="+", verbose_name=_("user"))

    class Meta:
        verbose_name = _("sign-in session")
        verbose_name_plural = _("sign-in sessions")

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore
