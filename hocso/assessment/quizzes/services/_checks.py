"""What every write to a quiz checks first, shared by the quiz's services."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.permissions import ensure

from ...models import Quiz
from ...permissions import can_author, can_edit_quiz

MAX_TIME_LIMIT = 24 * 60


def ensure_author(actor: Actor) -> None:
    ensure(can_author(actor), _("Only administrators and instructors can create quizzes."))


def ensure_can_edit(actor: Actor, quiz: Quiz) -> None:
    ensure(can_edit_quiz(actor, quiz), _("You cannot change this quiz."))


def touch(quiz: Quiz) -> None:
    # The draw caches its candidates per quiz.updated_at: any change to the blueprint must move it.
    quiz.updated_at = timezone.now()
    Quiz.objects.filter(pk=quiz.pk).update(updated_at=quiz.updated_at)
