"""What campaigns tell the training plan (`hocso.training.plans.achievements`, filled in `CampaignsConfig.ready()`):
a passed attempt counts towards the plan when it was sat in a published test campaign."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import TruncDate

from hocso.assessment.models import Attempt

from .models import Campaign, Snapshot


def attempts_in_published_campaigns(attempts: QuerySet[Attempt]) -> QuerySet[Attempt]:
    """The attempts sat in a published campaign: one with at least one published result snapshot, on the attempt's
    quiz, whose window contains the day the attempt was started."""
    published = Campaign.objects.filter(
        Exists(Snapshot.objects.filter(campaign_id=OuterRef("pk"))),
        quiz_id=OuterRef("quiz_id"), opens_on__lte=OuterRef("started_day"), closes_on__gte=OuterRef("started_day"),
    )
    return attempts.annotate(started_day=TruncDate("started_at")).filter(Exists(published))
