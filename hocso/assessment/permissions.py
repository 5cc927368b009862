"""Who may author questions and quizzes: province administrators and instructors."""

from __future__ import annotations

from django.db.models import Q

from hocso.access.models import Role
from hocso.access.scoping import is_province_admin, roles_of

from .models import Sharing


def is_author(actor) -> bool:
    return bool(roles_of(actor) & {Role.PROVINCE_ADMIN, Role.INSTRUCTOR})


def category_visibility(actor) -> Q:
    """Categories an author sees: everything for admins; shared ones and their own for instructors."""
    if is_province_admin(actor):
        return Q()
    if not is_author(actor):
        return Q(pk__in=[])
    return Q(sharing=Sharing.PROVINCE) | Q(owner=actor)


def can_edit_category(actor, category) -> bool:
    return is_province_admin(actor) or (is_author(actor) and category.owner_id == actor.pk)


def can_edit_question(actor, question) -> bool:
    if is_province_admin(actor):
        return True
    return is_author(actor) and (question.owner_id == actor.pk or question.category.owner_id == actor.pk)


def can_edit_quiz(actor, quiz) -> bool:
    return is_province_admin(actor) or (is_author(actor) and quiz.owner_id == actor.pk)
