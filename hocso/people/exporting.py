"""The learner list, as filtered on screen, to .xlsx or CSV.

The columns are the ones the import reads, so an export by someone allowed to see full CCCD numbers can be edited
and imported again. Personal data follows the screen's rules: the full CCCD and date of birth only for viewers
allowed to see them (`can_see_full_cccd`), and only signed-in people, never API keys; such an export is audited.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.audit import audit
from hocso.core.cccd import mask_cccd
from hocso.core.exporting import (
    CSV_TYPE,
    XLSX_TYPE,
    add_sheet,
    append_row,
    cell,
    csv_bytes,
    new_workbook,
    workbook_bytes,
)
from hocso.org.models import Unit

from .importing.resolve import unit_key
from .models import Learner
from .permissions import can_see_full_cccd
from .staff_columns import EXPORT_KEYS, staff_columns

TEXT_COLUMNS = ("cccd", "phone", "unit_code", "rank_code")


def export_columns() -> list[tuple[str, str, int]]:
    """(key, header, width) in the order Vietnamese staff lists use; headers in the active language."""
    return staff_columns(EXPORT_KEYS)


@dataclass
class ExportFile:
    content: bytes
    content_type: str
    file_name: str
    rows: int
    full_cccd: bool


def _ambiguous_unit_names() -> set[str]:
    counts = Counter(unit_key(name) for name in Unit.objects.current().values_list("name", flat=True))
    return {name for name, n in counts.items() if n > 1}


def _unit_label(unit: Unit | None, ambiguous: set[str], parents: dict[int, str]) -> str:
    """The unit as the import finds it again: its name, with the parent's name when the name repeats."""
    if unit is None:
        return ""
    if unit_key(unit.name) in ambiguous and unit.parent_id in parents:
        return f"{unit.name} ({parents[unit.parent_id]})"
    return unit.name


def export_rows(*, actor, learners: Iterable[Learner], masked: bool = False) -> tuple[list[dict[str, Any]], bool]:
    """One dict per learner with the export's columns; and whether any full CCCD number is included."""
    is_user = isinstance(actor, get_user_model())
    learners = list(learners)
    ambiguous = _ambiguous_unit_names()
    parent_ids = {p.unit.parent_id for p in learners if p.unit_id and unit_key(p.unit.name) in ambiguous}
    parents = dict(Unit.objects.filter(pk__in=parent_ids).values_list("pk", "name")) if parent_ids else {}
    rows, any_full = [], False
    for number, learner in enumerate(learners, start=1):
        full = is_user and not masked and can_see_full_cccd(actor, learner)
        any_full = any_full or (full and bool(learner.cccd))
        birth: dt.date | str | None = learner.date_of_birth
        if birth is not None and not full:
            birth = f"**/**/{birth.year}"
        rows.append({
            "no": number,
            "family_name": learner.family_name,
            "middle_name": learner.middle_name,
            "given_name": learner.given_name,
            "date_of_birth": birth,
            "gender": learner.get_gender_display() if learner.gender else "",
            "cccd": (learner.cccd or "") if full else mask_cccd(learner.cccd),
            "unit_code": (learner.unit.code or "") if learner.unit_id else "",
            "unit": _unit_label(learner.unit, ambiguous, parents),
            "position": learner.position,
            "rank_code": learner.rank_code,
            "target_group": learner.target_group.name if learner.target_group_id else "",
            "email": learner.email,
            "phone": learner.phone,
            "status": learner.get_status_display(),
        })
    return rows, any_full


def _xlsx(rows: list[dict[str, Any]], title: str) -> bytes:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    columns = export_columns()
    book = new_workbook(write_only=True)  # flat memory for a province's whole staff list
    sheet = add_sheet(book, title)
    sheet.freeze_panes = "A2"
    for index, (_key, _label, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="EEF1F5")
    wrap = Alignment(vertical="center", wrap_text=True)
    append_row(sheet, [cell(sheet, label, font=bold, fill=fill, alignment=wrap) for _key, label, _width in columns])
    for row in rows:
        append_row(sheet, [
            # Text, so that Excel does not turn 019… into a number.
            cell(sheet, row[key], number_format="@") if key in TEXT_COLUMNS else row[key]
            for key, _label, _width in columns
        ])
    return workbook_bytes(book)


def _csv(rows: list[dict[str, Any]]) -> bytes:
    columns = export_columns()
    return csv_bytes([label for _key, label, _width in columns],
                     ([row[key] for key, _label, _width in columns] for row in rows))


def export_learners(
    *, actor, learners: QuerySet[Learner], fmt: str = "xlsx", masked: bool = False, filters: dict | None = None
) -> ExportFile:
    """The file for `learners` (already scoped and filtered by the selector). Audited."""
    rows, full = export_rows(actor=actor, learners=learners, masked=masked)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "csv":
        content, content_type, name = _csv(rows), CSV_TYPE, f"can-bo-{stamp}.csv"
    else:
        content, content_type, name = _xlsx(rows, _("People")), XLSX_TYPE, f"can-bo-{stamp}.xlsx"
    audit(actor, "learner.export", None, extra={
        "format": fmt, "rows": len(rows), "full_cccd": full,
        **{f"filter_{key}": value for key, value in (filters or {}).items() if value not in (None, "")},
    })
    return ExportFile(content=content, content_type=content_type, file_name=name, rows=len(rows), full_cccd=full)
