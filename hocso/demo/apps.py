from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo province and its `seed_demo` command. It may use every app; nothing imports it."""

    name = "hocso.demo"
    label = "demo"
    verbose_name = _("Demo province")

    def ready(self) -> None:
        from . import audit_log

        audit_log.register()
