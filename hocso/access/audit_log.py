"""How the audit log says who was given or lost a role (registered in AccessConfig.ready())."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hocso.core import audit_actions as log

from .models import Role
from .permissions import can_manage_people


def _role(value) -> str:
    return str(dict(Role.choices).get(value, value))


def register() -> None:
    group = _("Roles")
    log.register("role.assign", _("{actor} gave {object} a role"), label=_("Role given"), group=group)
    log.register("role.revoke", _("{actor} took a role away from {object}"), label=_("Role taken away"),
                 group=group)
    log.register_key("role", _("Role"), show=_role)
    # Focal points read the log of their own subtree (province administrators read all of it).
    log.register_subtree_reader(can_manage_people)
