"""Per-learner overrides of a quiz: extra time, another window, more attempts. Audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.audit import audit, snapshot

from ...models import Quiz, QuizOverride
from ..selectors import audience_learners
from ._checks import MAX_TIME_LIMIT, ensure_can_edit

OVERRIDE_FIELDS = ("extra_minutes", "open_at", "close_at", "attempts_allowed")


@transaction.atomic
def override_set(
    *,
    actor: Actor,
    quiz: Quiz,
    learner,
    extra_minutes: int = 0,
    open_at: dt.datetime | None = None,
    close_at: dt.datetime | None = None,
    attempts_allowed: int | None = None,
) -> QuizOverride:
    """Give one person extra time, another window or more attempts (replacing any override they had)."""
    ensure_can_edit(actor, quiz)
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
def override_delete(*, actor: Actor, override: QuizOverride) -> None:
    ensure_can_edit(actor, override.quiz)
    audit(actor, "quiz.override_delete", override.quiz, before=snapshot(override, OVERRIDE_FIELDS),
          extra={"learner": override.learner_id})
    override.delete()
