from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "hocso.events"
    label = "events"
    verbose_name = _("Awareness programmes")

    def ready(self) -> None:
        # Training counts towards its plan the people events says attended (it never imports us).
        from hocso.training.plans.achievements import register_counted_learners

        from . import audit_log
        from .training_plan import learners_attended

        audit_log.register()
        register_counted_learners(learners_attended)
