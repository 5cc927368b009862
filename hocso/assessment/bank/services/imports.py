"""Importing a question file: the preview kept between upload and confirmation, and the import itself (the valid
questions of a parsed and validated file, all or nothing). The parsing and checking are in bank.formats."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.audit import audit
from hocso.core.permissions import ensure
from hocso.core.text import normalize

from ...models import Category, Question, QuestionImport
from ...permissions import can_author, category_visibility
from ..formats.common import ParseResult, parse_and_validate
from ..selectors import category_nearest_owner
from .categories import category_create
from .questions import question_archive, question_create


class _CategoryResolver:
    """Finds or creates the nested categories a file names, below the target (or from the top without one)."""

    def __init__(self, actor: Actor, base: Category | None, owner=None, inherit_owner: bool = False):
        self.actor, self.base, self.owner, self.inherit_owner = actor, base, owner, inherit_owner
        self.cache: dict[tuple[str, ...], Category] = {}
        self.owners: dict[int, object] = {}
        self.created = 0

    def owner_for(self, category: Category | None):
        """The owner of new things below `category`: the given owner, else (inheriting) the nearest category owner."""
        if self.owner is not None or not self.inherit_owner or category is None:
            return self.owner
        if category.pk not in self.owners:
            self.owners[category.pk] = category_nearest_owner(category)
        return self.owners[category.pk]

    def get(self, names: list[str]) -> Category:
        key = tuple(names)
        if key in self.cache:
            return self.cache[key]
        parent = self.base
        for name in names:
            name = normalize(name)[:200]
            existing = Category.objects.filter(parent=parent, name=name).first()
            if existing is not None:
                if not Category.objects.filter(category_visibility(self.actor), pk=existing.pk).exists():
                    raise PermissionDenied(_("The category “%(name)s” belongs to another author.") % {"name": name})
                parent = existing
            else:
                parent = category_create(actor=self.actor, name=name, parent=parent, owner=self.owner_for(parent))
                self.created += 1
        if parent is None:
            raise ValidationError(_("Give a category."))
        self.cache[key] = parent
        return parent


@dataclass
class ApplyOutcome:
    questions: list[Question]
    categories_created: int
    skipped: int


@transaction.atomic
def import_questions(*, actor: Actor, result: ParseResult, category: Category | None = None, filename: str = "",
          owner=None, inherit_owner: bool = False) -> ApplyOutcome:
    """Create the valid questions of a validated result, all or nothing; problems were shown in the preview.

    New questions and categories belong to `owner`, else the acting user. The command run without --owner has no
    user: it passes inherit_owner so they belong to the owner of the category they land in (nearest owned one)."""
    ensure(can_author(actor), _("Only administrators and instructors can edit the question bank."))
    if category is not None:
        ensure(Category.objects.filter(category_visibility(actor), pk=category.pk).exists(),
               _("You cannot add questions to this category."))
    if result.errors:
        raise ValidationError(result.errors)
    resolver = _CategoryResolver(actor, category, owner, inherit_owner)
    created = []
    for parsed in result.valid:
        target = resolver.get(parsed.category)
        question = question_create(
            actor=actor, category=target, qtype=parsed.qtype, name=parsed.name,
            text=parsed.text, data=parsed.data, default_mark=Decimal(parsed.default_mark),
            general_feedback=parsed.general_feedback, difficulty=parsed.difficulty, tags=parsed.tags,
            idnumber=parsed.idnumber, audited=False, owner=resolver.owner_for(target),
        )
        if parsed.archived:
            question_archive(actor=actor, question=question)
        created.append(question)
    outcome = ApplyOutcome(questions=created, categories_created=resolver.created,
                           skipped=len(result.questions) - len(created))
    audit(actor, "question.import", category, extra={
        "file": filename, "format": result.file_format, "created": len(created),
        "skipped": outcome.skipped, "categories_created": resolver.created,
    })
    return outcome


PREVIEW_KEPT_FOR = 2  # days; older unconfirmed previews are removed when a new one is stored


def preview_store(*, actor: Actor, data: bytes, filename: str, file_format: str,
                  category: Category | None) -> QuestionImport:
    """Parse and validate a file and keep the result for the author to confirm (nothing is imported yet)."""
    ensure(can_author(actor), _("Only administrators and instructors can edit the question bank."))
    # Parsed before the transaction opens: SQLite takes its write lock at BEGIN, and answer saves must not wait.
    result = parse_and_validate(data, file_format, has_target=category is not None)
    with transaction.atomic():
        QuestionImport.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=PREVIEW_KEPT_FOR)).delete()
        return QuestionImport.objects.create(owner=actor, category=category, filename=filename[:255],
                                             file_format=file_format, payload=result.to_json())


@transaction.atomic
def preview_confirm(*, actor: Actor, question_import: QuestionImport) -> ApplyOutcome:
    """Apply a stored preview once: a second confirmation (double click, back button) imports nothing."""
    locked = QuestionImport.objects.select_for_update().get(pk=question_import.pk)
    ensure(locked.owner_id == actor.pk, _("This import belongs to another author."))
    if locked.applied_at is not None:
        raise ValidationError(_("This file has already been imported."))
    outcome = import_questions(actor=actor, result=ParseResult.from_json(locked.payload), category=locked.category,
                    filename=locked.filename)
    locked.applied_at = timezone.now()
    locked.created_count = len(outcome.questions)
    locked.save(update_fields=["applied_at", "created_count"])
    question_import.applied_at, question_import.created_count = locked.applied_at, locked.created_count
    return outcome
