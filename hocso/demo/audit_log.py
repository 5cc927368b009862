"""How the audit log says what the demo seed did (registered in DemoConfig.ready())."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hocso.core import audit_actions as log
from hocso.core.formatting import number


def register() -> None:
    group = _("Demo province")
    log.register("demo.seed", _("{actor} filled the demo province under {object}"), label=_("Demo province seeded"),
                 group=group)
    log.register("demo.reset", _("{actor} deleted the demo province"), label=_("Demo province deleted"), group=group)
    log.register_key("units", _("Units"), object_type="org.unit")
    log.register_key("seed", _("Random seed"), show=number)  # a number like any other on the page
    for key, label in (("units", _("Units")), ("memberships", _("Unit memberships")),
                       ("reorganisations", _("Reorganisations")), ("accounts", _("Accounts"))):
        log.register_key(key, label)
