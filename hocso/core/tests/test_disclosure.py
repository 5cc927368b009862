"""Small-group protection (hocso.core.disclosure) against an attacker who sees every shown cell and subtracts.

The attacker here is written independently of the module: it repeatedly solves any equation with one unknown left
(a fixpoint), flags equations whose unknown cells sum to 1..k-1 people, checks exact linear recovery by Gaussian
elimination over the rationals, and enumerates the sums revealed by adding the equations of connected sets of units.
"""

from __future__ import annotations

import random
import time
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hocso.core.disclosure import OWN, TOTAL, protect

from .disclosure_attack import equations, fixpoint

SIZES = [0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 9, 12, 30]


def totals_of(parents: dict, own: dict) -> dict:
    total = dict(own)
    for unit in sorted(parents, reverse=True):  # children have larger numbers than their parents here
        if parents[unit] is not None:
            total[parents[unit]] += total[unit]
    return total


def size_of(cell, own, total) -> int:
    return own[cell[1]] if cell[0] == OWN else total[cell[1]]


def rank(rows: list[list[Fraction]]) -> int:
    rows = [list(r) for r in rows]
    result, column = 0, 0
    width = len(rows[0]) if rows else 0
    while result < len(rows) and column < width:
        pivot = next((i for i in range(result, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            column += 1
            continue
        rows[result], rows[pivot] = rows[pivot], rows[result]
        for i in range(len(rows)):
            if i != result and rows[i][column] != 0:
                factor = rows[i][column] / rows[result][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[result], strict=True)]
        result += 1
        column += 1
    return result


def linearly_recoverable(parents, hidden: set) -> set:
    """Hidden cells whose value follows from the shown ones by any linear combination of the equations."""
    unknown = sorted(hidden, key=repr)
    if not unknown:
        return set()
    position = {cell: i for i, cell in enumerate(unknown)}
    matrix = []
    for left, right in equations(parents):
        row = [Fraction(0)] * len(unknown)
        if left in position:
            row[position[left]] += 1
        for cell in right:
            if cell in position:
                row[position[cell]] -= 1
        matrix.append(row)
    base = rank(matrix)
    found = set()
    for cell, i in position.items():
        unit_row = [Fraction(int(j == i)) for j in range(len(unknown))]
        if rank([*matrix, unit_row]) == base:
            found.add(cell)
    return found


def revealed_sums(parents, hidden: set, own, total) -> list[int]:
    """For each unit with a shown total, the people in the hidden cells on the border of every connected set of
    units below it (adding those units' equations cancels the totals inside the set)."""
    children = {u: [c for c in parents if parents[c] == u] for u in parents}

    def borders(unit) -> set[int]:
        sums = {own[unit] if (OWN, unit) in hidden else 0}
        for child in children[unit]:
            stop = total[child] if (TOTAL, child) in hidden else 0
            options = {stop} | borders(child)
            sums = {a + b for a in sums for b in options}
        return sums

    found = []
    for unit in parents:
        if (TOTAL, unit) not in hidden:
            found.extend(borders(unit))
    return found


def assert_protected(parents, own, k, hidden):
    total = totals_of(parents, own)
    for cell in [(kind, u) for u in parents for kind in (OWN, TOTAL)]:
        if 0 < size_of(cell, own, total) < k:
            assert cell in hidden, f"{cell} holds {size_of(cell, own, total)} people and is shown"
    known = fixpoint(parents, hidden)
    leaked = {c for c in hidden & known if size_of(c, own, total) > 0}
    assert not leaked, f"recovered by subtraction: {leaked}"
    for left, right in equations(parents):
        if left in known:
            rest = sum(size_of(c, own, total) for c in right if c not in known)
            assert rest == 0 or rest >= k, f"the unknown cells of {left}'s equation hold {rest} people"
    exact = {c for c in linearly_recoverable(parents, hidden) if size_of(c, own, total) > 0}
    assert not exact, f"recovered by a combination of equations: {exact}"
    small = [s for s in revealed_sums(parents, hidden, own, total) if 0 < s < k]
    assert not small, f"a revealed sum holds {small[0]} people"


@st.composite
def trees(draw):
    n = draw(st.integers(1, 16))
    parents = {0: None}
    for unit in range(1, n):
        parents[unit] = draw(st.one_of(st.integers(0, unit - 1), st.just(None) if unit > 3 else st.nothing()))
    own = {u: draw(st.sampled_from(SIZES)) for u in parents}
    total = totals_of(parents, own)
    if total[0] == 0:
        own[0] = 1
    return parents, own, draw(st.integers(2, 6))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees())
def test_nothing_under_k_is_recoverable_from_random_trees(tree):
    parents, own, k = tree
    total = totals_of(parents, own)
    hidden = protect(parents, own, total, k)
    assert_protected(parents, own, k, hidden)


@settings(max_examples=200, deadline=None)
@given(trees(), st.data())
def test_cells_withheld_beforehand_stay_withheld_and_protected(tree, data):
    """The results figures are protected after the audience figures: what the first pass withheld stays withheld."""
    parents, own, k = tree
    total = totals_of(parents, own)
    first = protect(parents, own, total, k)
    results_own = {u: data.draw(st.integers(0, own[u])) for u in parents}
    results_total = totals_of(parents, results_own)
    hidden = protect(parents, results_own, results_total, k, withheld=first)
    assert first <= hidden
    assert_protected(parents, results_own, k, hidden)


def test_a_centre_whose_only_member_is_its_director():
    """The issue's example: a centre of one person under a department. Its cells are withheld, and so is one more
    cell of the department's equation, or the department's total minus the others would give the centre back."""
    parents = {"province": None, "department": "province", "centre": "department", "office": "department"}
    own = {"province": 0, "department": 12, "centre": 1, "office": 20}
    total = totals_of_named(parents, own)
    hidden = protect(parents, own, total, 5)
    assert {(OWN, "centre"), (TOTAL, "centre")} <= hidden
    assert (OWN, "department") in hidden  # the department's own people: the cell that cascades nowhere
    assert (TOTAL, "department") not in hidden and (TOTAL, "province") not in hidden
    assert_protected_named(parents, own, 5, hidden)


def test_two_small_siblings_protect_each_other_when_they_hold_k_together():
    parents = {"p": None, "a": "p", "b": "p", "c": "p"}
    own = {"p": 0, "a": 2, "b": 3, "c": 40}
    hidden = protect(parents, own, totals_of_named(parents, own), 5)
    assert hidden == {(OWN, "a"), (TOTAL, "a"), (OWN, "b"), (TOTAL, "b")}


def test_nothing_is_withheld_when_every_group_is_large_or_empty():
    parents = {"p": None, "a": "p", "b": "p"}
    own = {"p": 0, "a": 5, "b": 0}
    assert protect(parents, own, totals_of_named(parents, own), 5) == set()


def test_a_province_sized_tree_is_protected_in_well_under_a_second():
    """1,135 units (the demo province's shape: ~110 bodies, ~900 units below them), many of them small."""
    rng = random.Random(11)
    parents = {0: None}
    for body in range(1, 114):
        parents[body] = 0
    unit = 114
    while unit < 1135:
        parents[unit] = rng.randrange(1, 114) if unit % 9 else rng.randrange(114, unit)
        unit += 1
    own = {u: rng.choice([0, 1, 1, 2, 3, 4, 6, 8, 15, 40]) for u in parents}
    total = totals_of(parents, own)
    started = time.perf_counter()
    audience = protect(parents, own, total, 5)
    results_own = {u: rng.randint(0, own[u]) for u in parents}
    results = protect(parents, results_own, totals_of(parents, results_own), 5, withheld=audience)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, elapsed
    assert audience <= results
    for cells, sizes in ((audience, own), (results, results_own)):
        known = fixpoint(parents, cells)
        sizes_total = totals_of(parents, sizes)
        assert not {c for c in cells & known if size_of(c, sizes, sizes_total) > 0}


def totals_of_named(parents, own):
    total = dict(own)
    depth = {}
    for unit in parents:
        d, p = 0, parents[unit]
        while p is not None:
            d, p = d + 1, parents[p]
        depth[unit] = d
    for unit in sorted(parents, key=lambda u: -depth[u]):
        if parents[unit] is not None:
            total[parents[unit]] += total[unit]
    return total


def assert_protected_named(parents, own, k, hidden):
    names = list(parents)
    number = {name: i for i, name in enumerate(names)}
    assert all(parents[n] is None or number[parents[n]] < number[n] for n in names)
    assert_protected({number[n]: None if parents[n] is None else number[parents[n]] for n in names},
                     {number[n]: own[n] for n in names}, k, {(kind, number[n]) for kind, n in hidden})
