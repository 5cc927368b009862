"""Writes about accounts and API keys. Keyword-only, transactional, permission-checked and audited.

The other writes of identity: single sign-on's linking (services.sso) and the second factor (services.two_step).
"""

from __future__ import annotations

import datetime as dt
import secrets

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.access.services import roles_remove_all
from hocso.core.actors import Actor
from hocso.core.audit import audit, relabel_actor, snapshot
from hocso.core.permissions import ensure
from hocso.core.text import normalize
from hocso.org.models import Unit
from hocso.people.privacy import scrub_audit

from ..models import (
    CONSENT_VERSION,
    KEY_PREFIX,
    ApiKey,
    ConsentRecord,
    OidcIdentity,
    Session,
    TotpDevice,
    User,
    hash_api_key,
)
from ..permissions import can_manage_api_keys, can_sign_out_everywhere

NAME_MAX_LENGTH = ApiKey._meta.get_field("name").max_length
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def _new_prefix() -> str:
    # 8 hex digits: 4 billion values, so a clash is rare; retried anyway because prefixes are unique.
    for _attempt in range(10):
        prefix = secrets.token_hex(4)
        if not ApiKey.objects.filter(prefix=prefix).exists():
            return prefix
    raise RuntimeError("could not find a free API key prefix")


@transaction.atomic
def api_key_issue(*, actor: Actor, name: str, unit: Unit | None = None) -> tuple[ApiKey, str]:
    """Create a key and return it with the raw secret, which is shown once and never stored."""
    ensure(can_manage_api_keys(actor), _("Only province administrators can manage API keys."))
    name = normalize(name)
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the key a name that says who uses it.")]
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = [_("The name is too long.")]
    if unit is not None and not unit.is_current:
        errors["unit"] = [_("A key cannot be limited to a former unit.")]
    if errors:
        raise ValidationError(errors)
    prefix = _new_prefix()
    raw_key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        name=name, prefix=prefix, key_hash=hash_api_key(raw_key), unit=unit,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit(actor, "api_key.issue", key, after={"name": name, "prefix": prefix, "unit": unit.pk if unit else None})
    return key, raw_key


@transaction.atomic
def api_key_revoke(*, actor: Actor, key: ApiKey) -> ApiKey:
    """Revoke a key at once; requests with it are refused from now on."""
    ensure(can_manage_api_keys(actor), _("Only province administrators can manage API keys."))
    locked = ApiKey.objects.select_for_update().get(pk=key.pk)  # two admins revoking at once: one wins
    before = snapshot(locked, ["revoked_at"])
    if locked.revoked_at is not None:
        raise ValidationError(_("This key has already been revoked."), code="already_revoked")
    locked.revoked_at = key.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    audit(actor, "api_key.revoke", locked, before=before, after=snapshot(locked, ["revoked_at"]))
    return locked


@transaction.atomic
def sessions_revoke_all(*, actor: Actor, user) -> None:
    """Sign the person out on every device: sessions carry a hash of the generation, which moves on here."""
    ensure(can_sign_out_everywhere(actor, user), _("You cannot sign this person out."))
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    audit(actor, "account.sign_out_everywhere", user)


def account_anonymise(user_id: int, label: str) -> int:
    """A person is anonymised (hocso.people.services.learner_anonymise): their account is disabled and stripped —
    names, e-mail, password, sessions, sign-on identities, second factor, roles, the address kept with their
    consent and django-axes's records of their sign-ins; what they did stays in the audit log under `label`.
    Registered as an account eraser by IdentityConfig.ready(); returns the audit entries scrubbed."""
    user = User.objects.select_for_update().get(pk=user_id)
    old_username = user.get_username()
    user.username = f"anonymised-{user.pk}"
    user.full_name = label
    user.first_name = user.last_name = user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)  # every session ends
    Session.objects.filter(user=user).delete()  # and its rows go (each names its account)
    OidcIdentity.objects.filter(user=user).delete()
    TotpDevice.objects.filter(user=user).delete()
    roles_remove_all(user=user)
    ConsentRecord.objects.filter(user=user).update(ip_address=None)  # the record of consent stays, not the address
    relabel_actor(user_id=user.pk, label=label)
    for model in (AccessAttempt, AccessLog, AccessFailureLog):  # django-axes keeps usernames and addresses
        model.objects.filter(username=old_username).delete()
    return scrub_audit(user._meta.label_lower, user.pk, label)


def api_key_touch(key: ApiKey, now: dt.datetime | None = None) -> None:
    """Record use at most once a minute, so busy integrations don't write on every request."""
    now = now or timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now


@transaction.atomic
def consent_record(*, user, ip_address: str | None = None) -> ConsentRecord:
    """The person accepted the current personal-data notice (once per version; a second accept keeps the first)."""
    try:
        with transaction.atomic():
            record = ConsentRecord.objects.create(user=user, version=CONSENT_VERSION, ip_address=ip_address)
    except IntegrityError:  # accepted twice (two tabs): the first record stands
        return ConsentRecord.objects.get(user=user, version=CONSENT_VERSION)
    audit(user, "privacy.consent", user, extra={"version": CONSENT_VERSION})
    return record
