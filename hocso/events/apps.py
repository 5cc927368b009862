from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "hocso.events"
    label = "events"
    verbose_name = _("Awareness programmes")

    def ready(self) -> None:
        from . import audit_log

        audit_log.register()
