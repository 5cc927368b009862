"""Writes about roles: give and remove them. Keyword-only, transactional, permission-checked, audited."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.audit import audit
from hocso.core.permissions import ensure
from hocso.org.models import Unit

from .models import MANAGING_ROLES, UNIT_ROLES, Role, RoleAssignment
from .permissions import can_assign_role
from .scoping import forget_roles


@transaction.atomic
def role_assign(*, actor: Actor, user, role: str, unit: Unit | None = None) -> RoleAssignment:
    if role in UNIT_ROLES and unit is None:
        raise ValidationError(_("This role needs a unit."))
    if role == Role.PROVINCE_ADMIN:
        unit = None
    ensure(can_assign_role(actor, role, unit), _("You cannot give this role for this unit."))
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, unit=unit, defaults={"created_by": actor if actor.pk else None}
    )
    if created:
        audit(actor, "role.assign", user, extra={"role": role, "unit": unit.pk if unit else None})
    forget_roles(user)
    return assignment


def role_revoke_refusal(*, actor: Actor, assignment: RoleAssignment) -> str | None:
    """Why this role may not be removed even by someone allowed to remove it, or None.

    Nobody removes their own administrator role, nor their own last focal-point role, with one click: that would
    lock them out of the page they are on (another focal point above them, or the province administrator, can).
    The province always keeps an administrator who can sign in.
    """
    if assignment.user_id == actor.pk:
        if assignment.role == Role.PROVINCE_ADMIN:
            return _("You cannot remove your own administrator role.")
        if assignment.role in MANAGING_ROLES and not RoleAssignment.objects.filter(
                user_id=actor.pk, role__in=MANAGING_ROLES).exclude(pk=assignment.pk).exists():
            return _("This is your last role as a focal point: removing it would take away your access to these "
                     "pages. Ask the province administrator, or a focal point of a unit above yours, to remove it.")
    if assignment.role == Role.PROVINCE_ADMIN:
        # Locked (until role_revoke commits): two administrators removing each other at the same moment must not
        # leave the province with none.
        with transaction.atomic():
            others = list(RoleAssignment.objects.select_for_update(of=("self",))
                          .filter(role=Role.PROVINCE_ADMIN, user__is_active=True)
                          .exclude(pk=assignment.pk).values_list("pk", flat=True))
        superusers = get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(pk=assignment.user_id)
        if not others and not superusers.exists():
            return _("The province must keep at least one administrator. Give the role to someone else first.")
    return None


@transaction.atomic
def role_revoke(*, actor: Actor, assignment: RoleAssignment) -> None:
    ensure(can_assign_role(actor, assignment.role, assignment.unit), _("You cannot remove this role."))
    refusal = role_revoke_refusal(actor=actor, assignment=assignment)
    if refusal:
        raise ValidationError(refusal)
    audit(actor, "role.revoke", assignment.user, extra={"role": assignment.role, "unit": assignment.unit_id})
    assignment.delete()
    forget_roles(assignment.user)


def roles_remove_all(*, user) -> int:
    """Every role of an account that is being anonymised (hocso.identity.privacy): the anonymisation itself is
    what the audit log records. Returns how many were removed."""
    deleted, _by_model = RoleAssignment.objects.filter(user=user).delete()
    forget_roles(user)
    return deleted
