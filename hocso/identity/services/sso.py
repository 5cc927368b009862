"""Linking a single sign-on identity to the person already in Học Số. Never a duplicate person.

Order of trust, on the first sign-in with a provider identity (issuer + subject):
1. the CCCD claim (the provider verified it by eKYC) equals a learner's CCCD: linked at once;
2. else a verified e-mail equals exactly one person's e-mail: linked once the person confirms it is them;
3. else nobody: the person is told to contact their focal point — or, only where OIDC_ALLOW_SIGNUP is on, an
   account without a staff profile is created (a focal point attaches the profile later; a later sign-in whose
   CCCD claim matches an imported profile attaches it automatically).
Later sign-ins find the identity directly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from hocso.core.audit import audit
from hocso.people.models import Learner
from hocso.people.selectors import learner_of
from hocso.people.services import free_username, learner_link_account, username_base

from ..models import OidcIdentity
from ..oidc import SsoClaims

LOGIN, CONFIRM, UNKNOWN, DISABLED, CONFLICT = "login", "confirm", "unknown", "disabled", "conflict"
PENDING_MAX_AGE = dt.timedelta(minutes=10)


@dataclass
class Outcome:
    kind: str
    user: Any = None
    learner: Learner | None = None


def _new_account_for(learner: Learner | None, claims: SsoClaims):
    """An account that signs in through the provider only (no password until the person sets one by e-mail)."""
    User = get_user_model()
    if learner is not None:
        base, full_name = username_base(learner), learner.full_name
        first, last, email = learner.given_name[:150], learner.family_name[:150], learner.email or claims.email
    else:
        base, full_name, first, last, email = "sso", claims.name[:200], "", "", claims.email
    user = User(username=free_username(base), full_name=full_name, first_name=first, last_name=last, email=email)
    user.set_unusable_password()
    user.save()
    if learner is not None:
        learner_link_account(learner=learner, user=user)
    return user


def _link(user, claims: SsoClaims, *, linked_by: str, about) -> OidcIdentity:
    identity = OidcIdentity.objects.create(
        user=user, issuer=claims.issuer, subject=claims.subject, linked_by=linked_by, last_login_at=timezone.now()
    )
    audit(user, "sso.link", about, extra={"issuer": claims.issuer, "linked_by": linked_by})
    return identity


def _attach_profile_by_cccd(user, claims: SsoClaims) -> None:
    """A self-registered account meets the profile imported since: attach it rather than keep two."""
    if not claims.cccd or learner_of(user) is not None:
        return
    learner = Learner.objects.filter(cccd=claims.cccd, user__isnull=True).first()
    if learner is not None:
        learner_link_account(learner=learner, user=user)
        audit(user, "sso.attach_profile", learner, extra={"issuer": claims.issuer})


def _email_candidate(claims: SsoClaims) -> tuple[Learner | None, Any]:
    """The one person whose e-mail is the verified claim: (learner, None) or (None, user without profile)."""
    if not (claims.email and claims.email_verified):
        return None, None
    learners = list(Learner.objects.select_related("user", "unit").filter(email__iexact=claims.email)[:2])
    if len(learners) == 1:
        learner = learners[0]
        # A different CCCD on both sides is a different person sharing a mailbox, whatever the e-mail says.
        if claims.cccd and learner.cccd and learner.cccd != claims.cccd:
            return None, None
        return learner, None
    if learners:
        return None, None  # ambiguous: a focal point must sort it out
    users = list(get_user_model().objects.filter(email__iexact=claims.email, learner__isnull=True)[:2])
    return (None, users[0]) if len(users) == 1 else (None, None)


def _usable(user, claims: SsoClaims) -> str | None:
    if not user.is_active:
        return DISABLED
    if OidcIdentity.objects.filter(user=user, issuer=claims.issuer).exists():
        return CONFLICT  # this account already belongs to another identity at the same provider
    return None


@transaction.atomic
def sso_resolve(*, claims: SsoClaims) -> Outcome:
    """Who this provider identity is in Học Số. Links at once when the CCCD claim decides it."""
    identity = OidcIdentity.objects.select_related("user").filter(issuer=claims.issuer, subject=claims.subject).first()
    if identity is not None:
        if not identity.user.is_active:
            return Outcome(DISABLED, user=identity.user)
        _attach_profile_by_cccd(identity.user, claims)
        OidcIdentity.objects.filter(pk=identity.pk).update(last_login_at=timezone.now())
        return Outcome(LOGIN, user=identity.user)

    if claims.cccd:
        learner = Learner.objects.select_related("user").filter(cccd=claims.cccd).first()
        if learner is not None:
            if learner.user is not None and (problem := _usable(learner.user, claims)):
                return Outcome(problem, user=learner.user, learner=learner)
            user = learner.user or _new_account_for(learner, claims)
            _link(user, claims, linked_by=OidcIdentity.LinkedBy.CCCD, about=learner)
            return Outcome(LOGIN, user=user, learner=learner)

    learner, user = _email_candidate(claims)
    if learner is not None:
        if learner.user is not None and (problem := _usable(learner.user, claims)):
            return Outcome(problem, user=learner.user, learner=learner)
        return Outcome(CONFIRM, user=learner.user, learner=learner)
    if user is not None:
        if problem := _usable(user, claims):
            return Outcome(problem, user=user)
        return Outcome(CONFIRM, user=user)

    if settings.OIDC_ALLOW_SIGNUP:
        user = _new_account_for(None, claims)
        _link(user, claims, linked_by=OidcIdentity.LinkedBy.SIGNUP, about=user)
        return Outcome(LOGIN, user=user)
    return Outcome(UNKNOWN)


def pending_from(claims: SsoClaims, outcome: Outcome) -> dict[str, Any]:
    """What the confirmation step needs, kept in the session for a few minutes: ids, and the e-mail and CCCD
    claims the link is checked against again when the person answers."""
    return {
        "issuer": claims.issuer,
        "subject": claims.subject,
        "email": claims.email,
        "cccd": claims.cccd,
        "learner_id": outcome.learner.pk if outcome.learner is not None else None,
        "user_id": outcome.user.pk if outcome.user is not None and outcome.learner is None else None,
        "expires": (timezone.now() + PENDING_MAX_AGE).timestamp(),
    }


@transaction.atomic
def sso_link_confirmed(*, pending: dict[str, Any]) -> Outcome:
    """The person confirmed that the profile found by e-mail is theirs: link it (checked again, state may have
    moved on since the question was asked)."""
    if timezone.now().timestamp() > pending.get("expires", 0):
        return Outcome(UNKNOWN)
    claims = SsoClaims(
        issuer=pending["issuer"], subject=pending["subject"], id_token="", cccd=pending.get("cccd") or "",
        email=pending["email"], email_verified=True,
    )
    if OidcIdentity.objects.filter(issuer=claims.issuer, subject=claims.subject).exists():
        return Outcome(CONFLICT)
    learner, user = _email_candidate(claims)
    if learner is not None and learner.pk == pending.get("learner_id"):
        if learner.user is not None and (problem := _usable(learner.user, claims)):
            return Outcome(problem, user=learner.user, learner=learner)
        user = learner.user or _new_account_for(learner, claims)
        _link(user, claims, linked_by=OidcIdentity.LinkedBy.EMAIL, about=learner)
        return Outcome(LOGIN, user=user, learner=learner)
    if user is not None and user.pk == pending.get("user_id"):
        if problem := _usable(user, claims):
            return Outcome(problem, user=user)
        _link(user, claims, linked_by=OidcIdentity.LinkedBy.EMAIL, about=user)
        return Outcome(LOGIN, user=user)
    return Outcome(UNKNOWN)
