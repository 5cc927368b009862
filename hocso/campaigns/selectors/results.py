"""Results of a campaign per unit and per target group, the agencies' ranking, and the charts' data."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median

from django.conf import settings
from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from hocso.core.formatting import number
from hocso.core.scoping import scope_of
from hocso.org.models import TargetGroup, Unit
from hocso.people.models import Membership

from ..disclosure import public_figures
from ..models import Campaign, Snapshot, SnapshotRow
from . import BINS, STEP, Status, _ancestor_prefixes, audience

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


# --- charts ----------------------------------------------------------------------------------------------

CHART_UNITS = 500  # bars in the units chart at most (a level of the tree has far fewer; the table lists them all)
TREND_UNITS = 300  # units offered in the trend chart's chooser at most
TREND_LINES = 8  # lines drawn at once (static/campaigns/charts.js keeps to it)
BARS_SHOWN = 10  # the units chart shows the top and the bottom BARS_SHOWN until "show all"


def published_trend(unit_ids: list[int], *, chosen: list[int] | None = None) -> dict:
    """The same units across every published campaign, oldest first, from each campaign's newest snapshot:
    {"periods": [...], "units": [{"id", "name", "pass_rate": [...], "participation_rate": [...]}], "chosen": [...]};
    a unit missing from a snapshot, or whose figures are withheld there (small group), gets None. "chosen" are the
    units drawn until the viewer picks others (`chosen`, or the first unit; at most TREND_LINES). Two queries,
    however many campaigns there are."""
    newest = Snapshot.objects.filter(campaign_id=OuterRef("campaign_id")).order_by("-version").values("pk")[:1]
    snaps = list(
        Snapshot.objects.filter(pk=Subquery(newest)).order_by("opens_on", "campaign_id").values_list("pk", "period")
    )
    ids = list(dict.fromkeys(unit_ids))[:TREND_UNITS]
    index = {pk: i for i, (pk, _period) in enumerate(snaps)}
    series: dict[int, dict] = {}
    rows = (
        SnapshotRow.objects.filter(snapshot_id__in=index, unit_id__in=ids)
        .values_list("snapshot_id", "unit_id", "unit_name", "total", "suppression")
    )
    for snap_id, unit_id, name, figures, suppression in rows:
        total = public_figures(figures, suppression.get("total"))  # published figures: small groups withheld
        line = series.setdefault(unit_id, {"id": unit_id, "name": name, "pass_rate": [None] * len(snaps),
                                           "participation_rate": [None] * len(snaps)})
        line["pass_rate"][index[snap_id]] = total.get("pass_rate")
        line["participation_rate"][index[snap_id]] = total.get("participation_rate")
    units = [series[i] for i in ids if i in series]
    offered = {line["id"] for line in units}
    picked = [i for i in dict.fromkeys(chosen or []) if i in offered][:TREND_LINES]
    if not picked and units:
        picked = [units[0]["id"]]
    return {"periods": [period for _pk, period in snaps], "units": units, "chosen": picked}


def chart_data(*, units: list[tuple[str, dict]], distribution: list[int], trend: dict) -> dict:
    """What static/campaigns/charts.js draws: plain numbers and names, nothing personal. `units` are (name,
    figures) with withheld figures already None (a published snapshot's rows go through disclosure.public_figures):
    a withheld figure is never charted, only left out. "bars" is how many bars the units chart shows before "show
    all" (the page reserves their height, so nothing moves when the chart is drawn)."""
    shown = units[:CHART_UNITS]
    counts = {m: sum(1 for _n, f in shown if f.get(m) is not None) for m in ("pass_rate", "participation_rate")}
    measure = "pass_rate" if counts["pass_rate"] or not counts["participation_rate"] else "participation_rate"
    return {
        "units": {
            "names": [name for name, _f in shown],
            "pass_rate": [f.get("pass_rate") for _n, f in shown],
            "participation_rate": [f.get("participation_rate") for _n, f in shown],
            "measure": measure,
            "bars": min(counts[measure], 2 * BARS_SHOWN),
            "each_end": BARS_SHOWN,
        },
        "distribution": {"labels": [f"{10 * i}–{10 * i + 10}" for i in range(BINS)], "counts": list(distribution)},
        "trend": trend if len(trend.get("periods", [])) > 1 else {"periods": [], "units": [], "chosen": []},
        "trend_lines": TREND_LINES,
    }


def chart_texts(charts: dict) -> dict:
    """What the page says around the charts, in the viewer's language, and the same sentences with {placeholders}
    for static/campaigns/charts.js to fill when the viewer sorts by another measure or shows every bar. The first
    note is written here so that the script changes nothing on the page until the viewer acts."""
    units = charts["units"]
    measure = units.get("measure", "pass_rate")
    charted = sum(1 for value in units.get(measure, []) if value is not None)
    each = units.get("each_end", BARS_SHOWN)
    measures = {"pass_rate": _("pass rate"), "participation_rate": _("participation")}
    ends = _("Units charted: the %(each)s highest and the %(each)s lowest of %(total)s, by %(measure)s.")
    every = _("Units charted: all %(total)s, by %(measure)s, highest first.")
    left_out = _("Not charted for want of a figure (nobody with a result yet, or withheld to protect a small "
                 "group): %(n)s.")
    show_all = _("Show all %(total)s units")
    show_ends = _("Show only the %(each)s highest and the %(each)s lowest")
    placeholders = {"each": "{each}", "total": "{total}", "measure": "{measure}", "n": "{n}"}
    values = {"each": number(each), "total": number(charted), "measure": measures[measure],
              "n": number(len(units.get("names", [])) - charted)}
    note = (ends if charted > 2 * each else every) % values
    if charted < len(units.get("names", [])):
        note = f"{note} {left_out % values}"
    return {
        "note": note,
        "more": charted > 2 * each,
        "show_all": show_all % values,
        "templates": {"ends": ends % placeholders, "every": every % placeholders, "left_out": left_out % placeholders,
                      "show_all": show_all % placeholders, "show_ends": show_ends % placeholders, **{
                          f"measure_{key}": name for key, name in measures.items()}},
    }


def chart_tables(charts: dict) -> dict:
    """The charts' figures as the tables under each chart (for screen readers and anyone who prefers numbers):
    the units charted, by pass rate then participation (highest first); the score bands; the trend of every
    unit offered, one row per unit and a column per period. Withheld figures are None here as in the charts."""
    units = charts["units"]
    rows = [(name, rate, share) for name, rate, share in
            zip(units["names"], units["pass_rate"], units["participation_rate"], strict=True)
            if rate is not None or share is not None]
    rows.sort(key=lambda r: (r[1] is None, -(r[1] or 0), r[2] is None, -(r[2] or 0), r[0]))
    distribution = charts["distribution"]
    return {
        "units": rows,
        "distribution": list(zip(distribution["labels"], distribution["counts"], strict=True))
        if distribution["counts"] else [],
        "trend": [(line["name"], line["pass_rate"]) for line in charts["trend"]["units"]],
        "texts": chart_texts(charts),
    }


def viewer_units(actor) -> list[int]:
    """The units a signed-in viewer answers for, the trend chart's first lines: a focal point's own units, the
    top of the tree for the province."""
    scope = scope_of(actor)
    if scope.everything:
        return list(Unit.objects.filter(parent__isnull=True).order_by("sort_key").values_list("pk", flat=True))
    return list(Unit.objects.filter(path__in=scope.paths).order_by("sort_key").values_list("pk", flat=True))
