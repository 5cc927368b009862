"""The attacker of the small-group tests: what can be worked out from the figures shown, by subtraction.

Shared by hocso/core/tests/test_disclosure.py and hocso/campaigns/tests/test_small_groups.py (a helper module, not
a test module).
"""

from __future__ import annotations

from hocso.core.disclosure import OWN, TOTAL


def equations(parents: dict) -> list[tuple[tuple, list[tuple]]]:
    """(left cell, right cells) per unit: T(u) = O(u) + Σ T(children)."""
    return [((TOTAL, u), [(OWN, u), *((TOTAL, c) for c in parents if parents[c] == u)]) for u in parents]


def fixpoint(parents, hidden: set) -> set:
    """The cells the attacker knows: shown ones, then any cell that is the only unknown of an equation."""
    cells = {(kind, u) for u in parents for kind in (OWN, TOTAL)}
    known = cells - hidden
    changed = True
    while changed:
        changed = False
        for left, right in equations(parents):
            unknown = [c for c in (left, *right) if c not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                changed = True
    return known
