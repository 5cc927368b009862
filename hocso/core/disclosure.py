"""Small-group protection for a published tree of figures: which cells to withhold so that nobody can read, or
rebuild by subtraction, a figure about a group of 1..k-1 people.

The table. Every unit u of a tree has two cells: its own people O(u) and its whole subtree T(u). For every additive
figure (people, passed, people per score band, sum of scores) the cells obey one equation per unit:

    T(u) = O(u) + Σ T(c) over the children c of u          (for a unit without children: T(u) = O(u))

A cell's size is the number of people its figures describe. `protect` returns the cells to withhold:

1. primary: every cell of 1..k-1 people (0 is nobody: it is shown);
2. no withheld cell of one person or more is the only unknown of an equation, after adding every cell recovered
   that way (a withheld subtotal whose parts are all shown protects nothing);
3. no sum of withheld cells that subtraction reveals holds 1..k-1 people. Adding the equations of a connected set
   of units rooted at t cancels the subtotals inside it, so a shown T(t) reveals the sum of the withheld cells on
   the set's border: O(v) for the units v in the set and T(f) for the units f just below it. Every such sum must
   be 0 or at least k.

Why 2 and 3 are enough: each cell sits in at most two equations (O(u) in its unit's, T(u) in its unit's and its
parent's), so the equations form a tree, and any combination of them that eliminates the other unknowns is a sum
over a connected set of units as in 3. A cell that such a combination isolates is found by repeatedly solving the
equations with one unknown left (2); what else a combination can reveal is a border sum (3).

When a rule is broken, one more shown cell of the equation concerned is withheld (complementary suppression),
preferring cells that sit in one equation only (a unit's own people, a unit without children) so that nothing
cascades, and the smallest such cell that brings the unknown sum to k; the analysis then runs again until nothing is
broken. Withholding every cell breaks nothing, so this ends. Each round is linear in the number of units (sums are
tracked as bit sets capped at k), so a province of a thousand units takes milliseconds.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Literal

OWN: Literal["own"] = "own"
TOTAL: Literal["total"] = "total"
Cell = tuple[str, Hashable]  # (OWN or TOTAL, unit key)


class _Table:
    """Units numbered 0..n-1, parents before children; cell 2i is O(i), cell 2i+1 is T(i); equation i is unit i's."""

    def __init__(self, parents: Mapping[Hashable, Hashable | None], own: Mapping[Hashable, int],
                 total: Mapping[Hashable, int]) -> None:
        keys = list(parents)
        children_of: dict[Hashable, list[Hashable]] = {key: [] for key in keys}
        roots = []
        for key in keys:
            parent = parents[key]
            if parent is not None and parent in children_of:
                children_of[parent].append(key)
            else:
                roots.append(key)
        order: list[Hashable] = []
        stack = list(reversed(roots))
        while stack:  # depth-first, parents before children
            key = stack.pop()
            order.append(key)
            stack.extend(reversed(children_of[key]))
        if len(order) != len(keys):
            raise ValueError("the units do not form a tree")
        self.keys = order
        index = {key: i for i, key in enumerate(order)}
        self.parent = [index.get(parents[key], -1) for key in order]
        self.children = [[index[c] for c in children_of[key]] for key in order]
        self.size = [0] * (2 * len(order))
        for i, key in enumerate(order):
            self.size[2 * i] = int(own.get(key, 0) or 0)
            self.size[2 * i + 1] = int(total.get(key, 0) or 0)

    def equation(self, unit: int) -> list[int]:
        """The cells of a unit's equation: its total first, then its own people and its children's totals."""
        return [2 * unit + 1, 2 * unit, *(2 * c + 1 for c in self.children[unit])]

    def equations_of(self, cell: int) -> list[int]:
        unit = cell // 2
        if cell % 2 == 1 and self.parent[unit] >= 0:
            return [unit, self.parent[unit]]
        return [unit]

    def is_leafish(self, cell: int) -> bool:
        """A cell whose withholding cannot be undone from below: a unit's own people, or a childless unit."""
        return cell % 2 == 0 or not self.children[cell // 2]


def _recover(table: _Table, hidden: set[int]) -> tuple[dict[int, int], set[int]]:
    """Solve every equation left with one unknown, again and again. Returns {recovered cell: the equation that gave
    it} and the cells still unknown."""
    unknown = set(hidden)
    count = [sum(cell in unknown for cell in table.equation(u)) for u in range(len(table.keys))]
    queue = [u for u, n in enumerate(count) if n == 1]
    recovered: dict[int, int] = {}
    while queue:
        unit = queue.pop()
        if count[unit] != 1:
            continue
        cell = next(c for c in table.equation(unit) if c in unknown)
        unknown.discard(cell)
        recovered[cell] = unit
        for equation in table.equations_of(cell):
            count[equation] -= 1
            if count[equation] == 1:
                queue.append(equation)
    return recovered, unknown


def _small_border_sums(table: _Table, unknown: set[int], k: int) -> dict[int, int]:
    """{unit t with a known total: the smallest border sum of 1..k-1 people below it} (rule 3). Sums are bit sets:
    bit s set = a border sum of s people is possible; bit k stands for "k or more"."""
    cap = 1 << k
    low = cap - 1

    def shift(bits: int, by: int) -> int:
        moved = bits << min(by, k)
        return (moved & low) | (cap if moved >> k else 0)

    def add(a: int, b: int) -> int:
        result, j = 0, 0
        while a:
            if a & 1:
                result |= shift(b, j)
            a >>= 1
            j += 1
        return result

    expand = [0] * len(table.keys)  # the border sums of the sets rooted at each unit
    for unit in reversed(range(len(table.keys))):  # children before parents
        sums = 1  # {0}
        if 2 * unit in unknown:
            sums = shift(sums, table.size[2 * unit])
        for child in table.children[unit]:
            if 2 * child + 1 in unknown:
                sums = add(sums, shift(1, table.size[2 * child + 1]) | expand[child])
        expand[unit] = sums
    small = {}
    for unit, sums in enumerate(expand):
        bits = sums & low & ~1
        if bits and 2 * unit + 1 not in unknown:
            small[unit] = (bits & -bits).bit_length() - 1
    return small


def _choose(table: _Table, unit: int, hidden: set[int], need: int) -> int | None:
    """The shown cell of a unit's equation to withhold as well: a leaf-like cell (own people, childless unit) before
    a subtotal with children, the unit's own total last; among equals the smallest that holds `need` people, or else
    the largest."""
    total, *parts = table.equation(unit)
    candidates = [c for c in parts if c not in hidden and table.size[c] > 0]

    def best(cells: list[int]) -> int | None:
        enough = [c for c in cells if table.size[c] >= need]
        if enough:
            return min(enough, key=lambda c: (table.size[c], c))
        return max(cells, key=lambda c: (table.size[c], -c)) if cells else None

    choice = best([c for c in candidates if table.is_leafish(c)]) or best(candidates)
    if choice is None and total not in hidden and table.size[total] > 0:
        choice = total
    return choice


def protect(parents: Mapping[Hashable, Hashable | None], own: Mapping[Hashable, int],
            total: Mapping[Hashable, int], k: int, withheld: Iterable[Cell] = ()) -> set[Cell]:
    """The cells to withhold so that no figure about 1..k-1 people can be read or recovered by subtraction.

    `parents` maps every unit to its parent (None, or a unit not listed, for a top unit); `own` and `total` give each
    unit's cell sizes (people); `withheld` are cells already withheld for another reason (they stay withheld).
    """
    table = _Table(parents, own, total)
    index = {key: i for i, key in enumerate(table.keys)}
    hidden = {2 * index[key] + (kind == TOTAL) for kind, key in withheld if key in index}
    if k > 1:
        hidden |= {cell for cell, size in enumerate(table.size) if 0 < size < k}
    while k > 1:
        recovered, unknown = _recover(table, hidden)
        broken: dict[int, int] = {}  # equation -> people still needed in it
        for cell, unit in recovered.items():
            if table.size[cell] > 0:  # a recovered 0 says nothing about anyone
                broken[unit] = max(broken.get(unit, 0), k - table.size[cell])
        if not broken:
            broken = {unit: k - small for unit, small in _small_border_sums(table, unknown, k).items()}
        if not broken:
            break
        added = {_choose(table, unit, hidden, need) for unit, need in broken.items()} - {None}
        if not added:  # cannot happen (module docstring); never loop forever
            raise RuntimeError("small-group protection made no progress")
        hidden |= added
    return {(TOTAL if cell % 2 else OWN, table.keys[cell // 2]) for cell in hidden}
