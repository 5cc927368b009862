"""A learner's open campaigns and where they stand (the home page's badge): one compiled statement per campaign,
kept while the campaigns are unchanged, giving what the audience's query gives for that person."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache

from hocso.campaigns.selectors import audience, open_campaigns_for
from hocso.campaigns.services import AudienceLine, campaign_update
from hocso.core.actors import SYSTEM
from hocso.org.models import TargetGroup

DAY = dt.date(2026, 11, 20)


def expected(campaign, people) -> dict[str, str | None]:
    found = {}
    for name, learner in people.items():
        row = audience(campaign).filter(learner_id=learner.pk).values("status").first()
        found[name] = row["status"] if row is not None else None
    return found


def statuses(campaign, people, today=DAY) -> dict[str, str | None]:
    found = {}
    for name, learner in people.items():
        mine = dict((c.pk, status) for c, status in open_campaigns_for(learner=learner, today=today))
        found[name] = mine.get(campaign.pk)
    return found


def test_each_persons_status_is_the_audiences(world, commune_b, django_assert_num_queries):
    cache.clear()
    campaign, _unit_m, _into, people = world
    assert statuses(campaign, people) == expected(campaign, people) == {
        "anh": "passed", "cuong": "failed", "dung": "not_started", "giang": "in_progress", "ha": "passed",
        "khanh": "passed", "lan": None, "minh": None}
    # Kept: the campaigns and the statement are read once; each person then costs one statement.
    with django_assert_num_queries(1):
        assert open_campaigns_for(learner=people["anh"], today=DAY) == [(campaign, "passed")]
    # Outside its window, nothing.
    assert open_campaigns_for(learner=people["anh"], today=dt.date(2027, 1, 1)) == []

    # Commune B left out, a target group chosen, one attempt allowed: saving the campaign forgets what was kept.
    civil = TargetGroup.objects.create(code="test_civil", name="Công chức thử")
    for name in ("anh", "cuong"):
        people[name].target_group = civil
        people[name].save(update_fields=["target_group"])
    campaign_update(actor=SYSTEM, campaign=campaign, lines=[
        AudienceLine(unit=campaign.audience_units.get().unit), AudienceLine(unit=commune_b, excluded=True),
    ], target_groups=[civil], attempts_allowed=1)
    assert statuses(campaign, people) == expected(campaign, people) == {
        "anh": "passed", "cuong": "failed", "dung": None, "giang": None, "ha": None, "khanh": None, "lan": None,
        "minh": None}

    # The quiz's grading changed: saving the quiz forgets it too.
    quiz = campaign.quiz
    quiz.pass_percent = 90
    quiz.save()
    campaign.refresh_from_db()
    assert statuses(campaign, people) == expected(campaign, people)
    assert statuses(campaign, people)["anh"] == "failed"
