"""How the audit log says what happened to test campaigns (registered in CampaignsConfig.ready())."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocso.core import audit_actions as log
from hocso.org.models import Unit

from .exporting import status_labels
from .models import Campaign


def _audience(value) -> str:
    """[[unit id, with its sub-units, excluded], …] as the units' names (one query for the entry)."""
    lines = [line for line in value if isinstance(line, list) and line] if isinstance(value, list) else []
    names = dict(Unit.objects.filter(pk__in=[line[0] for line in lines]).values_list("pk", "name"))
    parts = []
    for line in lines:
        name = names.get(line[0], _("a removed unit"))
        subtree = len(line) > 1 and line[1]
        excluded = len(line) > 2 and line[2]
        if excluded:
            parts.append(_("except %(unit)s") % {"unit": name})
        elif subtree:
            parts.append(_("%(unit)s and its sub-units") % {"unit": name})
        else:
            parts.append(name)
    return "; ".join(parts) or "—"


def _status(value) -> str:
    return str(status_labels().get(value, value))


def register() -> None:
    _l = gettext_lazy
    group = _l("Test campaigns")
    log.register("campaign.create", _l("{actor} created the test campaign {object}"), label=_l("Campaign created"),
                 group=group)
    log.register("campaign.update", _l("{actor} edited the test campaign {object}"), label=_l("Campaign edited"),
                 group=group)
    log.register("campaign.publish", _l("{actor} published the results of the test campaign {object}"),
                 label=_l("Campaign results published"), group=group)
    log.register("campaign.snapshot_protect", _l("{actor} hid small groups in the published results of {object}"),
                 label=_l("Published results protected"), group=group)
    log.register("campaign.export_follow_up", _l("{actor} downloaded the follow-up list of the test campaign {object}"),
                 label=_l("Follow-up list downloaded"), group=group)
    log.register_object("campaigns.campaign", links=log.links_by_pk("campaigns.campaign", "campaigns:detail"),
                        in_units=lambda scope: Campaign.objects.filter(scope.q("audience_units__unit__path")))
    log.register_key("units", _l("Audience"), nested=True, show=_audience, object_type="campaigns.campaign")
    log.register_key("groups", _l("Target groups"), model="org.targetgroup", many=True,
                     object_type="campaigns.campaign")
    log.register_key("status", _l("Status"), show=_status, object_type="campaigns.campaign")
    log.register_key("snapshot", _l("Published version number"))
    log.register_key("min_group_size", _l("Smallest group shown"))
    log.register_key("overdue_submitted", _l("Late attempts submitted"))
