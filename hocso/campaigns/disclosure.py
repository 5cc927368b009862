"""What a published snapshot may show: the minimum group size, applied once for every public or keyed output.

Each snapshot row has two cells, the unit's own people and its subtree, and each cell two groups of figures:

- the audience figures (audience, participants, participation rate) describe the audience;
- the results figures (people with a result, passed, pass rate, mean, median, score bands) describe the people
  with a result.

A group of 1..k-1 people (k = HOCSO_MIN_GROUP_SIZE) is withheld and shown as "< k"; further cells are withheld,
shown as "*", where subtraction from a parent's total would otherwise give a small group back
(hocso.core.disclosure). The audience groups are protected first; a cell whose audience figures are withheld has
its results withheld too, and the results groups are then protected in turn. Totals keep everyone: a withheld unit's
people are in its parent's figures.

`suppression_masks` runs when a snapshot is published (and by migration 0002 for the snapshots published before);
the masks are stored on the rows, and `public_figures` / `marked` apply them in every output: the public board, the
widget, the IOC feed, the .csv/.xlsx/.pdf files and the trend chart.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext as _

from hocso.core.disclosure import OWN, TOTAL, protect
from hocso.org.models import SEGMENT_WIDTH

AUDIENCE = "audience"
RESULTS = "results"
AUDIENCE_FIGURES = ("audience", "participants", "participation_rate")
RESULT_FIGURES = ("graded", "passed", "pass_rate", "mean", "median", "distribution")
SMALL_GROUP = "small_group"  # the group has 1..k-1 people
COMPLEMENTARY = "complementary"  # withheld so that a small group cannot be recovered by subtraction
COMPLEMENTARY_MARK = "*"
STEP = SEGMENT_WIDTH + 1


def min_group_size() -> int:
    return settings.HOCSO_MIN_GROUP_SIZE


def small_mark(k: int) -> str:
    return f"< {k}"


def audience_size(figures: dict) -> int:
    return int(figures.get("audience") or 0)


def results_size(figures: dict) -> int:
    """People with a result. Snapshots published before "graded" was stored: the people in the score bands."""
    graded = figures.get("graded")
    return int(graded) if graded is not None else sum(figures.get("distribution") or [])


def suppression_masks(rows: Iterable[tuple[str, dict, dict]], k: int) -> dict[str, dict]:
    """{path: {"own": {"audience": reason, "results": reason}, "total": {...}}} for the (path, own, total) rows of one
    snapshot; only withheld groups are listed, with the reason SMALL_GROUP or COMPLEMENTARY."""
    rows = list(rows)
    paths = {path for path, _own, _total in rows}
    parents = {path: path[:-STEP] if path[:-STEP] in paths else None for path in paths}
    figures = {(OWN, path): own for path, own, _total in rows} | {(TOTAL, path): total for path, _own, total in rows}

    def sizes(kind: str, measure) -> dict[str, int]:
        return {path: measure(figures[kind, path]) for path in paths}

    audience_hidden = protect(parents, sizes(OWN, audience_size), sizes(TOTAL, audience_size), k)
    results_hidden = protect(parents, sizes(OWN, results_size), sizes(TOTAL, results_size), k,
                             withheld=audience_hidden)
    masks: dict[str, dict] = {}
    for cell in results_hidden:
        kind, path = cell
        people, with_result = audience_size(figures[cell]), results_size(figures[cell])
        mask = masks.setdefault(path, {}).setdefault(kind, {})
        if cell in audience_hidden:
            mask[AUDIENCE] = SMALL_GROUP if 0 < people < k else COMPLEMENTARY
        small = 0 < with_result < k or (with_result == 0 and mask.get(AUDIENCE) == SMALL_GROUP)
        mask[RESULTS] = SMALL_GROUP if small else COMPLEMENTARY
    return masks


def public_figures(figures: dict, mask: dict | None) -> dict:
    """A cell's figures as every public or keyed output gives them: withheld figures are None, "suppressed" says
    whether any is, and "suppression" why ({"audience": None | "small_group" | "complementary", "results": ...})."""
    mask = mask or {}
    public = {**{name: figures.get(name) for name in (*AUDIENCE_FIGURES, *RESULT_FIGURES)},
              "graded": results_size(figures)}
    for group, names in ((AUDIENCE, AUDIENCE_FIGURES), (RESULTS, RESULT_FIGURES)):
        if mask.get(group):
            public.update(dict.fromkeys(names))
    public["suppressed"] = bool(mask.get(AUDIENCE) or mask.get(RESULTS))
    public["suppression"] = {AUDIENCE: mask.get(AUDIENCE), RESULTS: mask.get(RESULTS)}
    return public


def marked(public: dict, k: int) -> dict:
    """Public figures for a page or a file: each withheld figure replaced by its mark, "< k" for a group under k
    people and "*" for a cell withheld against subtraction; figures with no value (nobody) stay None."""
    shown = dict(public)
    for group, names in ((AUDIENCE, AUDIENCE_FIGURES), (RESULTS, RESULT_FIGURES)):
        reason = public["suppression"][group]
        if reason:
            shown.update(dict.fromkeys(names, small_mark(k) if reason == SMALL_GROUP else COMPLEMENTARY_MARK))
    return shown


def suppression_rule(k: int) -> str:
    """The rule as the board, the widget and the reports state it."""
    return _("“%(small)s”: a group of fewer than %(k)s people, whose figures are not published; “%(other)s”: "
             "figures withheld as well so that a small group cannot be worked out by subtraction. Totals still count "
             "everyone.") % {"small": small_mark(k), "k": k, "other": COMPLEMENTARY_MARK}


def suppression_rule_short(k: int) -> str:
    """The rule in a few words, for the widget."""
    return _("“%(small)s”, “%(other)s”: not published, to protect groups of fewer than %(k)s people.") % {
        "small": small_mark(k), "k": k, "other": COMPLEMENTARY_MARK}
