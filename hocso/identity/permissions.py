"""Who may manage integrations' keys and others' sessions."""

from __future__ import annotations

from hocso.access.scoping import is_province_admin
from hocso.core.actors import Actor


def can_manage_api_keys(actor: Actor | None) -> bool:
    return is_province_admin(actor)


def can_sign_out_everywhere(actor: Actor | None, user) -> bool:
    """One's own sessions; a province administrator ends anyone's."""
    return getattr(actor, "pk", None) == user.pk or is_province_admin(actor)

