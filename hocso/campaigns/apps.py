from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "hocso.campaigns"
    label = "campaigns"
    verbose_name = _("Test campaigns")

    def ready(self) -> None:
        # Lower layers ask; campaigns answers (they never import us): training counts towards its plan the attempts
        # campaigns say count, and the exam refuses a start beyond a campaign's attempt limit.
        from django.db.models.signals import post_delete, post_save

        from hocso.assessment.exam.start_checks import register_start_check
        from hocso.assessment.models import Quiz
        from hocso.training.plans.achievements import register_counted_attempts

        from . import audit_log
        from .attempt_limit import refuse_beyond_campaign_limit
        from .models import Campaign
        from .selectors import forget_open_campaigns
        from .training_plan import attempts_in_published_campaigns

        register_counted_attempts(attempts_in_published_campaigns)
        register_start_check(refuse_beyond_campaign_limit)
        audit_log.register()
        # The home page keeps the campaigns open today, with their quizzes, for a minute: saving either may change them.
        for model in (Campaign, Quiz):
            uid = f"campaigns-forget-open-{model.__name__}"
            post_save.connect(forget_open_campaigns, sender=model, dispatch_uid=uid)
            post_delete.connect(forget_open_campaigns, sender=model, dispatch_uid=f"{uid}-delete")
