"""Submit attempts whose time ran out while nobody was looking (the learner closed the page, lost the link…).

Once:          hocso submit_overdue_attempts
As a worker:   hocso submit_overdue_attempts --every 30
Pages also submit an overdue attempt as soon as its learner comes back; this catches the ones who never do, so
results and reports are complete when a quiz closes.
"""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from hocso.assessment.exam.services import submit_overdue_attempts
from hocso.assessment.exam.services.submit import OVERDUE_BATCH

logger = logging.getLogger("hocso.assessment")


def _recycle_connections() -> None:
    """As at the end of a request: drop broken or expired connections, so a database restart does not stop the
    worker (never one inside a transaction, which is not ours to end)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


class Command(BaseCommand):
    help = "Submit and grade attempts whose time is up (once, or every N seconds with --every)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0, metavar="SECONDS",
                            help="Keep running, checking every SECONDS seconds (a worker process).")
        parser.add_argument("--limit", type=int, default=1000,
                            help="At most this many attempts per round (the next round takes the rest).")
        parser.add_argument("--batch", type=int, default=OVERDUE_BATCH,
                            help="Attempts graded per transaction (default %(default)s): a short lock, few statements.")
        parser.add_argument("--max-rounds", type=int, default=0,
                            help="With --every: stop after this many rounds (0: run until stopped).")

    def handle(self, *args, every: float = 0, limit: int = 1000, max_rounds: int = 0, batch: int = OVERDUE_BATCH,
               **options) -> None:
        self.verbosity = options.get("verbosity", 1)
        self.batch = max(1, batch)
        if every <= 0:
            self._round(limit)
            return
        rounds = 0
        try:
            while True:
                try:
                    count = self._round(limit)
                except Exception:  # a database hiccup must not stop the worker: log it and try again later
                    logger.exception("Submitting overdue attempts failed; retrying in %s s", every)
                    count = 0
                finally:
                    _recycle_connections()
                rounds += 1
                if max_rounds and rounds >= max_rounds:
                    break
                if count < limit:  # a full round means more are waiting: go on at once
                    time.sleep(every)
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")

    def _round(self, limit: int) -> int:
        count = submit_overdue_attempts(limit=limit, batch=self.batch)
        if count or self.verbosity > 1:
            self.stdout.write(f"Submitted {count} overdue attempt(s).")
        return count
