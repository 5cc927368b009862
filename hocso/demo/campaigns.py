"""The demo's four past quarterly campaigns, built on the demo's quarterly quizzes, each with a published snapshot.

They go through the services an administrator's clicks would call (`campaign_create`, `campaign_publish`), so the
public board, the IOC feed and the results pages all have something to show on first start.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from hocso.assessment.models import Quiz
from hocso.campaigns.models import Campaign, Snapshot
from hocso.campaigns.services import AudienceLine, campaign_create, campaign_publish
from hocso.org.models import Unit


def seed_campaigns(*, admin, root: Unit, quarters: list[tuple[str, Quiz]]) -> list[Campaign]:
    """One campaign per quarter (oldest first): the whole province, the quiz's dates, results published."""
    campaigns = []
    for title, quiz in quarters:
        campaign = campaign_create(
            actor=admin, title=title, quiz=quiz, opens_on=timezone.localdate(quiz.open_at),
            closes_on=timezone.localdate(quiz.close_at), lines=[AudienceLine(unit=root)], reminder_days=0,
        )
        campaign_publish(actor=admin, campaign=campaign)
        campaigns.append(campaign)
    return campaigns


def reset_campaigns(root: Unit | None, quiz_ids: set[int] = frozenset()) -> dict[str, int]:
    """Delete the campaigns meant for the demo province or built on its quizzes, with their snapshots."""
    condition = Q(quiz_id__in=quiz_ids)
    if root is not None:
        condition |= Q(audience_units__unit__path__startswith=root.path)
        condition |= Q(quiz__audience_unit__path__startswith=root.path)
    ids = set(Campaign.objects.filter(condition).values_list("pk", flat=True))
    snapshots = Snapshot.objects.filter(campaign_id__in=ids).delete()[1].get("campaigns.Snapshot", 0)
    campaigns = Campaign.objects.filter(pk__in=ids).delete()[1].get("campaigns.Campaign", 0)
    return {"published snapshots": snapshots, "test campaigns": campaigns}
