from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "hocso.campaigns"
    label = "campaigns"
    verbose_name = _("Test campaigns")

    def ready(self) -> None:
        from hocso.assessment.exam.start_checks import register_start_check

        from .attempt_limit import refuse_beyond_campaign_limit

        register_start_check(refuse_beyond_campaign_limit)
