"""Writes to one quiz: its settings, publishing and unpublishing, and copies. Audited."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.audit import audit, snapshot
from hocso.core.text import normalize
from hocso.org.models import TargetGroup

from ...models import GradingMethod, Layout, Quiz, QuizSlot, ReviewWhen
from ..blueprint import blueprint_problems
from ._checks import MAX_TIME_LIMIT, ensure_author, ensure_can_edit

SETTINGS_FIELDS = (
    "title", "description", "audience_unit", "time_limit_minutes", "attempts_allowed", "grading_method",
    "pass_percent", "shuffle_questions", "shuffle_options", "layout", "open_at", "close_at", "review_when",
    "review_shows_answers", "review_shows_feedback",
)


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
def quiz_create(*, actor: Actor, title: str, audience_groups: list[TargetGroup] | None = None, **settings) -> Quiz:
    """A new, unpublished quiz. `settings` are Quiz fields from SETTINGS_FIELDS; defaults are the model's."""
    ensure_author(actor)
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
def quiz_update(*, actor: Actor, quiz: Quiz, audience_groups: list[TargetGroup] | None = None, **changes) -> Quiz:
    """Change settings. Attempts already started keep their paper, deadline and marks."""
    ensure_can_edit(actor, quiz)
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
def quiz_publish(*, actor: Actor, quiz: Quiz) -> Quiz:
    """Open the quiz to its audience, once its blueprint can be drawn for everyone."""
    ensure_can_edit(actor, quiz)
    problems = blueprint_problems(list(quiz.slots.select_related("question", "category").order_by("position", "pk")))
    if problems:
        raise ValidationError([p.message for p in problems])
    if not quiz.is_published:
        quiz.is_published = True
        quiz.save(update_fields=["is_published", "updated_at"])
        audit(actor, "quiz.publish", quiz)
    return quiz


@transaction.atomic
def quiz_unpublish(*, actor: Actor, quiz: Quiz) -> Quiz:
    """Hide the quiz from learners. Attempts already open can still be finished and submitted."""
    ensure_can_edit(actor, quiz)
    if quiz.is_published:
        quiz.is_published = False
        quiz.save(update_fields=["is_published", "updated_at"])
        audit(actor, "quiz.unpublish", quiz)
    return quiz


@transaction.atomic
def quiz_copy(*, actor: Actor, quiz: Quiz) -> Quiz:
    """An unpublished copy with the same settings and blueprint (to change a quiz people have already taken)."""
    ensure_can_edit(actor, quiz)
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
