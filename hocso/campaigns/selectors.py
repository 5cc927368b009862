"""Reads for campaigns: who is in the audience, where each person is counted, and the results per unit.

Audience rule (also shown on the campaign page and in docs/campaigns.md): a person belongs to a campaign's
audience if they had a membership in an audience unit at any time during the window (and are in one of the
campaign's target groups, if any are chosen). Someone who moved during the window is counted once, in the
audience unit of their latest membership that overlaps the window: the unit they belonged to when the window
closed, or, if they left or moved out of the audience before that, the unit they were in when they left.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr
from django.http import Http404
from django.utils import timezone

from hocso.assessment.models import Attempt, AttemptState
from hocso.assessment.quizzes.selectors import audience_overlap_q
from hocso.core.scoping import UnitScope
from hocso.identity.scoping import scope_of
from hocso.org.models import SEGMENT_WIDTH, Unit
from hocso.people.models import Learner, Membership

from .disclosure import marked, min_group_size, public_figures, suppression_rule
from .models import Campaign, CampaignUnit, Snapshot, SnapshotRow

STEP = SEGMENT_WIDTH + 1  # characters per level of a unit path
BINS = 10


class Status:
    """Where a person of the audience stands: a grade decides passed/failed; without one, an attempt submitted and
    waiting for an essay to be graded is "awaiting grading", one still open "in progress"."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    AWAITING_GRADING = "awaiting_grading"
    FAILED = "failed"
    PASSED = "passed"
    ALL = (NOT_STARTED, IN_PROGRESS, AWAITING_GRADING, FAILED, PASSED)


# --- campaigns ------------------------------------------------------------------------------------------


def _ancestor_prefixes(path: str) -> list[str]:
    return [path[:i] for i in range(STEP, len(path) + 1, STEP)]


def campaign_scope_q(scope: UnitScope) -> Q:
    """Campaigns whose audience touches the scope: an audience unit inside it, or above it with its subtree."""
    return audience_overlap_q(scope, "audience_units__unit__path", inside=Q(audience_units__excluded=False),
                              above=Q(audience_units__excluded=False, audience_units__include_subtree=True))


def campaigns_visible(*, actor) -> QuerySet[Campaign]:
    scope = scope_of(actor)
    qs = Campaign.objects.all()
    if not scope.everything:
        ids = Campaign.objects.filter(campaign_scope_q(scope)).values("pk")
        qs = qs.filter(pk__in=ids)
    return qs.select_related("quiz")


def campaign_get(*, actor, pk: int) -> Campaign:
    campaign = campaigns_visible(actor=actor).filter(pk=pk).first()
    if campaign is None:
        raise Http404("campaign")
    return campaign


def campaign_lines(campaign: Campaign) -> list[CampaignUnit]:
    return list(campaign.audience_units.select_related("unit").order_by("excluded", "unit__path"))


def effective_pass_percent(campaign: Campaign) -> Decimal:
    return campaign.pass_percent if campaign.pass_percent is not None else campaign.quiz.pass_percent


def effective_attempts(campaign: Campaign) -> int:
    return campaign.attempts_allowed if campaign.attempts_allowed is not None else campaign.quiz.attempts_allowed


def window_bounds(campaign: Campaign) -> tuple[dt.datetime, dt.datetime]:
    """[start of the opening day, start of the day after closing) in the site's time zone."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(campaign.opens_on, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(campaign.closes_on + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def is_open(campaign: Campaign, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return campaign.opens_on <= today <= campaign.closes_on


# --- the audience ---------------------------------------------------------------------------------------


def _audience_unit_q(lines: list[CampaignUnit]) -> Q:
    include = Q(pk__in=[])
    exclude = Q(pk__in=[])
    for line in lines:
        target = Q(unit__path__startswith=line.unit.path) if line.include_subtree else Q(unit_id=line.unit_id)
        if line.excluded:
            exclude |= target
        else:
            include |= target
    return include & ~exclude


def _window_memberships(campaign: Campaign, lines: list[CampaignUnit]) -> QuerySet[Membership]:
    qs = Membership.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=campaign.opens_on),
        start_date__lte=campaign.closes_on,
    ).filter(_audience_unit_q(lines))
    group_ids = [g.pk for g in campaign.target_groups.all()]
    if group_ids:
        qs = qs.filter(learner__target_group_id__in=group_ids)
    return qs


def _attempts(campaign: Campaign) -> QuerySet[Attempt]:
    start, end = window_bounds(campaign)
    return Attempt.objects.filter(
        quiz_id=campaign.quiz_id, learner_id=OuterRef("learner_id"), started_at__gte=start, started_at__lt=end
    )


def _grade_subquery(campaign: Campaign) -> Subquery:
    """The learner's grade for the campaign, by the quiz's grading method, from graded attempts in the window."""
    graded = _attempts(campaign).filter(state=AttemptState.GRADED)
    if campaign.attempts_allowed is not None:
        # The campaign's own limit: only the first N attempts started in the window count.
        start, end = window_bounds(campaign)
        earlier = (
            Attempt.objects.filter(quiz_id=campaign.quiz_id, learner_id=OuterRef("learner_id"),
                                   started_at__gte=start, started_at__lt=end, number__lt=OuterRef("number"))
            .order_by().values("learner_id").annotate(n=Count("pk")).values("n")
        )
        graded = graded.annotate(earlier=Coalesce(Subquery(earlier), 0)).filter(
            earlier__lt=campaign.attempts_allowed)
    method = campaign.quiz.grading_method
    if method == "first":
        return Subquery(graded.order_by("number").values("percent")[:1])
    if method == "last":
        return Subquery(graded.order_by("-number").values("percent")[:1])
    aggregate = Avg("percent") if method == "average" else Max("percent")
    return Subquery(graded.values("learner_id").annotate(g=aggregate).values("g")[:1])


def audience(campaign: Campaign, *, lines: list[CampaignUnit] | None = None) -> QuerySet[Membership]:
    """One Membership row per person in the audience: the one they are counted in, annotated with
    `grade` (percent or None), `started` (any attempt in the window), `awaiting` (a submitted attempt in the window
    waits for grading) and `status`."""
    lines = campaign_lines(campaign) if lines is None else lines
    base = _window_memberships(campaign, lines)
    later = base.filter(learner_id=OuterRef("learner_id")).filter(
        Q(start_date__gt=OuterRef("start_date")) | Q(start_date=OuterRef("start_date"), pk__gt=OuterRef("pk"))
    )
    pass_mark = effective_pass_percent(campaign)
    return (
        base.filter(~Exists(later))
        .annotate(grade=_grade_subquery(campaign), started=Exists(_attempts(campaign)),
                  awaiting=Exists(_attempts(campaign).filter(state=AttemptState.NEEDS_GRADING)))
        .annotate(
            status=Case(
                When(grade__gte=pass_mark, then=Value(Status.PASSED)),
                When(grade__isnull=False, then=Value(Status.FAILED)),
                When(awaiting=True, then=Value(Status.AWAITING_GRADING)),
                When(started=True, then=Value(Status.IN_PROGRESS)),
                default=Value(Status.NOT_STARTED),
                output_field=CharField(),
            )
        )
    )


def in_audience(campaign: Campaign, learner: Learner) -> bool:
    return audience(campaign).filter(learner_id=learner.pk).exists()


def campaign_limit_reached(*, quiz_id: int, learner: Learner, now: dt.datetime) -> Campaign | None:
    """An open campaign on this quiz, with its own attempts limit, that the learner (in its audience) has used
    up: the attempts they started in the campaign's window reached `attempts_allowed`. The start service refuses
    a new attempt then, so the rule shown on the campaign page is the rule the learner meets."""
    today = timezone.localdate(now)
    limited = Campaign.objects.filter(quiz_id=quiz_id, opens_on__lte=today, closes_on__gte=today,
                                      attempts_allowed__isnull=False).select_related("quiz")
    for campaign in limited:
        start, end = window_bounds(campaign)
        used = Attempt.objects.filter(quiz_id=quiz_id, learner_id=learner.pk, started_at__gte=start,
                                      started_at__lt=end).count()
        if used >= campaign.attempts_allowed and in_audience(campaign, learner):
            return campaign
    return None


def open_campaigns_for(*, learner: Learner, today: dt.date | None = None) -> list[tuple[Campaign, str]]:
    """(campaign, status) for the open campaigns whose audience includes the learner."""
    today = today or timezone.localdate()
    result = []
    for campaign in Campaign.objects.filter(opens_on__lte=today, closes_on__gte=today).select_related("quiz"):
        row = audience(campaign).filter(learner_id=learner.pk).values("status").first()
        if row is not None:
            result.append((campaign, row["status"]))
    return result


def follow_up(*, actor, campaign: Campaign, status: str = "", unit: Unit | None = None) -> QuerySet[Membership]:
    """The audience within the actor's scope (and `unit`'s subtree), people sorted by name."""
    qs = audience(campaign).filter(scope_of(actor).q("unit__path"))
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if status in Status.ALL:
        qs = qs.filter(status=status)
    return qs.select_related("learner", "unit", "learner__target_group").order_by("learner__sort_key", "pk")


# --- results --------------------------------------------------------------------------------------------


@dataclass
class Figures:
    """audience: people in the audience; participants: those who started an attempt in the window; graded: those
    with a result (a graded attempt); passed: those whose result reaches the pass mark. Participants without a
    result (an attempt still open, or waiting for an essay to be graded) are in no rate but the participation."""

    audience: int = 0
    participants: int = 0
    passed: int = 0
    graded: int = 0
    mean: Decimal | None = None
    median: Decimal | None = None
    distribution: list[int] = field(default_factory=lambda: [0] * BINS)

    @property
    def participation_rate(self) -> Decimal | None:
        return _rate(self.participants, self.audience)

    @property
    def pass_rate(self) -> Decimal | None:
        """Passed over the people with a result: someone still sitting the test or waiting for an essay to be
        graded is neither a pass nor a fail yet."""
        return _rate(self.passed, self.graded)

    def as_dict(self) -> dict:
        def num(value: Decimal | None) -> float | None:
            return None if value is None else float(value)

        return {
            "audience": self.audience,
            "participants": self.participants,
            "participation_rate": num(self.participation_rate),
            "graded": self.graded,
            "passed": self.passed,
            "pass_rate": num(self.pass_rate),
            "mean": num(self.mean),
            "median": num(self.median),
            "distribution": list(self.distribution),
        }


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(100) * part / whole).quantize(Decimal("0.1")) if whole else None


def _two(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def _aggregates() -> dict:
    bins = {}
    for i in range(BINS):
        low, high = 10 * i, 10 * (i + 1)
        condition = Q(grade__gte=low) & (Q(grade__lte=high) if i == BINS - 1 else Q(grade__lt=high))
        bins[f"bin{i}"] = Count("pk", filter=condition)
    return {
        "n_audience": Count("pk"),
        "n_participants": Count("pk", filter=Q(started=True)),
        "n_passed": Count("pk", filter=Q(status=Status.PASSED)),
        "n_graded": Count("pk", filter=Q(grade__isnull=False)),
        "grade_sum": Sum("grade"),
        **bins,
    }


def grouped_figures(rows: QuerySet[Membership], key) -> dict:
    """Figures per value of `key` (a field name or expression) in two aggregated queries: the counts, sums
    and score bins grouped in SQL, and the medians from one ordered list of grades (SQLite has no percentile
    aggregate)."""
    keyed = rows.annotate(group_key=key)
    result: dict = {}
    for row in keyed.values("group_key").annotate(**_aggregates()).order_by():
        graded = row["n_graded"]
        result[row["group_key"]] = Figures(
            audience=row["n_audience"],
            participants=row["n_participants"],
            passed=row["n_passed"],
            graded=graded,
            mean=_two(Decimal(row["grade_sum"]) / graded) if graded else None,
            distribution=[row[f"bin{i}"] for i in range(BINS)],
        )
    grades: dict = {}
    for group_key, grade in keyed.filter(grade__isnull=False).values_list("group_key", "grade").order_by(
        "group_key", "grade"
    ):
        grades.setdefault(group_key, []).append(Decimal(grade))
    for group_key, values in grades.items():
        result[group_key].median = _two(median(values))
    return result


def subtree_key(depth: int):
    """Groups rows by their unit's ancestor at `depth` (paths are fixed-width, so a prefix names it)."""
    return Substr(F("unit__path"), 1, STEP * (depth + 1))


def scoped_results(*, actor, campaign: Campaign) -> QuerySet[Membership]:
    return audience(campaign).filter(scope_of(actor).q("unit__path"))


@dataclass
class UnitResult:
    unit: Unit
    own: Figures
    total: Figures
    has_children: bool = False
    ranked: bool = True  # in agency_ranking: False for an agency below the minimum participation


def results_children(*, actor, campaign: Campaign, parent: Unit | None) -> list[UnitResult]:
    """Drill-down: the units directly below `parent` (or the top units the actor sees) that have people in
    the audience, each with figures for its own people and rolled up over its subtree."""
    rows = scoped_results(actor=actor, campaign=campaign)
    if parent is not None:
        rows = rows.filter(unit__path__startswith=parent.path)
        depth = parent.depth + 1
        candidates = Unit.objects.filter(parent=parent)
    else:
        scope = scope_of(actor)
        if scope.everything:
            depth, candidates = 0, Unit.objects.filter(parent__isnull=True)
        else:
            candidates = Unit.objects.filter(path__in=scope.paths)
            depth = None
    if depth is None:
        # A focal point's top level: their own units, which may sit at different depths.
        totals: dict = {}
        for unit in candidates:
            totals.update(grouped_figures(rows.filter(unit__path__startswith=unit.path), subtree_key(unit.depth)))
    else:
        totals = grouped_figures(rows, subtree_key(depth))
    own = grouped_figures(rows, F("unit_id"))
    units = list(candidates.filter(path__in=list(totals)).order_by("sort_key"))
    parents_with_children = set(
        Unit.objects.filter(parent__in=units).values_list("parent_id", flat=True).distinct()
    )
    return [
        UnitResult(unit=u, own=own.get(u.pk, Figures()), total=totals[u.path],
                   has_children=u.pk in parents_with_children)
        for u in units
    ]


def results_overall(*, actor, campaign: Campaign, unit: Unit | None = None) -> Figures:
    rows = scoped_results(actor=actor, campaign=campaign)
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    return grouped_figures(rows, Value(1)).get(1, Figures())


def results_by_group(*, actor, campaign: Campaign, unit: Unit | None = None) -> list[tuple[str, Figures]]:
    from hocso.org.models import TargetGroup

    rows = scoped_results(actor=actor, campaign=campaign)
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    figures = grouped_figures(rows, F("learner__target_group_id"))
    names = dict(TargetGroup.objects.filter(pk__in=[k for k in figures if k]).values_list("pk", "name"))
    return sorted(((names.get(k, ""), f) for k, f in figures.items()), key=lambda item: item[0])


@dataclass(frozen=True)
class RankingRule:
    min_participation: int  # percent of the audience
    min_results: int  # people with a result


def ranking_rule() -> RankingRule:
    return RankingRule(min_participation=settings.HOCSO_RANKING_MIN_PARTICIPATION,
                       min_results=settings.HOCSO_MIN_GROUP_SIZE)


def agency_ranking(*, actor, campaign: Campaign, depth: int = 1) -> list[UnitResult]:
    """Agencies (units at `depth`, by default the level below the province) ranked by pass rate, then
    participation rate, then mean score. An agency where fewer than the minimum share of the audience took part, or
    fewer than the minimum group size have a result, comes after the others, unranked (`ranked` False) and ordered by
    participation first: otherwise a handful of volunteers with good scores would put their agency at the top."""
    rule = ranking_rule()
    rows = scoped_results(actor=actor, campaign=campaign)
    totals = grouped_figures(rows, subtree_key(depth))
    units = {u.path: u for u in Unit.objects.filter(path__in=list(totals), depth=depth)}
    ranked = [UnitResult(unit=units[p], own=Figures(), total=f) for p, f in totals.items() if p in units]
    for result in ranked:
        result.ranked = ((result.total.participation_rate or 0) >= rule.min_participation
                         and result.total.graded >= rule.min_results)

    def order(r: UnitResult) -> tuple:
        pass_rate, participation = -(r.total.pass_rate or 0), -(r.total.participation_rate or 0)
        main = (pass_rate, participation) if r.ranked else (participation, pass_rate)
        return (not r.ranked, *main, -(r.total.mean or 0), r.unit.sort_key)

    ranked.sort(key=order)
    return ranked


class _Tally:
    """Figures accumulated one person at a time, finished with the same rules as `grouped_figures`' SQL."""

    __slots__ = ("audience", "bins", "grades", "participants", "passed")

    def __init__(self) -> None:
        self.audience = self.participants = self.passed = 0
        self.grades: list[Decimal] = []
        self.bins = [0] * BINS

    def add(self, grade: Decimal | None, started: bool, status: str) -> None:
        self.audience += 1
        self.participants += bool(started)
        self.passed += status == Status.PASSED
        if grade is not None:
            self.grades.append(grade)
            # Bins as in _aggregates(): [10i, 10i + 10), the last one closed at 100.
            if 0 <= grade <= 100:
                self.bins[min(int(grade // 10), BINS - 1)] += 1

    def figures(self) -> Figures:
        graded = len(self.grades)
        return Figures(
            audience=self.audience, participants=self.participants, passed=self.passed, graded=graded,
            mean=_two(sum(self.grades, Decimal(0)) / graded) if graded else None,
            median=_two(median(sorted(self.grades))) if graded else None,
            distribution=list(self.bins),
        )


def results_all_units(campaign: Campaign) -> list[UnitResult]:
    """Every unit with people in the audience, and all their ancestors, with own and subtree figures
    (for snapshots: unscoped). The audience is read once (one row per person: unit, grade, status) and rolled
    up here over every ancestor: one grouped query per tree level would evaluate the audience's correlated
    subqueries again for each level, which cost most of a snapshot on a province-sized audience."""
    own: dict[int, _Tally] = {}
    totals: dict[str, _Tally] = {}
    rows = audience(campaign).order_by().values_list("unit_id", "unit__path", "grade", "started", "status")
    for unit_id, path, grade, started, status in rows.iterator(chunk_size=5000):
        grade = None if grade is None else Decimal(grade)
        tally = own.get(unit_id)
        if tally is None:
            tally = own[unit_id] = _Tally()
        tally.add(grade, started, status)
        for prefix in _ancestor_prefixes(path):
            tally = totals.get(prefix)
            if tally is None:
                tally = totals[prefix] = _Tally()
            tally.add(grade, started, status)
    units = Unit.objects.filter(path__in=list(totals)).order_by("path")
    return [
        UnitResult(unit=u, own=own[u.pk].figures() if u.pk in own else Figures(),
                   total=totals[u.path].figures() if u.path in totals else Figures())
        for u in units
    ]


# --- snapshots ------------------------------------------------------------------------------------------


def snapshots_of(campaign: Campaign) -> QuerySet[Snapshot]:
    return campaign.snapshots.order_by("-version")


def latest_snapshot(campaign: Campaign) -> Snapshot | None:
    return snapshots_of(campaign).first()


# --- public board (published snapshots only: no personal data, no login) -----------------------------------


def published_boards(*, query: str = "") -> QuerySet[Snapshot]:
    """The newest snapshot of every published campaign, latest period first: what the public index lists.
    Only snapshot fields (frozen at publication), never the live campaign."""
    newest = Snapshot.objects.values("campaign_id").annotate(newest=Max("pk")).values("newest")
    snapshots = Snapshot.objects.filter(pk__in=newest)
    if query.strip():
        snapshots = snapshots.filter(period__icontains=query.strip())
    return snapshots.order_by("-closes_on", "-campaign_id")


def published_campaign(pk: int) -> tuple[Campaign, Snapshot]:
    """A campaign and its newest snapshot; 404 for campaigns never published."""
    snap = Snapshot.objects.filter(campaign_id=pk).select_related("campaign").order_by("-version").first()
    if snap is None:
        raise Http404("campaign")
    return snap.campaign, snap


@dataclass(frozen=True)
class PublicRow:
    """A snapshot row as every public or keyed output gives it (campaigns/disclosure.py): in `total` and `own`
    the figures of small groups are None, flagged in "suppressed"/"suppression"; `shown_total` and `shown_own` carry
    their marks instead ("< 5", "*") for pages and files."""

    unit_id: int | None
    unit_name: str
    agency_code: str
    admin_unit_code: str
    parent_unit_id: int | None
    depth: int
    path: str
    total: dict
    own: dict | None
    shown_total: dict
    shown_own: dict | None


def public_row(row: SnapshotRow, k: int, *, own: bool = True) -> PublicRow:
    total = row.public("total")
    own_figures = row.public("own") if own else None
    return PublicRow(
        unit_id=row.unit_id, unit_name=row.unit_name, agency_code=row.agency_code,
        admin_unit_code=row.admin_unit_code, parent_unit_id=row.parent_unit_id, depth=row.depth, path=row.path,
        total=total, own=own_figures, shown_total=marked(total, k),
        shown_own=marked(own_figures, k) if own_figures is not None else None,
    )


def public_rows(snap: Snapshot, rows: Iterable[SnapshotRow] | None = None, *, own: bool = True) -> list[PublicRow]:
    """`rows` of the snapshot (all of them, in tree order, by default) as published."""
    rows = snap.rows.order_by("path") if rows is None else rows
    return [public_row(row, snapshot_k(snap), own=own) for row in rows]


def snapshot_k(snap: Snapshot) -> int:
    """The minimum group size the snapshot's masks apply (set by campaign_publish, migration 0002 and
    `hocso protect_snapshots`, the only writers of snapshots)."""
    return snap.min_group_size or min_group_size()


def board_rows(snap: Snapshot, unit_id: int | None = None) -> tuple[PublicRow | None, list[PublicRow]]:
    """The snapshot rows directly below `unit_id` (or the top rows) plus the row for `unit_id` itself.
    The board shows subtree figures only: the `own` figures are not read (half the JSON to decode)."""
    rows = snap.rows.defer("own")
    if unit_id is None:
        top = rows.order_by("depth").first()
        below = rows.filter(depth=top.depth).order_by("unit_name") if top else rows.none()
        return None, public_rows(snap, below, own=False)
    current = rows.filter(unit_id=unit_id).first()
    if current is None:
        raise Http404("unit")
    below = rows.filter(parent_unit_id=unit_id, depth=current.depth + 1).order_by("unit_name")
    return public_row(current, snapshot_k(snap), own=False), public_rows(snap, below, own=False)


BOARD_CACHE_SECONDS = 600


def _board_distribution(shown: list[PublicRow]) -> list[int]:
    """The score bands of the rows shown, summed; none if a row's results are withheld (a partial sum would
    mislead, and a sum over other rows must not stand for it)."""
    if not shown or any(r.total["distribution"] is None for r in shown):
        return []
    return [sum(counts) for counts in zip(*(r.total["distribution"] for r in shown), strict=True)]


def board_context(pk: int, unit_id: int | None) -> dict:
    """What the public board shows for a campaign's newest snapshot at `unit_id` (or the top): the row itself,
    the rows below it and the charts, small groups withheld. A published snapshot never changes, so the figures are
    cached (per process); the key names the snapshot (id, publication time, minimum group size) and every campaign's
    snapshots (count and newest id), because the trend chart reads the newest snapshot of every campaign."""
    campaign, snap = published_campaign(pk)
    stamp = Snapshot.objects.aggregate(n=Count("pk"), newest=Max("pk"))
    key = (f"campaigns:board:{snap.pk}:{snap.published_at.timestamp()}:{snap.min_group_size}:{unit_id}:"
           f"{stamp['n']}:{stamp['newest']}")
    figures = cache.get(key)
    if figures is None:
        current, rows = board_rows(snap, unit_id)
        trend_ids = [r.unit_id for r in [*([current] if current else []), *rows] if r.unit_id]
        charts = chart_data(units=[(r.unit_name, r.total) for r in rows],
                            distribution=_board_distribution([current] if current is not None else rows),
                            trend=published_trend(trend_ids))
        figures = {"current": current, "rows": rows, "charts": charts}
        cache.set(key, figures, BOARD_CACHE_SECONDS)
    return {"campaign": campaign, "snapshot": snap, "suppression_rule": suppression_rule(snapshot_k(snap)),
            **figures}


def board_row(snap: Snapshot, unit_id: int) -> PublicRow:
    row = snap.rows.defer("own").filter(unit_id=unit_id).first()
    if row is None:
        raise Http404("unit")
    return public_row(row, snapshot_k(snap), own=False)


def campaign_warnings(campaign: Campaign, lines: list[CampaignUnit]) -> list[str]:
    """Settings of the quiz that would stop people in the audience from taking it (the quiz decides who may
    start an attempt; the campaign only counts)."""
    from django.utils.translation import gettext as _

    quiz = campaign.quiz
    warnings = []
    if not quiz.is_published:
        warnings.append(_("The quiz is not published: nobody can take it yet."))
    if quiz.audience_unit_id is not None:
        outside = [line.unit.name for line in lines if not line.excluded
                   and not line.unit.path.startswith(quiz.audience_unit.path)]
        if outside:
            warnings.append(_("The quiz is limited to %(unit)s, so people in %(units)s cannot take it.") % {
                "unit": quiz.audience_unit.name, "units": ", ".join(outside)})
    start, end = window_bounds(campaign)
    if quiz.open_at is not None and quiz.open_at > start:
        warnings.append(_("The quiz opens after the campaign starts."))
    if quiz.close_at is not None and quiz.close_at < end:
        warnings.append(_("The quiz closes before the campaign ends."))
    if not quiz.time_limit_minutes and quiz.close_at is None:
        # Attempts past a deadline are submitted by the overdue worker and before every snapshot; these have none.
        warnings.append(_("The quiz has neither a time limit nor a closing time, so an attempt left open never ends "
                          "by itself: its learner counts as taking part, without a result, until they submit it. "
                          "Give the quiz a time limit or a closing time."))
    return warnings


# --- charts ----------------------------------------------------------------------------------------------

CHART_UNITS = 30  # bars in the units chart (the tables below list them all)
TREND_UNITS = 8  # lines in the trend chart


def published_trend(unit_ids: list[int]) -> dict:
    """The same units across every published campaign, oldest first, from each campaign's newest snapshot:
    {"periods": [...], "units": [{"name", "pass_rate": [...], "participation_rate": [...]}]}; a unit missing
    from a snapshot, or whose figures are withheld there (small group), gets None. Two queries, however many
    campaigns there are."""
    newest = Snapshot.objects.filter(campaign_id=OuterRef("campaign_id")).order_by("-version").values("pk")[:1]
    snaps = list(
        Snapshot.objects.filter(pk=Subquery(newest)).order_by("opens_on", "campaign_id").values_list("pk", "period")
    )
    ids = list(unit_ids)[:TREND_UNITS]
    index = {pk: i for i, (pk, _period) in enumerate(snaps)}
    series: dict[int, dict] = {}
    rows = (
        SnapshotRow.objects.filter(snapshot_id__in=index, unit_id__in=ids)
        .values_list("snapshot_id", "unit_id", "unit_name", "total", "suppression")
    )
    for snap_id, unit_id, name, figures, suppression in rows:
        total = public_figures(figures, suppression.get("total"))  # published figures: small groups withheld
        line = series.setdefault(unit_id, {"name": name, "pass_rate": [None] * len(snaps),
                                           "participation_rate": [None] * len(snaps)})
        line["pass_rate"][index[snap_id]] = total.get("pass_rate")
        line["participation_rate"][index[snap_id]] = total.get("participation_rate")
    return {"periods": [period for _pk, period in snaps], "units": [series[i] for i in ids if i in series]}


def chart_data(*, units: list[tuple[str, dict]], distribution: list[int], trend: dict) -> dict:
    """What static/campaigns/charts.js draws: plain numbers and names, nothing personal."""
    shown = units[:CHART_UNITS]
    return {
        "units": {
            "names": [name for name, _f in shown],
            "pass_rate": [f.get("pass_rate") for _n, f in shown],
            "participation_rate": [f.get("participation_rate") for _n, f in shown],
        },
        "distribution": {"labels": [f"{10 * i}–{10 * i + 10}" for i in range(BINS)], "counts": list(distribution)},
        "trend": trend if len(trend.get("periods", [])) > 1 else {"periods": [], "units": []},
    }
