"""A campaign's own attempts limit, enforced when a learner starts a quiz (registered with the exam's start checks
in CampaignsConfig.ready(): assessment knows no campaign)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import ngettext

from hocso.assessment.exam.errors import ExamError
from hocso.assessment.models import Quiz
from hocso.people.models import Learner

from .selectors import campaign_limit_reached


def refuse_beyond_campaign_limit(quiz: Quiz, learner: Learner, now: dt.datetime) -> ExamError | None:
    """A quarterly campaign on this quiz may allow fewer attempts than the quiz: refuse a start beyond it."""
    campaign = campaign_limit_reached(quiz_id=quiz.pk, learner=learner, now=now)
    if campaign is None:
        return None
    return ExamError("campaign_attempts_used", ngettext(
        "You have used the %(count)s attempt the test campaign “%(title)s” allows (it counts the attempts "
        "started between %(opens)s and %(closes)s).",
        "You have used all %(count)s attempts the test campaign “%(title)s” allows (it counts the attempts "
        "started between %(opens)s and %(closes)s).",
        campaign.attempts_allowed,
    ) % {"count": campaign.attempts_allowed, "title": campaign.title,
         "opens": campaign.opens_on.strftime("%d/%m/%Y"), "closes": campaign.closes_on.strftime("%d/%m/%Y")})
