"""Reads for the training plan dashboard.

Definition of "achieved" (stated on the page too): a learner of target group G counts as achieved in year Y if in Y
they either received a certificate that is not revoked (any course), or passed (graded, passed) a quiz attempt
submitted in Y that belongs to a published test campaign: a campaign with at least one published result snapshot,
on the attempt's quiz, whose window contains the day the attempt was started (campaigns says which attempts those
are, through `achievements`: training does not import campaigns), or attended a session of an awareness programme
that the province counts towards the plan (events says who, through `achievements` too). Each learner counts once
per year.
The target group is the learner's current one. For focal points, certificates count by the learner's current unit
and attempts by the unit recorded on the attempt when it was started.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q
from django.http import Http404

from hocso.access.scoping import scope_for_user
from hocso.assessment.models import Attempt, AttemptState
from hocso.core.actors import Actor
from hocso.core.scoping import UnitScope
from hocso.org.models import TargetGroup
from hocso.people.models import Learner

from ..models import Certificate, CertificateKind, TrainingPlan
from ..permissions import can_see_plans
from .achievements import counted_attempts, counted_learners


def plans(*, actor: Actor):
    """Plans are province-wide documents: every admin and focal point sees all of them."""
    if not can_see_plans(actor):
        return TrainingPlan.objects.none()
    return TrainingPlan.objects.all()


def plan_get(*, actor: Actor, pk: int) -> TrainingPlan:
    plan = plans(actor=actor).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def achieved_counts(*, scope: UnitScope, years: list[int]) -> dict[tuple[int, int], int]:
    """{(year, target group id): distinct learners who achieved}, one aggregated query per year.

    Who achieved is asked as `id IN (the year's certified or counted learners)`, subqueries that do not depend on
    the person: each is computed once, where an EXISTS per person re-ran the campaign check for every attempt of
    every person (28 s on the demo's SQLite with 7,700 attempts; now well under a second)."""
    result: dict[tuple[int, int], int] = {}
    for year in years:
        # Course certificates; a participation certificate counts only if its programme does (counted_learners).
        certified = Certificate.objects.filter(revoked_at__isnull=True, issued_at__year=year,
                                               kind=CertificateKind.COURSE)
        # A certificate counts where the person works now, an attempt where it was sat (its own unit).
        achieved = scope.q("unit__path") & Q(pk__in=certified.values("learner_id"))
        passed = Attempt.objects.filter(scope.q("unit__path"), state=AttemptState.GRADED, passed=True,
                                        submitted_at__year=year)
        for counted in counted_attempts(passed):
            achieved |= Q(pk__in=counted.values("learner_id"))
        for learner_ids in counted_learners(scope, year):
            achieved |= Q(pk__in=learner_ids)
        rows = (
            Learner.objects.filter(target_group__isnull=False).filter(achieved)
            .values("target_group_id").annotate(n=Count("pk", distinct=True)).order_by()
        )
        for row in rows:
            result[(year, row["target_group_id"])] = row["n"]
    return result


@dataclass
class Cell:
    target: int
    achieved: int

    @property
    def percent(self) -> float | None:
        """achieved / target in percent, one decimal; None without a target."""
        if not self.target:
            return None
        return round(100 * self.achieved / self.target, 1)

    @property
    def bar(self) -> int:
        """The <progress> value: a whole number capped at 100 so over-achievement shows a full bar."""
        return min(round(self.percent or 0), 100)


@dataclass
class YearRow:
    year: int
    cells: list[tuple[TargetGroup, Cell]] = field(default_factory=list)
    total: Cell = field(default_factory=lambda: Cell(0, 0))


@dataclass
class Progress:
    """`total` is the plan as a whole: the targets of every year against the people achieved in the years that
    have a target (a year without one, say before the plan set any, counts towards nothing; a person who achieved
    in two such years counts in both). `targeted_years` are those years, `untargeted_years` the others."""

    plan: TrainingPlan
    groups: list[TargetGroup]
    years: list[YearRow]
    total: Cell
    scoped: bool
    targeted_years: list[int] = field(default_factory=list)
    untargeted_years: list[int] = field(default_factory=list)


def plan_progress(*, actor: Actor, plan: TrainingPlan) -> Progress:
    """Target against achieved per year and target group, restricted to the actor's units."""
    scope = scope_for_user(actor)
    targets = {(t.year, t.target_group_id): t.target_count for t in plan.targets.all()}
    group_ids = {g for _y, g in targets}
    groups = list(TargetGroup.objects.filter(Q(pk__in=group_ids) | Q(is_active=True)))
    achieved = achieved_counts(scope=scope, years=plan.years)
    rows: list[YearRow] = []
    grand = Cell(0, 0)
    for year in plan.years:
        row = YearRow(year=year)
        for group in groups:
            cell = Cell(targets.get((year, group.pk), 0), achieved.get((year, group.pk), 0))
            row.cells.append((group, cell))
            row.total.target += cell.target
            row.total.achieved += cell.achieved
        if row.total.target:
            grand.target += row.total.target
            grand.achieved += row.total.achieved
        rows.append(row)
    return Progress(plan=plan, groups=groups, years=rows, total=grand, scoped=not scope.everything,
                    targeted_years=[r.year for r in rows if r.total.target],
                    untargeted_years=[r.year for r in rows if not r.total.target])


HOME_CACHE_SECONDS = 300


def plan_year_progress(*, actor: Actor, year: int) -> tuple[TrainingPlan, YearRow] | None:
    """The newest plan covering `year` and its progress that year per target group, in the actor's units (the home
    page). The achieved counts read every learner, so the row is cached for HOME_CACHE_SECONDS per plan (and its last
    change), year and scope."""
    plan = plans(actor=actor).filter(start_year__lte=year, end_year__gte=year).first()
    if plan is None:
        return None
    scope = scope_for_user(actor)
    paths = "*" if scope.everything else ",".join(sorted(scope.paths))
    digest = hashlib.sha256(paths.encode()).hexdigest()[:16]
    key = f"home:plan:{plan.pk}:{plan.updated_at.timestamp()}:{year}:{digest}"
    row = cache.get(key)
    if row is None:
        targets = {t.target_group_id: t.target_count for t in plan.targets.filter(year=year)}
        groups = list(TargetGroup.objects.filter(Q(pk__in=list(targets)) | Q(is_active=True)))
        achieved = achieved_counts(scope=scope, years=[year])
        row = YearRow(year=year)
        for group in groups:
            cell = Cell(targets.get(group.pk, 0), achieved.get((year, group.pk), 0))
            if cell.target or cell.achieved:
                row.cells.append((group, cell))
                row.total.target += cell.target
                row.total.achieved += cell.achieved
        cache.set(key, row, HOME_CACHE_SECONDS)
    return plan, row
