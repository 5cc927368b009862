"""How the audit log says what happened to accounts, sign-in and API keys (registered in IdentityConfig.ready())."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hocso.core import audit_actions as log
from hocso.people.models import Learner

from .models import ApiKey, OidcIdentity, User


def _user_links(ids: list[str]) -> dict[str, str]:
    """An account's page is its person's page (one query); an account with no person has none."""
    pairs = Learner.objects.filter(user_id__in=[int(i) for i in ids if i.isdigit()]).values_list("user_id", "pk")
    return {str(user_id): reverse("people:detail", args=[pk]) for user_id, pk in pairs}


def _api_key_links(ids: list[str]) -> dict[str, str]:
    found = ApiKey.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()]).values_list("pk", flat=True)
    return {str(pk): reverse("identity:api_keys") for pk in found}


def _linked_by(value) -> str:
    return str(dict(OidcIdentity.LinkedBy.choices).get(value, value))


def register() -> None:
    group = _("Accounts and sign-in")
    log.register("account.password_change", _("{actor} changed their password"), label=_("Password changed"),
                 group=group)
    log.register("account.password_reset", _("{actor} set a new password through the reset link"),
                 label=_("Password reset"), group=group)
    log.register("account.sign_out_everywhere", _("{actor} signed {object} out on every device"),
                 label=_("Signed out everywhere"), group=group)
    log.register("account.totp_enable", _("{actor} turned on two-step sign-in"), label=_("Two-step sign-in on"),
                 group=group)
    log.register("account.totp_disable", _("{actor} turned off two-step sign-in"), label=_("Two-step sign-in off"),
                 group=group)
    log.register("privacy.consent", _("{actor} agreed to the personal data notice"), label=_("Consent given"),
                 group=group)
    log.register("sso.link", _("{actor} linked a single sign-on account to {object}"), label=_("Single sign-on linked"),
                 group=group)
    log.register("sso.attach_profile", _("{actor} was matched through single sign-on with the record of {object}"),
                 label=_("Single sign-on matched a person"), group=group)
    log.register("api_key.issue", _("{actor} issued the API key {object}"), label=_("API key issued"), group=group)
    log.register("api_key.revoke", _("{actor} revoked the API key {object}"), label=_("API key revoked"), group=group)
    log.register_object("identity.user", links=_user_links,
                        in_units=lambda scope: User.objects.filter(scope.q("learner__unit__path")))
    log.register_object("identity.apikey", links=_api_key_links,
                        in_units=lambda scope: ApiKey.objects.filter(scope.q("unit__path")))
    log.register_key("issuer", _("Sign-on provider"))
    log.register_key("linked_by", _("Linked by"), show=_linked_by)
    log.register_key("version", _("Version"))
