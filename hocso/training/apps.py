from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "hocso.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from . import audit_log, privacy_sections

        privacy_sections.register()
        audit_log.register()
