"""Validation and normalisation of a question version's `data` by type (used by forms, importers and the API)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hocso.core.text import normalize

from ..models import QuestionType
from .sanitise import clean_html


def _fraction(value: Any, errors: list, label: str) -> str:
    try:
        fraction = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.append(_("%(label)s: the grade must be a number between -1 and 1.") % {"label": label})
        return "0"
    if not Decimal(-1) <= fraction <= Decimal(1):
        errors.append(_("%(label)s: the grade must be a number between -1 and 1.") % {"label": label})
    return str(fraction.normalize()) if fraction else "0"


def _options(data: dict, errors: list, *, multiple: bool) -> list[dict]:
    options = []
    for index, raw in enumerate(data.get("options") or [], start=1):
        text = clean_html(raw.get("text", ""))
        if not text.strip():
            continue
        options.append({
            "id": str(raw.get("id") or f"o{index}"),
            "text": text,
            "fraction": _fraction(raw.get("fraction", 0), errors, _("Option %(n)s") % {"n": index}),
            "feedback": clean_html(raw.get("feedback", "")),
        })
    if len(options) < 2:
        errors.append(_("Give at least two options."))
    ids = [o["id"] for o in options]
    if len(ids) != len(set(ids)):
        errors.append(_("Two options have the same identifier."))
    positive = [Decimal(o["fraction"]) for o in options if Decimal(o["fraction"]) > 0]
    if multiple:
        if not positive:
            errors.append(_("At least one option must be correct."))
        elif sum(positive) != 1 and data.get("partial_credit", True):
            errors.append(_("The grades of the correct options must add up to 100%."))
    elif not positive or max(positive) != 1:
        errors.append(_("One option must be worth 100%."))
    return options


def clean_question_data(qtype: str, data: dict) -> dict:
    """Return normalised data for `qtype` or raise ValidationError listing every problem."""
    errors: list[str] = []
    data = dict(data or {})
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        cleaned = {
            "options": _options(data, errors, multiple=qtype == QuestionType.MULTIPLE),
            "negative_marking": bool(data.get("negative_marking")),
            "shuffle": bool(data.get("shuffle", True)),
        }
        if qtype == QuestionType.MULTIPLE:
            cleaned["partial_credit"] = bool(data.get("partial_credit", True))
    elif qtype == QuestionType.TRUE_FALSE:
        if not isinstance(data.get("correct"), bool):
            errors.append(_("Say whether the statement is true or false."))
        cleaned = {
            "correct": bool(data.get("correct")),
            "feedback_true": clean_html(data.get("feedback_true", "")),
            "feedback_false": clean_html(data.get("feedback_false", "")),
            "negative_marking": bool(data.get("negative_marking")),
        }
    elif qtype == QuestionType.SHORT_ANSWER:
        answers = []
        for index, raw in enumerate(data.get("answers") or [], start=1):
            text = normalize(raw.get("text", ""))
            if text:
                answers.append({"text": text, "feedback": clean_html(raw.get("feedback", "")),
                                "fraction": _fraction(raw.get("fraction", 1), errors,
                                                      _("Answer %(n)s") % {"n": index})})
        if not answers:
            errors.append(_("Give at least one accepted answer."))
        elif max(Decimal(a["fraction"]) for a in answers) != 1:
            errors.append(_("One accepted answer must be worth 100%."))
        cleaned = {"answers": answers, "case_sensitive": bool(data.get("case_sensitive")),
                   "ignore_diacritics": bool(data.get("ignore_diacritics"))}
    elif qtype == QuestionType.MATCHING:
        pairs = []
        for index, raw in enumerate(data.get("pairs") or [], start=1):
            left, right = clean_html(raw.get("left", "")), normalize(raw.get("right", ""))
            if left.strip() and right:
                pairs.append({"id": str(raw.get("id") or f"p{index}"), "left": left, "right": right})
            elif right and not left.strip():
                pass  # a right-hand item without a left one is a distractor (Moodle convention)
        distractors = [
            {"id": str(d.get("id") or f"d{i}"), "text": normalize(d.get("text", ""))}
            for i, d in enumerate(data.get("distractors") or [], start=1) if normalize(d.get("text", ""))
        ]
        if len(pairs) < 2:
            errors.append(_("Give at least two pairs to match."))
        # Always shown shuffled (see option_ids); the flag is kept for the Moodle XML export.
        cleaned = {"pairs": pairs, "distractors": distractors, "shuffle": True}
    elif qtype == QuestionType.ESSAY:
        cleaned = {"min_words": data.get("min_words") or None, "max_words": data.get("max_words") or None,
                   "grader_info": clean_html(data.get("grader_info", ""))}
    else:
        raise ValidationError(_("Unknown question type: %(type)s") % {"type": qtype})
    if errors:
        raise ValidationError(errors)
    return cleaned

