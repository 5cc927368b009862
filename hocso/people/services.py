"""Writes about people: profiles, memberships and their sign-in accounts. Keyword-only, transactional, scoped,
audited. (Roles are given and removed by hocso.access.services.)"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.audit import audit, snapshot
from hocso.core.cccd import validate_cccd
from hocso.core.exporting import looks_like_formula
from hocso.core.permissions import ensure
from hocso.core.scoping import UnitScope, scope_of
from hocso.core.text import fold, normalize
from hocso.org.models import Unit

from . import privacy
from .models import Learner, LearnerStatus, Membership, MembershipReason
from .permissions import can_anonymise, can_edit_learner, can_see_full_cccd

PROFILE_FIELDS = (
    "family_name", "middle_name", "given_name", "cccd", "date_of_birth", "gender", "position", "rank_code",
    "target_group", "email", "phone", "status",
)


def _ensure_unit_in_scope(actor: Actor, unit: Unit) -> None:
    ensure(scope_of(actor).covers(unit.path), _("%(unit)s is outside the units you manage.") % {"unit": unit})


NAME_FIELDS = ("family_name", "middle_name", "given_name")


def name_problem(value: str) -> str | None:
    """Why a name part is refused, or None. No real name begins with = + - @, and a spreadsheet would run it."""
    if looks_like_formula(value):
        return _("A name cannot begin with =, +, - or @: spreadsheet programs would take it for a formula. Remove "
                 "that character and write the name again.")
    return None


def cccd_unavailable_message() -> str:
    """The one answer when a CCCD number belongs to someone the actor may not see: in another unit, or who left.

    It says neither who nor where, nor which of the two: a focal point must not be able to look people up by
    typing numbers (the attempt is audited as `learner.cccd_refused`).
    """
    return _("This CCCD number cannot be used in your units. If it is correct, contact the province administrator: "
             "the person may be registered in another unit or have left the service.")


def may_know_learner(scope: UnitScope, learner: Learner) -> bool:
    """Whether someone with this scope may learn from a CCCD number they typed that this person exists, and who
    they are: the province administrators for anyone, a focal point for the people of their units."""
    return scope.everything or (learner.unit is not None and scope.covers(learner.unit.path))


def _cccd_problem(actor: Actor, learner: Learner, *, via: str) -> str | None:
    """None if the number is free; else what to tell the actor (who holds it only if they may see that person)."""
    holder = Learner.objects.filter(cccd=learner.cccd).exclude(pk=learner.pk).select_related("unit").first()
    if holder is None:
        return None
    if may_know_learner(scope_of(actor), holder):
        return _("This CCCD number already belongs to %(name)s (%(unit)s). Open that person's profile instead of "
                 "adding them again.") % {"name": holder.full_name,
                                          "unit": holder.unit or _("has left the service")}
    audit(actor, "learner.cccd_refused", holder, extra={"via": via})
    return cccd_unavailable_message()


def prepare_learner(learner: Learner, *, actor: Actor | None = None, bulk: bool = False, via: str = "form") -> Learner:
    """Normalise text, validate names and the CCCD (against birth date and gender, and that nobody else has it),
    refresh keys. Raises ValidationError with every problem at once.

    `bulk=True` skips the checks that cost a query per person (CCCD uniqueness, the target group's existence):
    the import makes them once for the whole file. Otherwise `actor` is required: what a taken CCCD number
    reveals depends on whom it belongs to (`_cccd_problem`).
    """
    for name in ("family_name", "middle_name", "given_name", "position", "phone"):
        setattr(learner, name, normalize(getattr(learner, name)))
    learner.email = normalize(learner.email).lower()
    errors: dict[str, list] = {}
    for name in NAME_FIELDS:
        problem = name_problem(getattr(learner, name))
        if problem:
            errors[name] = [problem]
    if learner.cccd:
        try:
            learner.cccd = validate_cccd(learner.cccd, birth_date=learner.date_of_birth, gender=learner.gender)
        except ValidationError as exc:
            errors["cccd"] = exc.messages
        else:
            if not bulk:
                problem = _cccd_problem(actor, learner, via=via)
                if problem:
                    errors["cccd"] = [problem]
    else:
        learner.cccd = None
    learner.refresh_keys()
    # The CCCD's uniqueness is checked above, with a message that depends on the actor; never Django's own.
    exclude = ["cccd", "unit", "user"]
    if bulk:
        exclude.append("target_group")
    try:
        learner.full_clean(exclude=exclude, validate_unique=not bulk, validate_constraints=not bulk)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            if key not in errors:
                errors[key] = list(messages)
    if errors:
        raise ValidationError(errors)
    return learner


@transaction.atomic
def learner_create(*, actor: Actor, unit: Unit, start_date: dt.date | None = None, **profile) -> Learner:
    _ensure_unit_in_scope(actor, unit)
    learner = prepare_learner(Learner(unit=unit, **profile), actor=actor)
    learner.save()
    Membership.objects.create(
        learner=learner, unit=unit, start_date=start_date or timezone.localdate(), reason=MembershipReason.JOINED
    )
    audit(actor, "learner.create", learner, after={**snapshot(learner, PROFILE_FIELDS), "unit": unit.pk})
    return learner


@transaction.atomic
def learner_update(*, actor: Actor, learner: Learner, **changes) -> Learner:
    ensure(learner.unit is not None and scope_of(actor).covers(learner.unit.path), _("You cannot edit this person."))
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    before = snapshot(learner, PROFILE_FIELDS)
    for name, value in changes.items():
        setattr(learner, name, value)
    prepare_learner(learner, actor=actor)
    learner.save()
    audit(actor, "learner.update", learner, before=before, after=snapshot(learner, PROFILE_FIELDS))
    return learner


def _transfer(learner: Learner, target: Unit | None, on: dt.date, reason: str, note: str = "") -> None:
    """Close the open membership at `on` and open one in `target` (none if the person left)."""
    current = learner.memberships.filter(end_date__isnull=True).first()
    if current is not None:
        if current.unit_id == (target.pk if target else None):
            return
        if on < current.start_date:
            raise ValidationError(
                _("The transfer date must not be before %(date)s, when the current membership began.")
                % {"date": current.start_date.strftime("%d/%m/%Y")}
            )
        current.end_date = on
        current.save(update_fields=["end_date"])
    if target is not None:
        Membership.objects.create(learner=learner, unit=target, start_date=on, reason=reason, note=note)
    Learner.objects.filter(pk=learner.pk).update(unit=target)
    learner.unit = target


@transaction.atomic
def learner_move(*, actor: Actor, learner: Learner, to_unit: Unit, on: dt.date, note: str = "") -> Learner:
    ensure(learner.unit is not None and scope_of(actor).covers(learner.unit.path), _("You cannot move this person."))
    _ensure_unit_in_scope(actor, to_unit)
    if not to_unit.is_current:
        raise ValidationError(_("People cannot be moved into a former unit."))
    old_unit = learner.unit
    _transfer(learner, to_unit, on, MembershipReason.TRANSFER, note)
    audit(actor, "learner.move", learner, before={"unit": old_unit.pk}, after={"unit": to_unit.pk},
          extra={"on": on})
    return learner


@transaction.atomic
def learner_leave(*, actor: Actor, learner: Learner, on: dt.date, status: str = LearnerStatus.LEFT) -> Learner:
    """A person retires or leaves: their membership ends, their history stays."""
    ensure(learner.unit is not None and scope_of(actor).covers(learner.unit.path), _("You cannot change this person."))
    old_unit = learner.unit
    _transfer(learner, None, on, MembershipReason.LEFT)
    Learner.objects.filter(pk=learner.pk).update(status=status)
    learner.status = status
    audit(actor, "learner.leave", learner, before={"unit": old_unit.pk}, after={"unit": None, "status": status})
    return learner


def memberships_transfer_unit(*, actor: Actor, source: Unit, target: Unit, on: dt.date) -> int:
    """Move every current member of `source` to `target` (used by merges). Returns how many moved."""
    learners = list(Learner.objects.filter(unit=source))
    for learner in learners:
        _transfer(learner, target, on, MembershipReason.REORGANISATION,
                  _("Reorganisation: %(source)s → %(target)s") % {"source": source, "target": target})
    return len(learners)


def memberships_transfer_learners(*, actor: Actor, member_ids: list[int], target: Unit, on: dt.date) -> int:
    """Move the listed people to `target` (used by splits). Returns how many moved."""
    learners = list(Learner.objects.filter(pk__in=member_ids))
    for learner in learners:
        _transfer(learner, target, on, MembershipReason.REORGANISATION,
                  _("Reorganisation: %(source)s → %(target)s") % {"source": learner.unit, "target": target})
    return len(learners)


@transaction.atomic
def learner_reveal_cccd(*, actor: Actor, learner: Learner) -> str:
    """The full CCCD number for someone allowed to see it. Every look is audited: it is personal data."""
    ensure(can_see_full_cccd(actor, learner), _("You cannot see this person's full CCCD number."))
    audit(actor, "learner.view_cccd", learner)
    return learner.cccd or ""


_USERNAME_CHARS = re.compile(r"[^a-z0-9]")
# No 0/O, 1/l/I: temporary passwords are read aloud or copied by hand.
_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def username_base(learner: Learner) -> str:
    """'Đặng Thị Ánh' -> 'anhdt': the given name, then the initials of the family and middle names."""
    given = _USERNAME_CHARS.sub("", fold(learner.given_name))
    initials = "".join(fold(word)[:1] for word in f"{learner.family_name} {learner.middle_name}".split())
    return (given + _USERNAME_CHARS.sub("", initials))[:30] or "canbo"


def free_username(base: str) -> str:
    """`base` followed by the first number no account has yet: anhdt1, anhdt2…"""
    User = get_user_model()
    taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    number = 1
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"


def temporary_password() -> str:
    groups = ["".join(secrets.choice(_PASSWORD_ALPHABET) for _i in range(4)) for _g in range(3)]
    return "-".join(groups)


@transaction.atomic
def account_create_for_learner(*, actor: Actor, learner: Learner) -> tuple[Any, str]:
    """Create and link a sign-in account. Returns (user, temporary password); the password is not kept anywhere."""
    ensure(can_edit_learner(actor, learner), _("You cannot create an account for this person."))
    if learner.user_id is not None:
        raise ValidationError(_("This person already has an account."))
    password = temporary_password()
    user = get_user_model()(username=free_username(username_base(learner)), full_name=learner.full_name,
                            first_name=learner.given_name[:150], last_name=learner.family_name[:150],
                            email=learner.email)
    user.set_password(password)
    user.save()
    learner_link_account(learner=learner, user=user)
    audit(actor, "learner.create_account", learner, extra={"username": user.username})
    return user, password


def learner_link_account(*, learner: Learner, user) -> Learner:
    """Attach a sign-in account to a profile. The caller audits why (learner.create_account, sso.link,
    sso.attach_profile): this is one step of those writes, inside their transaction."""
    Learner.objects.filter(pk=learner.pk).update(user=user)
    learner.user = user
    return learner


@transaction.atomic
def learner_anonymise(*, actor: Actor | None, learner: Learner) -> Learner:
    """Remove everything that identifies the person, for good; keep what statistics count.

    Kept: the profile row itself (so results stay attributed), memberships with their units and dates, target
    group, gender and status. Removed: names, CCCD, date of birth, contacts, position, rank, membership notes;
    the account is disabled and stripped (sign-on identities, second factor, roles, sessions); the audit log
    keeps who did what and when, without the person's details.
    """
    if actor is not None:
        ensure(can_anonymise(actor), _("Only province administrators can anonymise a person."))
    learner = Learner.objects.select_for_update().get(pk=learner.pk)
    label = f"{privacy.ANONYMOUS_FAMILY_NAME} {learner.pk}"
    learner.family_name, learner.middle_name, learner.given_name = privacy.ANONYMOUS_FAMILY_NAME, "", str(learner.pk)
    learner.cccd = None
    learner.date_of_birth = None
    learner.email = learner.phone = learner.position = learner.rank_code = ""
    learner.refresh_keys()
    learner.save()
    Membership.objects.filter(learner=learner).exclude(note="").update(note="")
    scrubbed = privacy.scrub_audit("people.learner", learner.pk, label)
    if learner.user_id is not None:
        for erase in privacy.account_erasers():
            scrubbed += erase(learner.user_id, label)
    audit(actor, "learner.anonymise", learner, extra={"audit_entries_scrubbed": scrubbed})
    return learner
