"""Reads of bridge sites, scoped: a manager sees the sites of their units' subtrees, a coordinator their own."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.scoping import scope_of
from hocso.core.text import search_terms
from hocso.org.models import Unit

from .models import BridgeSite, BridgeSiteImport


def sites_visible(*, actor: Actor | None) -> QuerySet[BridgeSite]:
    """Every site the actor may see: those of units in their scope, and those they coordinate."""
    scope = scope_of(actor)
    if scope.everything:
        return BridgeSite.objects.all()
    condition = scope.q("unit__path")
    if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None):
        condition |= Q(coordinators=actor.pk)
    return BridgeSite.objects.filter(condition).distinct()


def site_list(*, actor: Actor | None, query: str = "", unit: Unit | None = None,
              active: bool | None = None) -> QuerySet[BridgeSite]:
    qs = sites_visible(actor=actor).select_related("unit")
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if active is not None:
        qs = qs.filter(is_active=active)
    for term in search_terms(query):
        qs = qs.filter(search_key__contains=term)
    return qs.order_by("unit__sort_key", "sort_key", "id")


def site_get(*, actor: Actor | None, pk: int) -> BridgeSite:
    """A site the actor may see, or 404 (never 403: existence is not leaked)."""
    site = sites_visible(actor=actor).select_related("unit").filter(pk=pk).first()
    if site is None:
        raise Http404(_("Bridge site not found."))
    return site


def site_import_get(*, actor: Actor, pk: int) -> BridgeSiteImport:
    found = BridgeSiteImport.objects.filter(pk=pk, owner=actor.pk).first()
    if found is None:
        raise Http404(_("Import not found."))
    return found


def sites_coordinated_by(*, user, limit: int = 10) -> list[BridgeSite]:
    """The sites whose coordinator accounts include `user` (their home page), active first."""
    return list(BridgeSite.objects.filter(coordinators=user.pk).select_related("unit")
                .order_by("-is_active", "sort_key", "id")[:limit])
