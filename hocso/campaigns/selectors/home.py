"""What the home page shows of the open campaigns: where the viewer's people stand, the agencies furthest behind,
and who has not started or not passed yet.

The figures come from the live audience (`selectors.audience`), grouped once by (agency, status). On a province of
25,000 people that one query costs about a second, so a summary is kept in the cache for `HOME_CACHE_SECONDS`
per campaign (and its last change) and viewer's scope: the home page says when its figures were computed, and the
follow-up and results pages stay live.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Case, Count, IntegerField, Value, When
from django.utils import timezone

from hocso.core.scoping import scope_of
from hocso.org.models import Unit

from ..models import Campaign
from . import STEP, Status, audience, campaign_lines, campaigns_visible
from .results import Figures, subtree_key

HOME_CACHE_SECONDS = 300
OPEN_CAMPAIGNS_SHOWN = 3


def open_campaigns_visible(*, actor, today: dt.date | None = None) -> list[Campaign]:
    """The campaigns open today whose audience touches the actor's scope, closing soonest first."""
    today = today or timezone.localdate()
    qs = campaigns_visible(actor=actor).filter(opens_on__lte=today, closes_on__gte=today)
    return list(qs.prefetch_related("target_groups").order_by("closes_on", "pk")[:OPEN_CAMPAIGNS_SHOWN])


@dataclass
class UnitFigures:
    unit: Unit
    figures: Figures
    direct: bool = False  # the people directly in the viewer's own unit, not in one of its sub-units


@dataclass
class CampaignSummary:
    campaign: Campaign
    counts: dict[str, int]  # people of the viewer's scope per Status
    overall: Figures
    behind: list[UnitFigures] = field(default_factory=list)  # the units furthest behind, lowest participation first
    to_follow: list = field(default_factory=list)  # (learner name, unit name, status, learner pk): not started first
    computed_at: dt.datetime | None = None

    @property
    def not_started(self) -> int:
        return self.counts.get(Status.NOT_STARTED, 0)

    @property
    def in_progress(self) -> int:
        return self.counts.get(Status.IN_PROGRESS, 0) + self.counts.get(Status.AWAITING_GRADING, 0)

    @property
    def failed(self) -> int:
        return self.counts.get(Status.FAILED, 0)


def _group_depth(actor) -> int:
    """The level the summary compares: the agencies (level 1) for the whole province, else the level below the
    viewer's highest unit."""
    scope = scope_of(actor)
    if scope.everything or not scope.paths:
        return 1
    return min(len(path) // STEP for path in scope.paths)


def _figures(counts: dict[str, int]) -> Figures:
    audience = sum(counts.values())
    passed, failed = counts.get(Status.PASSED, 0), counts.get(Status.FAILED, 0)
    return Figures(audience=audience, participants=audience - counts.get(Status.NOT_STARTED, 0),
                   passed=passed, graded=passed + failed)


def _cache_key(actor, campaign: Campaign, behind: int, people: int) -> str:
    scope = scope_of(actor)
    paths = "*" if scope.everything else ",".join(sorted(scope.paths))
    digest = hashlib.sha256(paths.encode()).hexdigest()[:16]
    changed = campaign.updated_at.timestamp() if campaign.updated_at else 0
    return f"home:campaign:{campaign.pk}:{changed}:{digest}:{behind}:{people}"


def campaign_summary(*, actor, campaign: Campaign, behind: int = 5, people: int = 0) -> CampaignSummary:
    """The campaign seen from the actor's scope: counts per status; the `behind` units (one level below the
    viewer's highest unit, or the people directly in it) with the lowest participation, leaving out those where
    everyone passed; the first `people` not started or failed (by name). Cached for HOME_CACHE_SECONDS;
    `computed_at` says when it was read."""
    key = _cache_key(actor, campaign, behind, people)
    summary = cache.get(key)
    if summary is not None:
        summary.campaign = campaign
        return summary
    depth = _group_depth(actor)
    rows = audience(campaign, lines=campaign_lines(campaign)).filter(scope_of(actor).q("unit__path"))
    per_unit: dict[str, dict[str, int]] = {}
    counts = {status: 0 for status in Status.ALL}
    for row in (rows.annotate(group_key=subtree_key(depth)).values("group_key", "status")
                .annotate(n=Count("pk")).order_by()):
        per_unit.setdefault(row["group_key"], {})[row["status"]] = row["n"]
        counts[row["status"]] += row["n"]
    # A key shorter than the level's is a unit above it: the people directly in it (a commune's own staff).
    units = {u.path: u for u in Unit.objects.filter(path__in=list(per_unit))} if behind else {}
    ranked = [UnitFigures(unit=units[p], figures=_figures(c), direct=units[p].depth < depth)
              for p, c in per_unit.items() if p in units]
    ranked = [r for r in ranked if r.figures.passed < r.figures.audience]  # everyone passed: not behind
    ranked.sort(key=lambda r: (r.figures.participation_rate or 0, r.figures.pass_rate or 0, r.unit.sort_key))
    to_follow = []
    if people:
        first = Case(When(status=Status.NOT_STARTED, then=Value(0)), default=Value(1), output_field=IntegerField())
        follow = (rows.filter(status__in=[Status.NOT_STARTED, Status.FAILED]).annotate(first=first)
                  .select_related("learner", "unit").order_by("first", "learner__sort_key", "pk")[:people])
        to_follow = [(row.learner.full_name, row.unit.name, row.status, row.learner_id) for row in follow]
    summary = CampaignSummary(campaign=campaign, counts=counts, overall=_figures(counts), behind=ranked[:behind],
                              to_follow=to_follow, computed_at=timezone.now())
    cache.set(key, summary, HOME_CACHE_SECONDS)
    return summary
