"""Writes to the question bank's questions: create, edit (a new immutable version each time), archive. Audited."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.audit import audit
from hocso.core.permissions import ensure
from hocso.core.text import normalize

from ...models import Category, Difficulty, Question, QuestionType, QuestionVersion, Tag
from ...permissions import can_author, can_edit_question, can_move_question_into
from ..question_data import clean_question_data
from ..sanitise import clean_html
from .categories import new_owner


def _tags(names) -> list[Tag]:
    tags = []
    for name in {normalize(n).lower() for n in names or [] if normalize(n)}:
        tag, _created = Tag.objects.get_or_create(name=name[:60])
        tags.append(tag)
    return tags


@transaction.atomic
def question_create(
    *,
    actor: Actor,
    category: Category,
    qtype: str,
    name: str,
    text: str,
    data: dict,
    default_mark: Decimal = Decimal(1),
    general_feedback: str = "",
    difficulty: int = Difficulty.MEDIUM,
    tags: list[str] | None = None,
    idnumber: str = "",
    audited: bool = True,
    owner=None,
) -> Question:
    ensure(can_author(actor), _("Only administrators and instructors can edit the question bank."))
    errors = _check_common(qtype=qtype, name=name, text=text, default_mark=default_mark)
    try:
        cleaned = clean_question_data(qtype, data)
    except ValidationError as exc:
        errors.setdefault("data", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    question = Question(category=category, qtype=qtype, name=normalize(name)[:255], difficulty=difficulty,
                        idnumber=normalize(idnumber), owner=new_owner(actor, owner))
    question.refresh_keys()
    question.save()
    question.tags.set(_tags(tags))
    version = QuestionVersion.objects.create(
        question=question, number=1, text=clean_html(text), data=cleaned, default_mark=default_mark,
        general_feedback=clean_html(general_feedback), created_by=question.owner,
    )
    question.current_version = version
    question.save(update_fields=["current_version"])
    if audited:
        audit(actor, "question.create", question, after={"qtype": qtype, "category": category.pk})
    return question


def _check_common(*, qtype: str, name: str, text: str, default_mark) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if qtype not in QuestionType.values:
        errors["qtype"] = [_("Unknown question type: %(type)s") % {"type": qtype}]
    if not normalize(name):
        errors["name"] = [_("Give the question a name.")]
    if not clean_html(text).strip():
        errors["text"] = [_("Write the question text.")]
    if default_mark is None or Decimal(default_mark) <= 0:
        errors["default_mark"] = [_("The mark must be greater than 0.")]
    return errors


@transaction.atomic
def question_update(
    *,
    actor: Actor,
    question: Question,
    text: str,
    data: dict,
    name: str | None = None,
    default_mark: Decimal | None = None,
    general_feedback: str | None = None,
    difficulty: int | None = None,
    tags: list[str] | None = None,
    category: Category | None = None,
) -> QuestionVersion:
    """Edit a question by adding a version; attempts already drawn keep the version they were given."""
    ensure(can_edit_question(actor, question), _("You cannot edit this question."))
    current = question.current_version
    default_mark = current.default_mark if default_mark is None else default_mark
    errors = _check_common(qtype=question.qtype, name=name if name is not None else question.name, text=text,
                           default_mark=default_mark)
    try:
        cleaned = clean_question_data(question.qtype, data)
    except ValidationError as exc:
        errors.setdefault("data", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    number = (question.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = QuestionVersion.objects.create(
        question=question, number=number, text=clean_html(text), data=cleaned, default_mark=default_mark,
        general_feedback=clean_html(general_feedback if general_feedback is not None else current.general_feedback),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    question.current_version = version
    if name is not None:
        question.name = normalize(name)[:255]
    if difficulty is not None:
        question.difficulty = difficulty
    if category is not None:
        ensure(can_move_question_into(actor, category),
               _("You cannot move questions into this category."))
        question.category = category
    question.refresh_keys()
    question.save()
    if tags is not None:
        question.tags.set(_tags(tags))
    audit(actor, "question.update", question, extra={"version": number})
    return version


@transaction.atomic
def question_archive(*, actor: Actor, question: Question, archived: bool = True) -> Question:
    ensure(can_edit_question(actor, question), _("You cannot edit this question."))
    question.is_archived = archived
    question.save(update_fields=["is_archived", "updated_at"])
    audit(actor, "question.archive" if archived else "question.restore", question)
    return question
