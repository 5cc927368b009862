"""Writes to quizzes: settings, the blueprint (slots), publishing and per-learner overrides. Audited.

A random slot draws `count` questions from a category at start (hocso.assessment.attempts.draw_paper), one slot
after the other, never repeating a question. A blueprint is only accepted if every draw is sure to succeed whatever
the earlier draws took: see `blueprint_problems`.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.audit import audit, snapshot
from hocso.core.text import normalize
from hocso.identity.scoping import ensure
from hocso.org.models import TargetGroup

from .models import (
    Attempt,
    Category,
    Difficulty,
    GradingMethod,
    Layout,
    Question,
    Quiz,
    QuizOverride,
    QuizSlot,
    ReviewWhen,
    Tag,
)
from .permissions import can_edit_quiz, category_visibility, is_author
from .selectors_quiz import audience_learners, slot_matches

SETTINGS_FIELDS = (
    "title", "description", "audience_unit", "time_limit_minutes", "attempts_allowed", "grading_method",
    "pass_percent", "shuffle_questions", "shuffle_options", "layout", "open_at", "close_at", "review_when",
    "review_shows_answers", "review_shows_feedback",
)
MAX_SLOT_COUNT = 200
MAX_TIME_LIMIT = 24 * 60


def _ensure_author(actor) -> None:
    ensure(is_author(actor), _("Only administrators and instructors can create quizzes."))


def _ensure_can_edit(actor, quiz: Quiz) -> None:
    ensure(can_edit_quiz(actor, quiz), _("You cannot change this quiz."))


def _touch(quiz: Quiz) -> None:
    # The draw caches its candidates per quiz.updated_at: any change to the blueprint must move it.
    quiz.updated_at = timezone.now()
    Quiz.objects.filter(pk=quiz.pk).update(updated_at=quiz.updated_at)


# --- settings --------------------------------------------------------------------------------------------------


def _clean_settings(values: dict, *, check_unit: bool = True) -> dict[str, list[str]]:
    """Check the settings (already set on a Quiz or given as a dict); every problem at once, per field."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not values.get("title"):
        add("title", _("Give the quiz a title."))
    limit = values.get("time_limit_minutes")
    if limit is not None and not 1 <= limit <= MAX_TIME_LIMIT:
        add("time_limit_minutes", _("The time limit must be between 1 and %(max)s minutes.") % {"max": MAX_TIME_LIMIT})
    attempts = values.get("attempts_allowed")
    if attempts is None or attempts < 0:
        add("attempts_allowed", _("Give the number of attempts (0 for unlimited)."))
    if values.get("grading_method") not in GradingMethod.values:
        add("grading_method", _("Choose a grading method."))
    pass_percent = values.get("pass_percent")
    if pass_percent is None or not Decimal(0) <= Decimal(pass_percent) <= Decimal(100):
        add("pass_percent", _("The pass mark must be between 0 and 100%."))
    if values.get("layout") not in Layout.values:
        add("layout", _("Choose a layout."))
    if values.get("review_when") not in ReviewWhen.values:
        add("review_when", _("Choose when people may review their attempt."))
    unit = values.get("audience_unit")
    if check_unit and unit is not None and not unit.is_current:
        add("audience_unit", _("This unit no longer exists; choose its successor."))
    open_at, close_at = values.get("open_at"), values.get("close_at")
    if open_at and close_at and close_at <= open_at:
        add("close_at", _("The quiz must close after it opens."))
    return errors


def _quiz_values(quiz: Quiz) -> dict:
    return {name: getattr(quiz, name) for name in SETTINGS_FIELDS}


@transaction.atomic
def quiz_create(*, actor, title: str, audience_groups: list[TargetGroup] | None = None, **settings) -> Quiz:
    """A new, unpublished quiz. `settings` are Quiz fields from SETTINGS_FIELDS; defaults are the model's."""
    _ensure_author(actor)
    unknown = set(settings) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"unknown quiz settings: {sorted(unknown)}")
    quiz = Quiz(owner=actor if getattr(actor, "pk", None) else None, **settings)
    quiz.title = normalize(title)[:255]
    quiz.description = (quiz.description or "").strip()
    errors = _clean_settings(_quiz_values(quiz))
    if errors:
        raise ValidationError(errors)
    quiz.save()
    if audience_groups:
        quiz.audience_groups.set(audience_groups)
    audit(actor, "quiz.create", quiz, after=snapshot(quiz, SETTINGS_FIELDS))
    return quiz


@transaction.atomic
def quiz_update(*, actor, quiz: Quiz, audience_groups: list[TargetGroup] | None = None, **changes) -> Quiz:
    """Change settings. Attempts already started keep their paper, deadline and marks."""
    _ensure_can_edit(actor, quiz)
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"unknown quiz settings: {sorted(unknown)}")
    before = snapshot(quiz, SETTINGS_FIELDS)
    unit_changed = "audience_unit" in changes and getattr(changes["audience_unit"], "pk", None) != quiz.audience_unit_id
    groups_before = sorted(quiz.audience_groups.values_list("pk", flat=True))
    for name, value in changes.items():
        setattr(quiz, name, value)
    quiz.title = normalize(quiz.title)[:255]
    quiz.description = (quiz.description or "").strip()
    errors = _clean_settings(_quiz_values(quiz), check_unit=unit_changed)
    if errors:
        quiz.refresh_from_db()
        raise ValidationError(errors)
    quiz.save()
    after = snapshot(quiz, SETTINGS_FIELDS)
    if audience_groups is not None:
        quiz.audience_groups.set(audience_groups)
        before["audience_groups"] = str(groups_before)
        after["audience_groups"] = str(sorted(g.pk for g in audience_groups))
    audit(actor, "quiz.update", quiz, before=before, after=after)
    return quiz


@transaction.atomic
def quiz_publish(*, actor, quiz: Quiz) -> Quiz:
    """Open the quiz to its audience, once its blueprint can be drawn for everyone."""
    _ensure_can_edit(actor, quiz)
    problems = blueprint_problems(list(quiz.slots.select_related("question", "category").order_by("position", "pk")))
    if problems:
        raise ValidationError([p.message for p in problems])
    if not quiz.is_published:
        quiz.is_published = True
        quiz.save(update_fields=["is_published", "updated_at"])
        audit(actor, "quiz.publish", quiz)
    return quiz


@transaction.atomic
def quiz_unpublish(*, actor, quiz: Quiz) -> Quiz:
    """Hide the quiz from learners. Attempts already open can still be finished and submitted."""
    _ensure_can_edit(actor, quiz)
    if quiz.is_published:
        quiz.is_published = False
        quiz.save(update_fields=["is_published", "updated_at"])
        audit(actor, "quiz.unpublish", quiz)
    return quiz


@transaction.atomic
def quiz_copy(*, actor, quiz: Quiz) -> Quiz:
    """An unpublished copy with the same settings and blueprint (to change a quiz people have already taken)."""
    _ensure_can_edit(actor, quiz)
    duplicate = Quiz(**{name: getattr(quiz, name) for name in SETTINGS_FIELDS})
    duplicate.title = (_("%(title)s (copy)") % {"title": quiz.title})[:255]
    duplicate.owner = actor if getattr(actor, "pk", None) else None
    duplicate.save()
    duplicate.audience_groups.set(quiz.audience_groups.all())
    QuizSlot.objects.bulk_create(
        QuizSlot(quiz=duplicate, position=index, question_id=s.question_id, category_id=s.category_id,
                 include_subcategories=s.include_subcategories, count=s.count, difficulty=s.difficulty,
                 tag_id=s.tag_id, mark=s.mark)
        for index, s in enumerate(quiz.slots.order_by("position", "pk"), start=1)
    )
    audit(actor, "quiz.copy", duplicate, extra={"from": quiz.pk})
    return duplicate


# --- the blueprint -------------------------------------------------------------------------------------------------


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
def slot_add_fixed(*, actor, quiz: Quiz, question: Question, mark: Decimal | None = None) -> QuizSlot:
    _ensure_can_edit(actor, quiz)
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
    _touch(quiz)
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
    actor,
    quiz: Quiz,
    category: Category,
    count: int,
    include_subcategories: bool = True,
    difficulty: int | None = None,
    tag: Tag | None = None,
    mark: Decimal | None = None,
) -> QuizSlot:
    """Draw `count` questions at random from `category` (optionally one difficulty, one tag) for each attempt."""
    _ensure_can_edit(actor, quiz)
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
    _touch(quiz)
    audit(actor, "quiz.slot_add", quiz, extra={"slot": slot.pk, "category": category.pk, "count": count,
                                               "difficulty": difficulty, "tag": tag.pk if tag else None})
    return slot


SLOT_FIELDS = ("count", "include_subcategories", "difficulty", "tag", "mark")


@transaction.atomic
def slot_update(*, actor, slot: QuizSlot, **changes) -> QuizSlot:
    """Change a slot's mark, or a random slot's count, difficulty, tag or sub-category rule."""
    quiz = slot.quiz
    _ensure_can_edit(actor, quiz)
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
    _touch(quiz)
    audit(actor, "quiz.slot_update", quiz, before=before_values, after=snapshot(updated, SLOT_FIELDS),
          extra={"slot": slot.pk})
    return updated


@transaction.atomic
def slot_remove(*, actor, slot: QuizSlot) -> None:
    quiz = slot.quiz
    _ensure_can_edit(actor, quiz)
    _ensure_blueprint_unlocked(quiz)
    audit(actor, "quiz.slot_remove", quiz, extra={"slot": slot.pk, "question": slot.question_id,
                                                  "category": slot.category_id, "count": slot.count})
    slot.delete()
    _renumber(list(quiz.slots.order_by("position", "pk")))
    _touch(quiz)


def _renumber(slots: list[QuizSlot]) -> None:
    for index, slot in enumerate(slots, start=1):
        slot.position = index
    QuizSlot.objects.bulk_update(slots, ["position"])


@transaction.atomic
def slots_reorder(*, actor, quiz: Quiz, slot_ids: list[int]) -> list[QuizSlot]:
    """Put the slots in the order given (every slot of the quiz, each once)."""
    _ensure_can_edit(actor, quiz)
    _ensure_blueprint_unlocked(quiz)
    before = _current_slots(quiz)
    by_pk = {s.pk: s for s in before}
    if sorted(slot_ids) != sorted(by_pk):
        raise ValidationError(_("The new order must list every question of the quiz once."))
    after = [by_pk[pk] for pk in slot_ids]
    # Order matters for random draws: a change of order must not make a later line impossible to fill.
    _check_change(quiz, before, after)
    _renumber(after)
    _touch(quiz)
    audit(actor, "quiz.slots_reorder", quiz, before={"order": str([s.pk for s in before])},
          after={"order": str(slot_ids)})
    return after


def slot_move(*, actor, slot: QuizSlot, offset: int) -> list[QuizSlot]:
    """Move a slot up (offset -1) or down (+1)."""
    ids = list(slot.quiz.slots.order_by("position", "pk").values_list("pk", flat=True))
    index = ids.index(slot.pk)
    target = min(max(index + offset, 0), len(ids) - 1)
    ids.insert(target, ids.pop(index))
    return slots_reorder(actor=actor, quiz=slot.quiz, slot_ids=ids)


# --- overrides ---------------------------------------------------------------------------------------------------

OVERRIDE_FIELDS = ("extra_minutes", "open_at", "close_at", "attempts_allowed")


@transaction.atomic
def override_set(
    *,
    actor,
    quiz: Quiz,
    learner,
    extra_minutes: int = 0,
    open_at: dt.datetime | None = None,
    close_at: dt.datetime | None = None,
    attempts_allowed: int | None = None,
) -> QuizOverride:
    """Give one person extra time, another window or more attempts (replacing any override they had)."""
    _ensure_can_edit(actor, quiz)
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not audience_learners(quiz=quiz).filter(pk=learner.pk).exists():
        add("learner", _("This person is not among the people the quiz is for."))
    extra_minutes = extra_minutes or 0
    if extra_minutes < 0 or extra_minutes > MAX_TIME_LIMIT:
        add("extra_minutes", _("Extra time must be between 0 and %(max)s minutes.") % {"max": MAX_TIME_LIMIT})
    elif extra_minutes and not quiz.time_limit_minutes:
        add("extra_minutes", _("The quiz has no time limit, so extra time would change nothing."))
    if attempts_allowed is not None and attempts_allowed < 0:
        add("attempts_allowed", _("Give the number of attempts (0 for unlimited)."))
    opens, closes = open_at or quiz.open_at, close_at or quiz.close_at
    if opens and closes and closes <= opens:
        add("close_at", _("The quiz must close after it opens."))
    if not errors and not extra_minutes and open_at is None and close_at is None and attempts_allowed is None:
        add("__all__", _("An override must change something: extra time, the window or the attempts."))
    if errors:
        raise ValidationError(errors)
    override = QuizOverride.objects.filter(quiz=quiz, learner=learner).first()
    before = snapshot(override, OVERRIDE_FIELDS) if override else {}
    if override is None:
        override = QuizOverride(quiz=quiz, learner=learner)
    override.extra_minutes, override.open_at, override.close_at = extra_minutes, open_at, close_at
    override.attempts_allowed = attempts_allowed
    override.save()
    audit(actor, "quiz.override_set", quiz, before=before, after=snapshot(override, OVERRIDE_FIELDS),
          extra={"learner": learner.pk})
    return override


@transaction.atomic
def override_delete(*, actor, override: QuizOverride) -> None:
    _ensure_can_edit(actor, override.quiz)
    audit(actor, "quiz.override_delete", override.quiz, before=snapshot(override, OVERRIDE_FIELDS),
          extra={"learner": override.learner_id})
    override.delete()
