"""The one import engine behind the web pages, the background tasks and `hocso import_staff`.

    plan = preview_file(content, "ds.xlsx", actor=user, default_unit=unit, on=date)      # reads; writes no data
    plan, counts = apply_file(content, "ds.xlsx", actor=user, default_unit=unit, on=date,
                              expected_fingerprint=plan.fingerprint)                     # one transaction
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from hocso.core.audit import audit
from hocso.core.permissions import ensure
from hocso.core.scoping import scope_of
from hocso.core.uploads import Sheet, UploadLimits, fill_merged, open_workbook
from hocso.org.models import Unit

from .applying import apply_plan
from .columns import Layout, find_layout, require_columns
from .errors import ImportFileError, PreviewOutdated
from .planning import Plan, build_plan
from .rows import ParsedFile, parse_rows

Progress = Callable[[str, int, int], None]


def ensure_can_import(actor, default_unit: Unit | None) -> None:
    scope = scope_of(actor)
    ensure(not scope.is_empty, _("Only administrators and unit focal points can import staff lists."))
    if default_unit is not None:
        ensure(scope.covers(default_unit.path),
               _("%(unit)s is outside the units you manage.") % {"unit": default_unit})


def read_file(
    content: bytes,
    file_name: str,
    *,
    sheet: str = "",
    max_rows: int | None = None,
    max_bytes: int | None = None,
    progress: Progress | None = None,
) -> tuple[ParsedFile, list[list]]:
    """The parsed rows and the raw grid they came from. Raises ImportFileError for a file that cannot be used."""
    limits = UploadLimits.from_settings(max_bytes=max_bytes or settings.HOCSO_IMPORT_MAX_BYTES)
    book = open_workbook(content, limits=limits)
    chosen: tuple[Sheet, Layout | None] | None = None
    candidates = [book.sheet(sheet)] if sheet else book.sheets()
    for candidate in candidates:
        fill_merged(candidate)
        layout = find_layout(candidate)
        if layout is not None and {"cccd"} <= set(layout.columns) and {"full_name", "given_name"} & set(
            layout.columns
        ):
            chosen = (candidate, layout)
            break
        if chosen is None or (chosen[1] is None and layout is not None):
            chosen = (candidate, layout)  # the best explanation so far of why no sheet fits
    assert chosen is not None
    found, layout = chosen
    layout = require_columns(layout)
    parsed = parse_rows(
        found, layout, file_name=file_name, sheet_names=book.sheet_names,
        max_rows=max_rows or settings.HOCSO_IMPORT_MAX_ROWS, progress=progress,
    )
    return parsed, found.rows


def preview_file(
    content: bytes,
    file_name: str,
    *,
    actor,
    default_unit: Unit | None,
    on: dt.date,
    sheet: str = "",
    progress: Progress | None = None,
) -> Plan:
    """What the file would do, row by row. Writes nothing but the audit entry for CCCD numbers of people outside
    the importer's units, which a file could otherwise be used to look up in bulk."""
    ensure_can_import(actor, default_unit)
    parsed, raw = read_file(content, file_name, sheet=sheet, progress=progress)
    plan = build_plan(parsed, actor=actor, default_unit=default_unit, on=on, raw_rows=raw, progress=progress)
    refused = plan.refused_holders
    if refused:
        audit(actor, "learner.cccd_refused", None, extra={
            "via": "import", "file": file_name, "rows": len(refused),
            "learners": " ".join(str(person.pk) for person in refused[:1000])})
    return plan


def apply_file(
    content: bytes,
    file_name: str,
    *,
    actor,
    default_unit: Unit | None,
    on: dt.date,
    sheet: str = "",
    expected_fingerprint: str = "",
    job=None,
    progress: Progress | None = None,
) -> tuple[Plan, dict[str, int]]:
    """Check again and write, in one transaction. Rows with errors are left out; nothing else is.

    With `expected_fingerprint` (from the preview the person confirmed), a plan that came out differently —
    someone changed these people in the meantime — raises PreviewOutdated and writes nothing.
    """
    ensure_can_import(actor, default_unit)
    parsed, raw = read_file(content, file_name, sheet=sheet, progress=progress)
    with transaction.atomic():
        plan = build_plan(parsed, actor=actor, default_unit=default_unit, on=on, raw_rows=raw, lock=True,
                          progress=progress)
        if expected_fingerprint and plan.fingerprint != expected_fingerprint:
            raise PreviewOutdated(plan)
        counts = apply_plan(plan, actor=actor, on=on, file_name=file_name, job=job, progress=progress)
    return plan, counts


__all__ = ["ImportFileError", "PreviewOutdated", "apply_file", "preview_file", "read_file"]
