"""How a response to a question version scores, by question type: pure functions, no database. The exam grades
papers with them (exam.grading), the bank's preview checks an author's try, the item analysis counts options.

`grade(qtype, data, response)` returns a fraction of the question's mark in [-1, 1] (negative only where the
question uses negative marking) or None for types graded by a person (essay). The attempt total is clamped at 0.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hocso.core.text import fold, normalize

from ..models import QuestionType

ZERO, ONE = Decimal(0), Decimal(1)


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


def _clamp(value: Decimal, low: Decimal, high: Decimal = ONE) -> Decimal:
    return max(low, min(high, value))


def _grade_single(data: dict, response: dict) -> Decimal:
    chosen = response.get("choice")
    for option in data.get("options", []):
        if option["id"] == chosen:
            fraction = _dec(option.get("fraction", 0))
            return fraction if data.get("negative_marking") else max(ZERO, fraction)
    return ZERO


def _grade_multiple(data: dict, response: dict) -> Decimal:
    options = {o["id"]: _dec(o.get("fraction", 0)) for o in data.get("options", [])}
    chosen = {c for c in response.get("choices", []) if c in options}
    if not chosen:
        return ZERO
    if not data.get("partial_credit", True):
        correct = {oid for oid, f in options.items() if f > 0}
        return ONE if chosen == correct else ZERO
    total = sum((options[c] for c in chosen), ZERO)
    return _clamp(total, -ONE if data.get("negative_marking") else ZERO)


def _grade_truefalse(data: dict, response: dict) -> Decimal:
    value = response.get("value")
    if not isinstance(value, bool):
        return ZERO
    if value == bool(data.get("correct")):
        return ONE
    return _dec(data.get("wrong_fraction", "-1")) if data.get("negative_marking") else ZERO


def normalise_short_answer(text: str, *, case_sensitive: bool, ignore_diacritics: bool) -> str:
    text = normalize(text)
    if ignore_diacritics:
        return fold(text)
    return text if case_sensitive else text.lower()


def _grade_shortanswer(data: dict, response: dict) -> Decimal:
    given = response.get("text") or ""
    if not given.strip():
        return ZERO
    case_sensitive = bool(data.get("case_sensitive"))
    ignore_diacritics = bool(data.get("ignore_diacritics"))
    if ignore_diacritics:
        case_sensitive = False  # folding also lower-cases; a case-sensitive, accent-blind match is not offered
    key = normalise_short_answer(given, case_sensitive=case_sensitive, ignore_diacritics=ignore_diacritics)
    best = ZERO
    for answer in data.get("answers", []):
        pattern = normalise_short_answer(answer["text"], case_sensitive=case_sensitive,
                                         ignore_diacritics=ignore_diacritics)
        if _wildcard_match(pattern, key):
            best = max(best, _dec(answer.get("fraction", 0)))
    return best


def _wildcard_match(pattern: str, text: str) -> bool:
    """Moodle-style '*' wildcard (any run of characters); everything else literal."""
    if "*" not in pattern:
        return pattern == text
    regex = "".join(".*" if ch == "*" else re.escape(ch) for ch in pattern)
    return re.fullmatch(regex, text, flags=re.S) is not None


def _grade_matching(data: dict, response: dict) -> Decimal:
    pairs = data.get("pairs", [])
    if not pairs:
        return ZERO
    given = response.get("pairs") or {}
    right_text = {p["id"]: normalize(p["right"]) for p in pairs}
    right_text.update({d["id"]: normalize(d["text"]) for d in data.get("distractors", [])})
    correct = 0
    for pair in pairs:
        chosen = given.get(pair["id"])
        # Two pairs may share the same right-hand text: either of them is then right.
        if chosen is not None and right_text.get(chosen) == normalize(pair["right"]):
            correct += 1
    return _dec(correct) / _dec(len(pairs))


_GRADERS = {
    QuestionType.SINGLE: _grade_single,
    QuestionType.MULTIPLE: _grade_multiple,
    QuestionType.TRUE_FALSE: _grade_truefalse,
    QuestionType.SHORT_ANSWER: _grade_shortanswer,
    QuestionType.MATCHING: _grade_matching,
}


def grade(qtype: str, data: dict, response: dict | None) -> Decimal | None:
    """Fraction of the mark earned, or None when a person must grade it (essays)."""
    if qtype == QuestionType.ESSAY:
        return None
    if not response:
        return ZERO
    return _GRADERS[qtype](data, response).quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP)


def is_auto_graded(qtype: str) -> bool:
    return qtype != QuestionType.ESSAY


def correct_response(qtype: str, data: dict) -> dict | None:
    """The response that earns full marks (shown in review when the policy allows)."""
    if qtype == QuestionType.SINGLE:
        best = max(data.get("options", []), key=lambda o: _dec(o.get("fraction", 0)), default=None)
        return {"choice": best["id"]} if best else None
    if qtype == QuestionType.MULTIPLE:
        return {"choices": [o["id"] for o in data.get("options", []) if _dec(o.get("fraction", 0)) > 0]}
    if qtype == QuestionType.TRUE_FALSE:
        return {"value": bool(data.get("correct"))}
    if qtype == QuestionType.SHORT_ANSWER:
        best = max(data.get("answers", []), key=lambda a: _dec(a.get("fraction", 0)), default=None)
        return {"text": best["text"]} if best else None
    if qtype == QuestionType.MATCHING:
        return {"pairs": {p["id"]: p["id"] for p in data.get("pairs", [])}}
    return None


CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE)


def chosen_options(qtype: str, response: dict | None) -> list[str] | None:
    """The options a response (in the bank's ids) chose, as the item analysis counts them: single/multiple the
    sorted option ids, true/false ["true"] or ["false"], [] for no answer; None for types without options."""
    if qtype not in CHOICE_TYPES:
        return None
    if not isinstance(response, dict):
        return []
    if qtype == QuestionType.SINGLE:
        choice = response.get("choice")
        return [choice] if isinstance(choice, str) and choice else []
    if qtype == QuestionType.MULTIPLE:
        choices = response.get("choices")
        return sorted({c for c in choices if isinstance(c, str)}) if isinstance(choices, list) else []
    value = response.get("value")
    return ["true" if value else "false"] if isinstance(value, bool) else []
