"""Whether a blueprint can always be drawn: the rule the publish and every change to the slots apply.

A random slot draws `count` questions from a category at start (hocso.assessment.exam.draw), one slot after the
other, never repeating a question. A blueprint is only accepted if every draw is sure to succeed whatever the
earlier draws took.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..models import Difficulty, QuizSlot
from .selectors import slot_matches


@dataclass(frozen=True)
class Problem:
    key: object  # the slot's pk, or "new" for a slot being added
    message: str


def _slot_label(position: int, slot: QuizSlot) -> str:
    if not slot.is_random:
        return _("Question %(position)s (%(name)s)") % {"position": position, "name": slot.question.name}
    parts = [slot.category.name]
    if slot.difficulty:
        parts.append(str(Difficulty(slot.difficulty).label).lower())
    if slot.tag_id:
        parts.append(_("tag “%(tag)s”") % {"tag": slot.tag.name})
    return _("Line %(position)s (random from %(what)s)") % {"position": position, "what": ", ".join(parts)}


def blueprint_problems(slots: list[QuizSlot]) -> list[Problem]:
    """Why this blueprint (slots in order) could fail to draw a paper; an empty list when it never can.

    Draws happen in slot order and never repeat a question (fixed questions included). An earlier random slot may
    take up to min(its count, the shared questions) from a later slot's pool, so a slot is safe when its own pool,
    minus the fixed questions and minus what earlier slots could take from it, still holds its count.
    """
    if not slots:
        return [Problem("empty", _("The quiz has no questions yet."))]
    problems: list[Problem] = []
    fixed_ids = {s.question_id for s in slots if not s.is_random}
    seen_fixed: set[int] = set()
    earlier: list[tuple[set[int], int]] = []
    for position, slot in enumerate(slots, start=1):
        key = slot.pk or "new"
        label = _slot_label(position, slot)
        if not slot.is_random:
            question = slot.question
            if question.is_archived:
                problems.append(Problem(key, _("%(slot)s is archived: remove it or restore the question.")
                                        % {"slot": label}))
            elif question.current_version_id is None:
                problems.append(Problem(key, _("%(slot)s has no content yet.") % {"slot": label}))
            if slot.question_id in seen_fixed:
                problems.append(Problem(key, _("%(slot)s is already in the quiz.") % {"slot": label}))
            seen_fixed.add(slot.question_id)
            continue
        pool = set(slot_matches(slot).values_list("pk", flat=True)) - fixed_ids
        taken = sum(min(count, len(pool & other)) for other, count in earlier)
        if len(pool) - taken < slot.count:
            if taken:
                message = _(
                    "%(slot)s needs %(count)s questions, but the bank has %(available)s that match and the lines "
                    "above may take %(taken)s of them. Add questions to the bank or draw fewer."
                ) % {"slot": label, "count": slot.count, "available": len(pool), "taken": taken}
            else:
                message = _(
                    "%(slot)s needs %(count)s questions, but the bank has only %(available)s that match. "
                    "Add questions to the bank or draw fewer."
                ) % {"slot": label, "count": slot.count, "available": len(pool)}
            problems.append(Problem(key, message))
        earlier.append((pool, slot.count))
    return problems
