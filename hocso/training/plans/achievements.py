"""Which passed quiz attempts, and which other people, count towards the training plan: registries that higher apps
fill.

Training knows quizzes and attempts (assessment is below it) but not why a test was sat. An app above training that
does know (campaigns: "sat in a published test campaign") registers, in its `AppConfig.ready()`, a function that
narrows a queryset of passed attempts to those that count; training never imports it. With nothing registered, only
certificates count.

    # hocso/campaigns/apps.py
    def ready(self):
        from hocso.training.plans.achievements import register_counted_attempts
        from .selectors import attempts_in_published_campaigns
        register_counted_attempts(attempts_in_published_campaigns)
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet

from hocso.assessment.models import Attempt
from hocso.core.scoping import UnitScope

CountedAttempts = Callable[[QuerySet[Attempt]], QuerySet[Attempt]]

_counted: list[CountedAttempts] = []


def register_counted_attempts(narrow: CountedAttempts) -> None:
    """`narrow(attempts)` returns the attempts (passed ones, of a given learner and year) that count as achieved.
    Registering the same function twice keeps one."""
    if narrow not in _counted:
        _counted.append(narrow)


def counted_attempts(attempts: QuerySet[Attempt]) -> list[QuerySet[Attempt]]:
    """The registered narrowings of `attempts`, one queryset each (empty when nobody registered any)."""
    return [narrow(attempts) for narrow in _counted]


# `learners(scope, year)`: the ids of the people who achieved in `year` by something training does not know (an
# awareness programme the province counts towards its plan: hocso.events), where the scope covers where they did.
CountedLearners = Callable[[UnitScope, int], QuerySet]

_learners: list[CountedLearners] = []


def register_counted_learners(learners: CountedLearners) -> None:
    if learners not in _learners:
        _learners.append(learners)


def counted_learners(scope: UnitScope, year: int) -> list[QuerySet]:
    return [learners(scope, year) for learners in _learners]
