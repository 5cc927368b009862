"""How the audit log says what happened to units and target groups (registered in OrgConfig.ready()); and how it
finds the unit a reader filters by."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hocso.core import audit_actions as log
from hocso.core.scoping import UnitScope, scope_of

from .models import Unit


def find_unit(viewer, text: str) -> tuple[str, UnitScope] | None:
    """The unit with this code or name (else the highest one whose name contains it), among those the viewer sees."""
    text = text.strip()
    visible = Unit.objects.filter(scope_of(viewer).q())
    unit = (visible.filter(Q(code__iexact=text) | Q(name__iexact=text)).order_by("path").first()
            or visible.filter(name__icontains=text).order_by("path").first())
    if unit is None:
        return None
    return unit.name, UnitScope(paths=(unit.path,))


def register() -> None:
    group = _("Units")
    log.register("unit.create", _("{actor} created the unit {object}"), label=_("Unit created"), group=group)
    log.register("unit.update", _("{actor} edited the unit {object}"), label=_("Unit edited"), group=group)
    log.register("unit.move", _("{actor} moved the unit {object} to another parent unit"), label=_("Unit moved"),
                 group=group)
    log.register("unit.merge", _("{actor} merged units into {object}"), label=_("Units merged"), group=group)
    log.register("unit.split", _("{actor} split the unit {object}"), label=_("Unit split"), group=group)
    log.register("target_group.save", _("{actor} saved the target group {object}"), label=_("Target group saved"),
                 group=group)
    log.register_object("org.unit", links=log.links_by_pk("org.unit", "org:detail"),
                        in_units=lambda scope: Unit.objects.filter(scope.q()))
    log.register_object("org.targetgroup", links=log.links_by_pk("org.targetgroup", "org:target_group_edit"))
    log.register_key("unit", _("Unit"), model="org.unit")
    log.register_key("target_group", _("Target group"), model="org.targetgroup")
    log.register_key("sources", _("Merged units"), model="org.unit", many=True, object_type="org.unit")
    log.register_key("targets", _("New units"), model="org.unit", many=True, object_type="org.unit")
    log.register_key("on", _("Effective date"))
    log.register_unit_finder(find_unit)
