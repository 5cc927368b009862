"""What a programme's attendance may show outside its hosts' pages (API keys, the public pages): no figure about
1..k-1 people (k = HOCSO_MIN_GROUP_SIZE), nor one that subtraction from the total would give back."""

from __future__ import annotations


def withheld_units(units: list[dict], k: int) -> set:
    """The unit rows (their indexes) to withhold, and "all" when the total itself describes 1..k-1 people.

    The table has one equation, total = the units' sum, so subtraction reveals exactly the sum of the withheld rows:
    rows of 1..k-1 people are withheld, then the smallest shown rows as well until that sum is 0 or at least k
    (the one-equation case of hocso.core.disclosure's rule), for people present and people expected alike."""
    hidden: set = set()
    # The absentees too: expected − present of 1..k-1 would tell who stayed away (or that everyone came).
    absent = [max(0, unit["expected"] - unit["attendance"]) for unit in units]
    for measure in ("attendance", "expected", "absent"):
        values = absent if measure == "absent" else [unit[measure] for unit in units]
        withheld = {index for index, value in enumerate(values) if 0 < value < k}
        shown = sorted((value, index) for index, value in enumerate(values) if index not in withheld and value > 0)
        while 0 < sum(values[index] for index in withheld) < k and shown:
            withheld.add(shown.pop(0)[1])
        hidden |= withheld
        if 0 < sum(values) < k:
            hidden.add("all")
    return hidden


def public_attendance(data: dict, k: int) -> dict:
    """A session's board (programme_selectors.board) as outsiders see it: totals and units only (no site, no name),
    the withheld figures as None with `suppressed` set."""
    hidden = withheld_units(data["units"], k) if k > 1 else set()
    units = [{"unit_name": unit["unit"], "sites": unit["sites"], "reporting": unit["reporting"],
              "expected": None if index in hidden else unit["expected"],
              "attendance": None if index in hidden else unit["attendance"], "suppressed": index in hidden}
             for index, unit in enumerate(data["units"])]
    totals, withheld = data["totals"], "all" in hidden
    return {"session_id": data["session"], "sites": totals["sites"], "reporting": totals["reporting"],
            "expected": None if withheld else totals["expected"],
            "attendance": None if withheld else totals["attendance"], "units": units}
