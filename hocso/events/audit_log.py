"""How the audit log says what happened to bridge sites (registered in EventsConfig.ready())."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hocso.core import audit_actions as log

from .models import BridgeSite


def register() -> None:
    group = _("Bridge sites")
    log.register("bridge_site.create", _("{actor} added the bridge site {object}"), label=_("Bridge site added"),
                 group=group)
    log.register("bridge_site.update", _("{actor} edited the bridge site {object}"), label=_("Bridge site edited"),
                 group=group)
    log.register("bridge_site.import", _("{actor} imported a list of bridge sites"),
                 label=_("Bridge sites imported"), group=group)
    log.register_object("events.bridgesite", links=log.links_by_pk("events.bridgesite", "events:site_edit"),
                        in_units=lambda scope: BridgeSite.objects.filter(scope.q("unit__path")))
    log.register_key("coordinators_added", _("Coordinator accounts added"))
    log.register_key("sites_created", _("Sites added"))
    log.register_key("sites_updated", _("Sites updated"))
