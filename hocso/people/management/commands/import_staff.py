"""hocso import_staff FILE [--unit CODE] [--dry-run]: the web import's engine on the command line.

Prints the counts and every problem (row, column, value, message), then applies the valid rows in one transaction
unless --dry-run is given. Progress is drawn on the terminal (stderr) while the file is read, checked and written.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hocso.core.actors import Actor, SystemActor
from hocso.org.models import Unit
from hocso.people.importing.engine import apply_file, preview_file
from hocso.people.importing.errors import ImportFileError
from hocso.people.importing.planning import LEFT, MOVED, NEW, UNCHANGED, UPDATED
from hocso.people.importing.report import error_report

# Whoever runs the command on the server: a province administrator, recorded as the command line.
COMMAND_LINE = SystemActor("import_staff (command line)")


class TerminalProgress:
    """A one-line progress bar on a terminal; plain stage lines when the output is a file."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.stage = ""
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        labels = {"reading": _("Reading"), "checking": _("Checking"), "writing": _("Writing")}
        label = labels.get(stage, stage)
        if not self.tty:
            if stage != self.stage:
                self.stream.write(f"{label}…\n")
                self.stage = stage
            return
        now = time.monotonic()
        if done not in (0, total) and now - self.last < 0.1:
            return
        self.last = now
        if stage != self.stage and self.stage:
            self.stream.write("\n")
        self.stage = stage
        fraction = done / total if total else 1.0
        bar = "#" * int(fraction * 30)
        self.stream.write(f"\r{label:<10} [{bar:<30}] {fraction:4.0%}  {done:>7,}/{total:,}")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty and self.stage:
            self.stream.write("\n")
            self.stage = ""


class Command(BaseCommand):
    help = "Import a staff list (.xlsx or .csv): preview it, then apply the valid rows in one transaction."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="the .xlsx or .csv file")
        parser.add_argument("--unit", help="unit code (or exact name) for rows that name no unit")
        parser.add_argument("--dry-run", action="store_true", help="only show what would change")
        parser.add_argument("--sheet", default="", help="sheet name (default: the first sheet with a header)")
        parser.add_argument("--date", help="date the changes take effect, dd/mm/yyyy (default: today)")
        parser.add_argument("--user", help="act as this user, with their scope (default: a province administrator)")
        parser.add_argument("--errors", help="write the rows with errors to this .xlsx file")
        parser.add_argument("--strict", action="store_true", help="apply nothing if any row has an error")
        parser.add_argument("--language", default="vi", help="language of the messages (vi or en)")

    def handle(self, *args, **options) -> None:
        with translation.override(options["language"]):
            self._handle(options)

    def _handle(self, options) -> None:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        actor = self._actor(options["user"])
        unit = self._unit(options["unit"]) if options["unit"] else None
        on = self._date(options["date"])
        progress = TerminalProgress(self.stderr._out if hasattr(self.stderr, "_out") else sys.stderr)
        started = time.perf_counter()
        try:
            plan = preview_file(content, path.name, actor=actor, default_unit=unit, on=on, sheet=options["sheet"],
                                progress=progress)
        except ImportFileError as exc:
            progress.finish()
            raise CommandError(exc.message) from exc
        except PermissionDenied as exc:
            progress.finish()
            raise CommandError(str(exc)) from exc
        progress.finish()
        seconds = time.perf_counter() - started
        self._report(plan, seconds)
        if options["errors"]:
            report = error_report(plan)
            if report:
                Path(options["errors"]).write_bytes(report)
                self.stdout.write(_("Rows with errors written to %(path)s") % {"path": options["errors"]})
        if options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was changed."))
            return
        if options["strict"] and plan.counts["error"]:
            raise CommandError(_("Nothing was changed: %(count)s rows have errors (--strict).")
                               % {"count": plan.counts["error"]})
        if not plan.changes:
            self.stdout.write(_("Nothing to change."))
            return
        started = time.perf_counter()
        try:
            plan, counts = apply_file(content, path.name, actor=actor, default_unit=unit, on=on,
                                      sheet=options["sheet"], expected_fingerprint=plan.fingerprint,
                                      progress=progress)
        except (ImportFileError, PermissionDenied, ValidationError) as exc:
            progress.finish()
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        progress.finish()
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(
            _("Imported in %(seconds).1f s: %(new)s new, %(updated)s updated, %(moved)s moved, %(left)s retired or "
              "left.") % {"seconds": seconds, **{k: counts[k] for k in (NEW, UPDATED, MOVED, LEFT)}}
        ))

    def _report(self, plan, seconds: float) -> None:
        counts = plan.counts
        self.stdout.write(
            _("%(file)s, sheet “%(sheet)s”: %(rows)s rows read in %(seconds).1f s.")
            % {"file": plan.parsed.file_name, "sheet": plan.parsed.sheet, "rows": counts["rows"], "seconds": seconds}
        )
        self.stdout.write(
            _("New: %(new)s  Updated: %(updated)s  Moved: %(moved)s  Retired or left: %(left)s  Unchanged: "
              "%(unchanged)s  With errors: %(error)s") % {k: counts[k] for k in (NEW, UPDATED, MOVED, LEFT,
                                                                                   UNCHANGED, "error")}
        )
        for problem in sorted(plan.problems, key=lambda p: p.row):
            where = _("row %(row)s") % {"row": problem.row}
            column = f", {problem.column}" if problem.column else ""
            value = f" [{problem.value}]" if problem.value else ""
            kind = _("warning") if problem.severity == "warning" else _("error")
            self.stdout.write(f"  {where}{column}{value}: {kind}: {problem.message}")

    def _actor(self, username: str | None) -> Actor:
        if not username:
            return COMMAND_LINE
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user %(name)s.") % {"name": username})
        return user

    def _unit(self, text: str) -> Unit:
        unit = Unit.objects.current().filter(Q(code__iexact=text) | Q(name__iexact=text)).first()
        if unit is None:
            raise CommandError(_("No current unit has the code or name %(unit)s.") % {"unit": text})
        return unit

    def _date(self, text: str | None) -> dt.date:
        if not text:
            return timezone.localdate()
        try:
            return dt.datetime.strptime(text, "%d/%m/%Y").date()
        except ValueError as exc:
            raise CommandError(_("Enter a date as dd/mm/yyyy, e.g. 17/05/1985.")) from exc
