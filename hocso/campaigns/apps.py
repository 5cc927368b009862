from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "hocso.campaigns"
    label = "campaigns"
    verbose_name = _("Test campaigns")

    def ready(self) -> None:
        # Training (below campaigns) counts towards its plan the attempts campaigns say count; it never imports us.
        from hocso.training.plans.achievements import register_counted_attempts

        from .training_plan import attempts_in_published_campaigns

        register_counted_attempts(attempts_in_published_campaigns)
