"""`hocso seed_demo [--learners N] [--reset]`: fill an empty database with the demo province."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hocso.demo.builder import build_demo, demo_accounts, demo_root, reset_demo
from hocso.org.models import Unit


class Command(BaseCommand):
    help = (
        "Build a realistic demo province (Thái Nguyên after 1 July 2025: agencies, the 92 communes and wards, "
        "schools, health stations, people with history) and one demo log-in per role."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--learners", type=int, default=2500, help="how many people to create (default 2500)")
        parser.add_argument("--reset", action="store_true", help="delete the demo data first, then seed again")
        parser.add_argument(
            "--if-empty", action="store_true",
            help="seed only if the database has no units; otherwise say so and exit successfully",
        )
        parser.add_argument("--seed", type=int, default=20250701, help="random seed (the same seed, the same data)")

    def handle(self, *args, learners: int, reset: bool, if_empty: bool, seed: int, **options) -> None:
        if not (settings.DEMO or settings.DEBUG or settings.TESTING):
            # The demo accounts have published passwords: never on a production database.
            raise CommandError(
                "seed_demo creates accounts with published passwords, so it runs only with HOCSO_DEMO=1 or DEBUG=1."
            )
        if learners < 1:
            raise CommandError("--learners must be at least 1.")
        if reset:
            deleted = {what: count for what, count in reset_demo().items() if count}
            if deleted:
                self.stdout.write("Deleted the demo data: " + ", ".join(f"{n:,} {what}" for what, n in deleted.items()))
            else:
                self.stdout.write("There was no demo data to delete.")
        existing = Unit.objects.count()
        if existing:
            if if_empty:
                self.stdout.write("The database already has data; not seeding it again.")
                self._print_accounts()
                return
            what = "the demo province" if demo_root() is not None else f"{existing} units"
            raise CommandError(
                f"The database already holds {what}. seed_demo fills an empty database only; "
                "run `hocso seed_demo --reset` to delete the demo data and seed again."
            )

        self.stdout.write(f"Seeding the demo province with {learners:,} people…")
        started = time.perf_counter()
        report = build_demo(learners=learners, seed=seed, progress=lambda m: self.stdout.write(f"  {m}"))
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(
            f"Done: {report.units:,} units, {report.learners:,} people, {report.memberships:,} memberships "
            f"({report.transfers} with a past transfer) in {elapsed:.1f} s."
        ))
        self._print_accounts()

    def _print_accounts(self) -> None:
        accounts = demo_accounts()
        width = max(len(a.username) for a in accounts)
        self.stdout.write("\nDemo log-ins (same password for all):")
        for account in accounts:
            self.stdout.write(f"  {account.username:<{width}}  {account.password}  {account.description}")
