"""Writes to a quiz's blueprint: fixed questions and random draws, their marks and order. Audited.

A blueprint change is refused once people have taken the quiz (make a copy instead), and when it would add a
problem to the blueprint (hocso.assessment.quizzes.blueprint).
"""

from __future__ import annotations

import copy
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.audit import audit, snapshot
from hocso.core.permissions import ensure

from ...models import Attempt, Category, Difficulty, Question, Quiz, QuizSlot, Tag
from ...permissions import category_visibility
from ..blueprint import blueprint_problems
from ._checks import ensure_can_edit, touch

MAX_SLOT_COUNT = 200


def _ensure_blueprint_unlocked(quiz: Quiz) -> None:
    if Attempt.objects.filter(quiz=quiz).exists():
        raise ValidationError(_("People have already taken this quiz, so its questions can no longer change. "
                                "Make a copy of the quiz to change them."))


def _check_change(quiz: Quiz, before: list[QuizSlot], after: list[QuizSlot]) -> None:
    """Refuse a blueprint change that adds a problem (problems left from before do not block fixing others)."""
    old = {p.key for p in blueprint_problems(before)} if before else set()
    new = [p for p in blueprint_problems(after) if p.key not in old and p.key != "empty"]
    if new:
        raise ValidationError([p.message for p in new])


def _current_slots(quiz: Quiz) -> list[QuizSlot]:
    return list(quiz.slots.select_related("question", "category", "tag").order_by("position", "pk"))


def _clean_mark(mark: Decimal | None, errors: dict) -> None:
    if mark is not None and not Decimal(0) < Decimal(mark) <= Decimal(1000):
        errors.setdefault("mark", []).append(_("The mark must be greater than 0 (and at most 1000)."))


def _next_position(quiz: Quiz) -> int:
    return (quiz.slots.aggregate(n=Max("position"))["n"] or 0) + 1


@transaction.atomic
def slot_add_fixed(*, actor: Actor, quiz: Quiz, question: Question, mark: Decimal | None = None) -> QuizSlot:
    ensure_can_edit(actor, quiz)
    ensure(Question.objects.filter(category__in=Category.objects.filter(category_visibility(actor)),
                                   pk=question.pk).exists(), _("You cannot use this question."))
    _ensure_blueprint_unlocked(quiz)
    errors: dict[str, list[str]] = {}
    _clean_mark(mark, errors)
    if errors:
        raise ValidationError(errors)
    before = _current_slots(quiz)
    slot = QuizSlot(quiz=quiz, position=_next_position(quiz), question=question, mark=mark)
    _check_change(quiz, before, [*before, slot])
    slot.save()
    touch(quiz)
    audit(actor, "quiz.slot_add", quiz, extra={"slot": slot.pk, "question": question.pk})
    return slot


def _clean_random(*, count: int, difficulty: int | None, mark: Decimal | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if count is None or not 1 <= count <= MAX_SLOT_COUNT:
        errors["count"] = [_("Draw between 1 and %(max)s questions.") % {"max": MAX_SLOT_COUNT}]
    if difficulty is not None and difficulty not in Difficulty.values:
        errors["difficulty"] = [_("Choose a difficulty.")]
    _clean_mark(mark, errors)
    return errors


@transaction.atomic
def slot_add_random(
    *,
    actor: Actor,
    quiz: Quiz,
    category: Category,
    count: int,
    include_subcategories: bool = True,
    difficulty: int | None = None,
    tag: Tag | None = None,
    mark: Decimal | None = None,
) -> QuizSlot:
    """Draw `count` questions at random from `category` (optionally one difficulty, one tag) for each attempt."""
    ensure_can_edit(actor, quiz)
    ensure(Category.objects.filter(category_visibility(actor), pk=category.pk).exists(),
           _("You cannot use this category."))
    _ensure_blueprint_unlocked(quiz)
    errors = _clean_random(count=count, difficulty=difficulty, mark=mark)
    if errors:
        raise ValidationError(errors)
    before = _current_slots(quiz)
    slot = QuizSlot(quiz=quiz, position=_next_position(quiz), category=category, count=count,
                    include_subcategories=include_subcategories, difficulty=difficulty or None, tag=tag, mark=mark)
    _check_change(quiz, before, [*before, slot])
    slot.save()
    touch(quiz)
    audit(actor, "quiz.slot_add", quiz, extra={"slot": slot.pk, "category": category.pk, "count": count,
                                               "difficulty": difficulty, "tag": tag.pk if tag else None})
    return slot


SLOT_FIELDS = ("count", "include_subcategories", "difficulty", "tag", "mark")


@transaction.atomic
def slot_update(*, actor: Actor, slot: QuizSlot, **changes) -> QuizSlot:
    """Change a slot's mark, or a random slot's count, difficulty, tag or sub-category rule."""
    quiz = slot.quiz
    ensure_can_edit(actor, quiz)
    _ensure_blueprint_unlocked(quiz)
    unknown = set(changes) - set(SLOT_FIELDS)
    if unknown:
        raise TypeError(f"unknown slot fields: {sorted(unknown)}")
    if not slot.is_random and set(changes) - {"mark"}:
        raise ValidationError(_("Only the mark of a fixed question can change."))
    before_values = snapshot(slot, SLOT_FIELDS)
    before = _current_slots(quiz)
    updated = copy.copy(next(s for s in before if s.pk == slot.pk))
    for name, value in changes.items():
        setattr(updated, name, value)
    if updated.is_random:
        errors = _clean_random(count=updated.count, difficulty=updated.difficulty, mark=updated.mark)
    else:
        errors = {}
        _clean_mark(updated.mark, errors)
    if errors:
        raise ValidationError(errors)
    _check_change(quiz, before, [updated if s.pk == slot.pk else s for s in before])
    updated.difficulty = updated.difficulty or None
    updated.save()
    touch(quiz)
    audit(actor, "quiz.slot_update", quiz, before=before_values, after=snapshot(updated, SLOT_FIELDS),
          extra={"slot": slot.pk})
    return updated


@transaction.atomic
def slot_remove(*, actor: Actor, slot: QuizSlot) -> None:
    quiz = slot.quiz
    ensure_can_edit(actor, quiz)
    _ensure_blueprint_unlocked(quiz)
    audit(actor, "quiz.slot_remove", quiz, extra={"slot": slot.pk, "question": slot.question_id,
                                                  "category": slot.category_id, "count": slot.count})
    slot.delete()
    _renumber(list(quiz.slots.order_by("position", "pk")))
    touch(quiz)


def _renumber(slots: list[QuizSlot]) -> None:
    for index, slot in enumerate(slots, start=1):
        slot.position = index
    QuizSlot.objects.bulk_update(slots, ["position"])


@transaction.atomic
def slots_reorder(*, actor: Actor, quiz: Quiz, slot_ids: list[int]) -> list[QuizSlot]:
    """Put the slots in the order given (every slot of the quiz, each once)."""
    ensure_can_edit(actor, quiz)
    _ensure_blueprint_unlocked(quiz)
    before = _current_slots(quiz)
    by_pk = {s.pk: s for s in before}
    if sorted(slot_ids) != sorted(by_pk):
        raise ValidationError(_("The new order must list every question of the quiz once."))
    after = [by_pk[pk] for pk in slot_ids]
    # Order matters for random draws: a change of order must not make a later line impossible to fill.
    _check_change(quiz, before, after)
    _renumber(after)
    touch(quiz)
    audit(actor, "quiz.slots_reorder", quiz, before={"order": str([s.pk for s in before])},
          after={"order": str(slot_ids)})
    return after


def slot_move(*, actor: Actor, slot: QuizSlot, offset: int) -> list[QuizSlot]:
    """Move a slot up (offset -1) or down (+1)."""
    ids = list(slot.quiz.slots.order_by("position", "pk").values_list("pk", flat=True))
    index = ids.index(slot.pk)
    target = min(max(index + offset, 0), len(ids) - 1)
    ids.insert(target, ids.pop(index))
    return slots_reorder(actor=actor, quiz=slot.quiz, slot_ids=ids)
