"""Who may do what with bridge sites. Pages and services ask these."""

from __future__ import annotations

from hocso.access.models import Role
from hocso.access.scoping import roles_of
from hocso.core.actors import Actor
from hocso.core.scoping import scope_of
from hocso.org.models import Unit


def can_manage_sites(actor: Actor | None) -> bool:
    """Province administrators (every site) and focal points (the sites of their units' subtrees)."""
    return not scope_of(actor).is_empty


def can_manage_site_of(actor: Actor | None, unit: Unit) -> bool:
    return scope_of(actor).covers(unit.path)


def can_see_sites(actor: Actor | None) -> bool:
    """Managers, and coordinators (their own sites only: hocso.events.selectors)."""
    return can_manage_sites(actor) or Role.COORDINATOR in roles_of(actor)


def can_host_programmes(actor: Actor | None) -> bool:
    """Province administrators host programmes for the province, focal points for their units."""
    return not scope_of(actor).is_empty


def can_manage_programme(actor: Actor | None, programme) -> bool:
    return scope_of(actor).covers(programme.host_unit.path)


def can_act_for_site(actor: Actor | None, site) -> bool:
    """The site's coordinators, and whoever manages its unit."""
    if scope_of(actor).covers(site.unit.path):
        return True
    pk = getattr(actor, "pk", None)
    return bool(pk) and site.coordinators.filter(pk=pk).exists()
