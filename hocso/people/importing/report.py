"""Spreadsheets the import hands out: the rows it refused (with an error column) and the blank template."""

from __future__ import annotations

from itertools import zip_longest
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.exporting import DATE_FORMAT, add_sheet, append_row, new_workbook, workbook_bytes
from hocso.core.scoping import scope_of
from hocso.org.models import TargetGroup, Unit
from hocso.people.models import Gender, LearnerStatus
from hocso.people.staff_columns import TEMPLATE_KEYS, staff_columns

from .planning import FAILED, Plan
from .resolve import unit_labels

TEMPLATE_ROWS = 2000  # rows prepared with drop-downs and formats


def _cell_value(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value is None:
        return ""
    return value


def _styles():
    from openpyxl.styles import Alignment, Font, PatternFill

    return Font(bold=True), PatternFill("solid", fgColor="EEF1F5"), PatternFill("solid", fgColor="FDECEA"), Alignment(
        wrap_text=True, vertical="top")


def error_report(plan: Plan) -> bytes | None:
    """The refused rows as the file had them (header included), with a last column saying what is wrong.

    Fix the cells, delete the error column or leave it (the import ignores it) and import the file again.
    """
    failed = [row_plan.row for row_plan in plan.rows if row_plan.kind == FAILED]
    if not failed:
        return None
    from openpyxl.utils import get_column_letter

    bold, fill, error_fill, wrap = _styles()
    raw_rows = plan.raw_rows
    layout = plan.parsed.layout
    width = max([*(len(raw_rows[i]) for i in layout.header_rows), max(layout.columns.values()) + 1])
    # Trailing columns with nothing in the header are left out.
    while width > 1 and all(
        not str(raw_rows[i][width - 1]).strip() if width - 1 < len(raw_rows[i]) else True for i in layout.header_rows
    ):
        width -= 1
    book = new_workbook()
    sheet = add_sheet(book, plan.parsed.sheet or _("Errors"))
    error_label = _("Error")
    for index in layout.header_rows:
        header = [_cell_value(v) for v in raw_rows[index][:width]]
        header += [""] * (width - len(header))
        append_row(sheet, [*header, error_label])
        for cell in sheet[sheet.max_row]:
            cell.font, cell.fill, cell.alignment = bold, fill, wrap
    for row in failed:
        raw = raw_rows[row.index]
        values = [_cell_value(v) for v in raw[:width]] + [""] * max(0, width - len(raw))
        message = "\n".join(
            f"{p.column}: {p.message}" if p.column else p.message for p in row.problems
        )
        append_row(sheet, [*values, message])  # dates get dd/mm/yyyy; text that could be a formula stays text
        last = sheet.cell(row=sheet.max_row, column=width + 1)
        last.fill, last.alignment = error_fill, wrap
    sheet.freeze_panes = sheet.cell(row=len(layout.header_rows) + 1, column=1)
    for column in range(1, width + 1):
        longest = max((len(str(sheet.cell(row=r, column=column).value or "")) for r in
                       range(1, min(sheet.max_row, 200) + 1)), default=8)
        sheet.column_dimensions[get_column_letter(column)].width = min(max(longest + 2, 8), 40)
    sheet.column_dimensions[get_column_letter(width + 1)].width = 70
    return workbook_bytes(book)


def template_columns() -> list[tuple[str, str, int]]:
    return staff_columns(TEMPLATE_KEYS)


def template_workbook(*, actor) -> bytes:
    """A blank list with drop-downs (gender, target group, the actor's units), formats and an instructions sheet."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    bold, fill, _error_fill, wrap = _styles()
    columns = template_columns()
    letter = {key: get_column_letter(i) for i, (key, _label, _w) in enumerate(columns, start=1)}
    last = TEMPLATE_ROWS + 1

    book = new_workbook()
    sheet = add_sheet(book, _("Staff list"))
    append_row(sheet, [label for _key, label, _width in columns])
    for cell in sheet[1]:
        cell.font, cell.fill, cell.alignment = bold, fill, wrap
    sheet.freeze_panes = "A2"
    for key, _label, width in columns:
        sheet.column_dimensions[letter[key]].width = width
    for row in range(2, last + 1):
        sheet[f"{letter['cccd']}{row}"].number_format = "@"
        sheet[f"{letter['phone']}{row}"].number_format = "@"
        sheet[f"{letter['rank_code']}{row}"].number_format = "@"
        sheet[f"{letter['date_of_birth']}{row}"].number_format = DATE_FORMAT

    # Drop-down values live on a hidden sheet: a list typed into the validation is limited to 255 characters.
    lists = add_sheet(book, "DanhMuc")
    lists.sheet_state = "hidden"
    genders = [str(label) for _value, label in Gender.choices]
    groups = list(TargetGroup.objects.filter(is_active=True).order_by("position", "name").values_list("name",
                                                                                                      flat=True))
    units = list(Unit.objects.current().filter(scope_of(actor).q("path")).order_by("path"))
    labels = unit_labels(list(Unit.objects.current().only("pk", "name", "parent_id", "valid_to")))
    unit_names = sorted({labels.get(u.pk, u.name) for u in units})
    statuses = [str(label) for _value, label in LearnerStatus.choices]
    append_row(lists, [_("Gender"), _("Target group"), _("Unit"), _("Status")])
    for title in lists[1]:
        title.font = bold
    for row in zip_longest(genders, groups, unit_names, statuses):
        append_row(lists, row)

    def list_validation(key: str, list_column: str, count: int, prompt: str) -> None:
        if not count:
            return
        validation = DataValidation(
            type="list", formula1=f"DanhMuc!${list_column}$2:${list_column}${count + 1}", allow_blank=True,
            showErrorMessage=True, errorTitle=_("Not in the list"), error=prompt,
        )
        sheet.add_data_validation(validation)
        validation.add(f"{letter[key]}2:{letter[key]}{last}")

    list_validation("gender", "A", len(genders), _("Choose Nam or Nữ from the list."))
    list_validation("target_group", "B", len(groups), _("Choose a target group from the list."))
    list_validation("unit", "C", len(unit_names), _("Choose one of your units from the list."))
    today = timezone.localdate()
    dates = DataValidation(
        type="date", operator="between", formula1="DATE(1900,1,1)",
        formula2=f"DATE({today.year},{today.month},{today.day})", allow_blank=True, showErrorMessage=True,
        errorTitle=_("Not a date"), error=_("Enter a date as dd/mm/yyyy, e.g. 17/05/1985."),
    )
    sheet.add_data_validation(dates)
    dates.add(f"{letter['date_of_birth']}2:{letter['date_of_birth']}{last}")
    digits = DataValidation(
        type="textLength", operator="equal", formula1="12", allow_blank=True, showErrorMessage=True,
        errorTitle=_("CCCD number"), error=_("A CCCD number must have exactly 12 digits."),
    )
    sheet.add_data_validation(digits)
    digits.add(f"{letter['cccd']}2:{letter['cccd']}{last}")

    guide = add_sheet(book, _("Instructions"))
    guide.column_dimensions["A"].width = 26
    guide.column_dimensions["B"].width = 100
    append_row(guide, [_("How to fill in this list")])
    guide["A1"].font = bold
    append_row(guide, ())
    for text in (
        _("Fill in one person per row on the first sheet, under the header. Do not rename or move the header."),
        _("People are matched by their CCCD number: a number already in the system updates that person; a new "
          "number adds a person. An empty cell keeps what the system already has."),
        _("A person whose unit changes is transferred on the date chosen when importing; their history is kept."),
        _("You can import only into the units you manage. A person who belongs to another unit must be "
          "transferred by the province administrator."),
        _("After uploading you will see a preview with every problem, row by row; nothing is saved until you "
          "confirm. Rows with errors can be downloaded, fixed and imported again."),
    ):
        append_row(guide, ["•", text])
        guide.cell(row=guide.max_row, column=2).alignment = wrap
    append_row(guide, ())
    append_row(guide, [_("Column"), _("What to write")])
    for cell in guide[guide.max_row]:
        cell.font, cell.fill = bold, fill
    explanations = {
        "no": _("Optional; not imported."),
        "full_name": _("Required. Family, middle and given names, e.g. Nguyễn Thị Minh Khai. Separate columns "
                       "for family, middle and given names are accepted too."),
        "date_of_birth": _("dd/mm/yyyy, e.g. 17/05/1985 (an Excel date or text)."),
        "gender": _("Nam or Nữ."),
        "cccd": _("Required. 12 digits; the column is formatted as text so the leading 0 stays."),
        "unit": _("The unit's name or its code, from the list. Leave empty to use the unit chosen when "
                  "importing."),
        "position": _("e.g. Chuyên viên, Phó Trưởng phòng."),
        "rank_code": _("e.g. 01.003 (civil servants) or V.07.03.29 (public employees)."),
        "target_group": _("From the list."),
        "email": _("Work e-mail address."),
        "phone": _("e.g. 0912345678."),
    }
    for key, label, _width in columns:
        append_row(guide, [label, explanations[key]])
        guide.cell(row=guide.max_row, column=2).alignment = wrap
    return workbook_bytes(book)
