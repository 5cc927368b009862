from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "hocso.access"
    label = "access"
    verbose_name = _("Roles and scope")

    def ready(self) -> None:
        from . import audit_log

        audit_log.register()
