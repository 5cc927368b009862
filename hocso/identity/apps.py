from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "hocso.identity"
    label = "identity"
    verbose_name = _("Sign-in and accounts")

    def ready(self) -> None:
        from . import audit_log, privacy_sections

        privacy_sections.register()
        audit_log.register()
