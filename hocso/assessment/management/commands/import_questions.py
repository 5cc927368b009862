"""`hocso import_questions FILE [--format moodle-xml|gift|xlsx] [--category PATH] [--owner USERNAME] [--dry-run]`.

The same pipeline as the web import: the file is read and checked, a report lists the questions per type and every
problem with its position, then the valid questions are written in one transaction (or nothing with --dry-run).

Ownership (who may edit the result besides province administrators): with --owner, that author owns the new
questions and categories, as if they had imported the file on the web. Without it there is no user, so the new
questions and categories take the owner of the category they land in (the nearest one up the tree that has an
owner); where no category has an owner they stay ownerless: shared with all authors, editable only by province
administrators. The audit entry is recorded as "import_questions" either way.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hocso.assessment.bank.formats import common
from hocso.assessment.bank.formats.common import split_category_path
from hocso.assessment.bank.services import category_get_or_create_path, import_questions
from hocso.assessment.permissions import can_author
from hocso.core.actors import Actor, SystemActor


class Command(BaseCommand):
    help = "Import questions from a Moodle XML, GIFT or Excel file into the question bank."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The file to import")
        parser.add_argument("--format", dest="file_format", choices=common.FORMATS,
                            help="The file's format (default: from its extension)")
        parser.add_argument("--category", default="",
                            help="Category path, e.g. 'Chuyển đổi số/An toàn thông tin'; created if missing. "
                                 "Categories named in the file are created inside it.")
        parser.add_argument("--owner", default="",
                            help="Username of the author who will own the new questions and categories (default: "
                                 "the owner of the category they land in; none if it has none)")
        parser.add_argument("--dry-run", action="store_true", help="Only check the file and print the report")
        parser.add_argument("--strict", action="store_true",
                            help="Import nothing if any question has a problem")

    def handle(self, *args, file: str, file_format: str | None, category: str, owner: str, dry_run: bool,
               strict: bool, **options) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": file})
        file_format = file_format or common.detect_format(path.name)
        if file_format is None:
            raise CommandError(_("The format cannot be recognised from the file name: give --format."))
        actor = self._actor(owner)
        names = split_category_path(category) if category else []
        result = common.parse_and_validate(path.read_bytes(), file_format, has_target=bool(names))
        self._report(result)
        if result.errors:
            raise CommandError(_("The file cannot be imported."))
        if strict and result.problems:
            raise CommandError(_("Nothing was imported because of the problems above (--strict)."))
        if dry_run:
            self.stdout.write(_("Dry run: nothing was imported."))
            return
        if not result.valid:
            raise CommandError(_("No question can be imported."))
        inherit = not owner  # no user: what is imported belongs to the owner of the category it lands in
        try:
            target = (category_get_or_create_path(actor=actor, names=names, inherit_owner=inherit)
                      if names else None)
            outcome = import_questions(actor=actor, result=result, category=target, filename=path.name,
                                   inherit_owner=inherit)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(self.style.SUCCESS(
            _("%(count)s questions were imported (%(categories)s new categories).")
            % {"count": len(outcome.questions), "categories": outcome.categories_created}))
        ownerless = sum(1 for question in outcome.questions if question.owner_id is None)
        if ownerless:
            self.stdout.write(self.style.WARNING(
                _("%(count)s questions have no owner: only province administrators can edit them. Import into a "
                  "category that has an owner, or give --owner USERNAME.") % {"count": ownerless}))

    def _actor(self, username: str) -> Actor:
        if not username:
            # The operator: acts as a province administrator, named "import_questions" in the audit log.
            return SystemActor("import_questions")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user named %(name)s.") % {"name": username})
        if not can_author(user):
            raise CommandError(_("%(name)s is not an administrator or instructor.") % {"name": username})
        return user

    def _report(self, result: common.ParseResult) -> None:
        for error in result.errors:
            self.stderr.write(error)
        for label, count in result.counts():
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(_("Ready to import: %(valid)s; left out: %(problems)s.")
                          % {"valid": len(result.valid), "problems": len(result.problems)})
        for question in result.problems:
            where = f"#{question.position}" + (f" ({_('line')} {question.line})" if question.line else "")
            self.stdout.write(f"{where} {question.name or '—'} [{question.type_label}]: " + " ".join(question.errors))
