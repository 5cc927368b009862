"""Files: the follow-up list (.xlsx, personal data: staff only, audited) and snapshots (.xlsx/CSV, aggregates)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from hocso.core.audit import audit
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

from .models import Campaign, Snapshot
from .selectors.boards import public_rows

SCORE_FORMAT = "0.0"  # a score as a number with one decimal shown (Excel writes the separator of the reader's locale)


def _xlsx(title: str, header: list[str], rows: list[list[Any]], *, formats: dict[int, str] | None = None) -> bytes:
    """`formats`: {column index: Excel number format} for numeric columns shown a fixed way (a score's "0.0"); the
    cells stay numbers."""
    from openpyxl.styles import Font

    book = new_workbook(write_only=True)
    sheet = add_sheet(book, title)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    append_row(sheet, [cell(sheet, label, font=bold) for label in header])
    for row in rows:
        if formats:
            row = [cell(sheet, value, number_format=formats[i]) if i in formats and value is not None else value
                   for i, value in enumerate(row)]
        append_row(sheet, row)
    return workbook_bytes(book)


def status_labels() -> dict[str, str]:
    return {
        "not_started": _("Not started"),
        "in_progress": _("In progress"),
        "awaiting_grading": _("Waiting for grading"),
        "failed": _("Failed"),
        "passed": _("Passed"),
    }


def follow_up_xlsx(*, actor, campaign: Campaign, rows, status: str = "") -> bytes:
    labels = status_labels()
    header = [_("No."), _("Full name"), _("Unit"), _("Agency code"), _("Target group"), _("Email"), _("Status"),
              _("Score (%)")]
    data = []
    for index, row in enumerate(rows, start=1):
        learner = row.learner
        data.append([
            index, learner.full_name, row.unit.name, row.unit.code or "",
            learner.target_group.name if learner.target_group else "", learner.email, labels[row.status],
            float(row.grade) if row.grade is not None else None,
        ])
    audit(actor, "campaign.export_follow_up", campaign, extra={"rows": len(data), "status": status})
    return _xlsx(_("Follow-up"), header, data, formats={len(header) - 1: SCORE_FORMAT})


def _bands(figures: dict) -> list[Any]:
    """The ten score-band columns: the counts, or the mark of a withheld group in each."""
    bands = figures["distribution"]
    return list(bands) if isinstance(bands, list) else [bands] * 10


def snapshot_table(snapshot: Snapshot) -> tuple[list[str], list[list[Any]]]:
    """The published snapshot, flat: a file meant for publication, so small groups are withheld as on the board
    ("< 5" for a group under the minimum size, "*" for a cell withheld against subtraction)."""
    header = ["period", "version", "unit", "agency_code", "admin_unit_code", "depth", "audience", "participants",
              "participation_rate", "graded", "passed", "pass_rate", "mean", "median",
              *[f"bin_{10 * i}_{10 * i + 10}" for i in range(10)],
              "own_audience", "own_participants", "own_graded", "own_passed"]
    rows = []
    for row in public_rows(snapshot):
        t, o = row.shown_total, row.shown_own
        rows.append([
            snapshot.period, snapshot.version, row.unit_name, row.agency_code, row.admin_unit_code, row.depth,
            t["audience"], t["participants"], t["participation_rate"], t["graded"], t["passed"], t["pass_rate"],
            t["mean"], t["median"], *_bands(t), o["audience"], o["participants"], o["graded"], o["passed"],
        ])
    return header, rows


def snapshot_file(snapshot: Snapshot, fmt: str) -> tuple[bytes, str, str]:
    header, rows = snapshot_table(snapshot)
    name = f"ket-qua-{snapshot.campaign_id}-v{snapshot.version}"
    if fmt == "csv":
        return csv_bytes(header, rows), CSV_TYPE, f"{name}.csv"
    return _xlsx(snapshot.period, header, rows), XLSX_TYPE, f"{name}.xlsx"
