"""hocso anonymise_person <id> | --cccd <number>  [--yes]

Erase a person's identifying data for good (a request under Law 91/2025/QH15, or the end of the retention
period), keeping unit statistics intact. See hocso.people.services.learner_anonymise for what is kept.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hocso.core.cccd import clean_cccd
from hocso.people.models import Learner
from hocso.people.services import learner_anonymise


class Command(BaseCommand):
    help = "Anonymise a person: remove name, CCCD, date of birth, contacts and account; keep unit statistics."

    def add_arguments(self, parser) -> None:
        parser.add_argument("learner_id", nargs="?", type=int, help="The person's id (as in /can-bo/<id>/).")
        parser.add_argument("--cccd", help="Find the person by their CCCD number instead.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, learner_id: int | None = None, cccd: str | None = None, yes: bool = False,
               **options) -> None:
        if (learner_id is None) == (cccd is None):
            raise CommandError("Give either a person's id or --cccd.")
        qs = Learner.objects.select_related("unit")
        learner = qs.filter(pk=learner_id).first() if learner_id is not None else qs.filter(
            cccd=clean_cccd(cccd)).first()
        if learner is None:
            raise CommandError("No such person.")
        self.stdout.write(f"Person #{learner.pk}: {learner.full_name}, {learner.masked_cccd or '-'}, "
                          f"{learner.unit.name if learner.unit_id else '-'}")
        if not yes:
            if not self.stdin_is_tty():
                raise CommandError("Add --yes to confirm (this cannot be undone).")
            answer = input(f"Type the id {learner.pk} to anonymise this person for good: ")
            if answer.strip() != str(learner.pk):
                raise CommandError("Not confirmed; nothing changed.")
        learner_anonymise(actor=None, learner=learner)
        self.stdout.write(self.style.SUCCESS(f"Person #{learner.pk} anonymised. Memberships and statistics kept."))

    @staticmethod
    def stdin_is_tty() -> bool:
        import sys

        return sys.stdin.isatty()
