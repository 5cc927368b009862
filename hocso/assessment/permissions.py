"""Who may do what in assessment: every rule of the app, as predicates named after what they allow.

Authors are province administrators and instructors: they use the question bank and write quizzes. Province
administrators may change everything; an instructor changes what they own (a question also when they own its
category). Unit focal points see the results of the quizzes meant for the people of their subtree. Learners take
quizzes (their own attempts only: exam.selectors); API keys of integrations see no quiz and no result here.

The selectors turn these rules into queries (a quiz list, a results scope); the services check them again before
every write.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from hocso.access.models import Role
from hocso.access.scoping import is_province_admin, roles_of
from hocso.core.actors import Actor
from hocso.core.scoping import EVERYTHING, NOTHING, UnitScope, scope_of

from .models import Attempt, Category, Question, Quiz, Sharing

AUTHOR_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.INSTRUCTOR})


def is_signed_in_user(actor: Actor | None) -> bool:
    """A person signed in with an active account: not an API key (whose unit scope would otherwise open results to
    it), not the system, not anonymous."""
    return isinstance(actor, get_user_model()) and actor.is_authenticated and actor.is_active


# --- the question bank -------------------------------------------------------------------------------------------


def can_author(actor: Actor | None) -> bool:
    """May use the question bank and create quizzes: province administrators and instructors (and the system)."""
    return bool(roles_of(actor) & AUTHOR_ROLES)


def category_visibility(actor: Actor | None) -> Q:
    """Categories an author sees: everything for admins; shared ones and their own for instructors."""
    if is_province_admin(actor):
        return Q()
    if not can_author(actor):
        return Q(pk__in=[])
    return Q(sharing=Sharing.PROVINCE) | Q(owner=actor)


def can_edit_category(actor: Actor | None, category: Category) -> bool:
    """May rename, move or delete the category and put things into it."""
    return is_province_admin(actor) or (can_author(actor) and category.owner_id == actor.pk)


def can_edit_question(actor: Actor | None, question: Question) -> bool:
    """May edit or archive the question: its owner, the owner of its category, a province administrator."""
    if is_province_admin(actor):
        return True
    return can_author(actor) and (question.owner_id == actor.pk or question.category.owner_id == actor.pk)


def can_move_question_into(actor: Actor | None, category: Category) -> bool:
    """May move a question they edit into `category`: one they manage, or any category shared province-wide."""
    return can_edit_category(actor, category) or category.sharing == Sharing.PROVINCE


# --- quizzes ------------------------------------------------------------------------------------------------------


def can_see_every_quiz(actor: Actor | None) -> bool:
    """Sees every quiz as its author, with all its results: a province administrator (signed in)."""
    return is_signed_in_user(actor) and is_province_admin(actor)


def can_see_quizzes(actor: Actor | None) -> bool:
    """Has a quiz list: authors, and unit focal points (for results); learners and API keys do not."""
    return is_signed_in_user(actor) and (can_author(actor) or not scope_of(actor).is_empty)


def can_edit_quiz(actor: Actor | None, quiz: Quiz) -> bool:
    """May change the quiz's settings, blueprint and overrides, publish it, copy it, regrade it."""
    return is_province_admin(actor) or (can_author(actor) and quiz.owner_id == actor.pk)


def can_see_quiz_as_author(actor: Actor | None, quiz: Quiz) -> bool:
    """Sees the quiz as its author (blueprint, attempts, item analysis), not only its results."""
    return is_signed_in_user(actor) and can_edit_quiz(actor, quiz)


# --- results and grading ------------------------------------------------------------------------------------------


def can_see_all_results(actor: Actor | None, quiz: Quiz) -> bool:
    """Sees every person's result of the quiz (its authors); a focal point sees those sat in their subtree."""
    return can_see_quiz_as_author(actor, quiz)


def results_unit_scope(actor: Actor | None) -> UnitScope:
    """The units whose people's results a signed-in focal point sees (their subtrees); nothing for anyone else
    (an API key's own unit scope opens no per-person result)."""
    return scope_of(actor) if is_signed_in_user(actor) else NOTHING


def results_scope(actor: Actor | None, quiz: Quiz) -> UnitScope:
    """Whose results of the quiz the actor sees: all for its authors, else the attempts sat in their subtree."""
    return EVERYTHING if can_see_all_results(actor, quiz) else results_unit_scope(actor)


def can_grade_essay(actor: Actor | None, attempt: Attempt) -> bool:
    """May grade the essays of the attempt: whoever may change its quiz."""
    return can_edit_quiz(actor, attempt.quiz)


def can_regrade(actor: Actor | None, quiz: Quiz) -> bool:
    """May regrade the quiz's attempts after a key was corrected: whoever may change the quiz."""
    return can_edit_quiz(actor, quiz)
