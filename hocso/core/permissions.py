"""The one way a service or view refuses an action, and who may read core's own pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .actors import Actor
from .audit_actions import reads_own_subtree
from .scoping import acts_for_whole_province, scope_of


def ensure(condition: bool, message: str | None = None) -> None:
    """Raise PermissionDenied (a 403 page, or the API's error shape) with `message` unless `condition` holds."""
    if not condition:
        raise PermissionDenied(message or _("You do not have permission to do this."))


def can_read_audit_log(actor: Actor) -> bool:
    """The whole audit log is the province administrators' (core knows no roles: theirs is the whole-province
    scope); those access names (focal points) read the entries about their own units and what lies under them."""
    if acts_for_whole_province(actor):
        return True
    return not scope_of(actor).is_empty and reads_own_subtree(actor)


def can_see_audit_addresses(actor: Actor) -> bool:
    """The IP addresses in the log are the province administrators' to see."""
    return acts_for_whole_province(actor)
