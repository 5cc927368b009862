"""Read the data rows under the header into clean values and per-cell problems. No database access here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hocso.core.cccd import FEMALE, MALE
from hocso.core.text import fold, normalize, split_full_name
from hocso.core.uploads import Sheet
from hocso.people.models import LearnerStatus

from . import cells
from .columns import Layout
from .errors import ImportFileError

ERROR, WARNING = "error", "warning"


@dataclass
class Problem:
    row: int  # as numbered in the spreadsheet (1 = first row)
    column: str  # the header text as written in the file, or "" for the row as a whole
    value: str
    message: str
    severity: str = ERROR

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message,
                "severity": self.severity}


@dataclass
class ParsedRow:
    number: int
    index: int  # position in the sheet's rows
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == ERROR for p in self.problems)


@dataclass
class ParsedFile:
    file_name: str
    sheet: str
    sheet_names: list[str]
    layout: Layout
    rows: list[ParsedRow]
    blank_rows: int = 0
    headings: list[int] = field(default_factory=list)


def status_aliases() -> dict[str, str]:
    """Folded status labels in Vietnamese and English (and a few everyday words) -> status value."""
    mapping = {value: value for value in LearnerStatus.values}
    for language in ("vi", "en"):
        with translation.override(language):
            for value, label in LearnerStatus.choices:
                mapping[fold(str(label))] = value
    mapping.update({
        "dang lam viec": LearnerStatus.ACTIVE, "cong tac": LearnerStatus.ACTIVE, "dang cong tac": LearnerStatus.ACTIVE,
        "nghi huu": LearnerStatus.RETIRED, "da nghi huu": LearnerStatus.RETIRED,
        "thoi viec": LearnerStatus.LEFT, "nghi viec": LearnerStatus.LEFT, "da nghi viec": LearnerStatus.LEFT,
        "tam nghi": LearnerStatus.ON_LEAVE, "nghi phep": LearnerStatus.ON_LEAVE,
    })
    return mapping


def _is_heading(row: list, layout: Layout) -> bool:
    """A section title inside the list ("I. Khối Đảng", a unit's name merged across the row)."""
    values = [v for v in row if not cells.is_empty(v)]
    if not values:
        return False
    if len(values) >= 3 and all(v == values[0] for v in values):
        return True  # one text merged across the whole row
    cccd_col = layout.columns.get("cccd")
    has_cccd = cccd_col is not None and cccd_col < len(row) and not cells.is_empty(row[cccd_col])
    if has_cccd or len(values) > 2:
        return False
    first = cells.as_text(values[0]).rstrip(".")
    roman = set(first.upper()) <= set("IVXLC") and len(first) <= 5
    return len(values) == 2 and (roman or (len(first) == 1 and first.isalpha()))


def parse_rows(
    sheet: Sheet,
    layout: Layout,
    *,
    file_name: str,
    sheet_names: list[str],
    max_rows: int,
    progress: Callable[[str, int, int], None] | None = None,
) -> ParsedFile:
    statuses = status_aliases()
    today = timezone.localdate()
    columns = layout.columns
    data = sheet.rows[layout.data_start:]
    width_needed = max(columns.values()) + 1 if columns else 0
    parsed = ParsedFile(file_name=file_name, sheet=sheet.name, sheet_names=sheet_names, layout=layout, rows=[])

    non_blank = sum(1 for row in data if any(not cells.is_empty(row[c]) for c in columns.values() if c < len(row)))
    if non_blank > max_rows:
        raise ImportFileError(
            "too_many_rows",
            _("The file has %(count)s rows of data; at most %(limit)s can be imported at once. Split the list "
              "into several files.") % {"count": f"{non_blank:,}".replace(",", "."), "limit":
                                         f"{max_rows:,}".replace(",", ".")},
        )

    total = len(data)
    for offset, row in enumerate(data):
        if progress and offset % 500 == 0:
            progress("reading", offset, total)
        index = layout.data_start + offset
        if len(row) < width_needed:
            row = [*row, *([""] * (width_needed - len(row)))]
        if all(cells.is_empty(row[c]) for c in columns.values()):
            parsed.blank_rows += 1
            continue
        if _is_heading(row, layout):
            parsed.headings.append(index + 1)
            continue
        parsed.rows.append(_parse_row(row, index, layout, statuses, today))
    if progress:
        progress("reading", total, total)
    if not parsed.rows:
        raise ImportFileError("no_rows", _("The file has a header but no rows of people under it."))
    return parsed


def _parse_row(row: list, index: int, layout: Layout, statuses: dict[str, str], today: dt.date) -> ParsedRow:
    result = ParsedRow(number=index + 1, index=index)
    columns = layout.columns

    def cell(name: str):
        c = columns.get(name)
        return row[c] if c is not None else None

    def problem(name: str, message: str, *, severity: str = ERROR, value=None) -> None:
        raw = cell(name) if value is None else value
        result.problems.append(Problem(result.number, layout.label(name), cells.as_text(raw), message, severity))

    def read(name: str, parser: Callable[[Any], Any]) -> Any:
        raw = cell(name)
        if cells.is_empty(raw):
            return None
        try:
            return parser(raw)
        except cells.CellError as exc:
            problem(name, exc.message)
            return None

    values = result.values
    _read_names(result, cell, problem)

    cccd = read("cccd", cells.parse_cccd)
    if cccd:
        values["cccd"] = cccd
    elif cells.is_empty(cell("cccd")):
        problem("cccd", _("The CCCD number is missing; people are matched by it."))

    def parse_date(value) -> dt.date:
        return cells.parse_date(value, today)

    birth = read("date_of_birth", parse_date)
    gender = read("gender", cells.parse_gender)
    male_birth, female_birth = read("dob_male", parse_date), read("dob_female", parse_date)
    if male_birth and female_birth:
        problem("dob_female", _("A date is written under both Nam and Nữ."))
    elif male_birth or female_birth:
        birth = male_birth or female_birth
        gender = MALE if male_birth else FEMALE
    if "gender_male_mark" in columns or "gender_female_mark" in columns:
        male_mark = not cells.is_empty(cell("gender_male_mark"))
        female_mark = not cells.is_empty(cell("gender_female_mark"))
        if male_mark and female_mark:
            problem("gender_female_mark", _("Both Nam and Nữ are marked."))
        elif male_mark or female_mark:
            gender = MALE if male_mark else FEMALE
    if birth:
        values["date_of_birth"] = birth
    if gender:
        values["gender"] = gender

    for name, parser in (("position", cells.parse_text), ("email", cells.parse_email),
                         ("phone", cells.parse_phone), ("rank_code", cells.parse_rank_code)):
        value = read(name, parser)
        if value:
            values[name] = value
    if "rank_code" not in values and not cells.is_empty(cell("rank")):
        code, warning = cells.parse_rank(cell("rank"))
        if code:
            values["rank_code"] = code
        elif warning:
            problem("rank", warning, severity=WARNING)

    status_raw = cell("status")
    if not cells.is_empty(status_raw):
        status = statuses.get(fold(cells.as_text(status_raw)))
        if status is None:
            labels = ", ".join(str(label) for _value, label in LearnerStatus.choices)
            problem("status", _("Unknown status; use one of: %(labels)s.") % {"labels": labels})
        else:
            values["status"] = status

    for name in ("unit", "unit_code", "target_group"):
        raw = cell(name)
        if not cells.is_empty(raw):
            values[name] = cells.as_text(raw)
    return result


def _read_names(result: ParsedRow, cell, problem) -> None:
    """Family, middle and given names from split columns, "Họ và đệm" + "Tên", or one full-name column."""
    values = result.values
    family, middle, given = (normalize(cells.as_text(cell(n))) for n in ("family_name", "middle_name", "given_name"))
    family_middle = normalize(cells.as_text(cell("family_middle")))
    full = normalize(cells.as_text(cell("full_name")))
    if given:
        if family_middle and not family:
            family, _sep, middle = family_middle.partition(" ")
        elif family and not middle and cell("middle_name") is None and " " in family:
            # Two columns "Họ" | "Tên": the first often holds the family and the middle names together.
            family, _sep, middle = family.partition(" ")
        values.update(family_name=family, middle_name=middle, given_name=given)
        values["_split"] = True
    elif full:
        values["family_name"], values["middle_name"], values["given_name"] = split_full_name(full)
        values["full_name"] = full
    elif family or family_middle or middle:
        problem("given_name", _("The given name is missing."))
    else:
        problem("full_name" if cell("full_name") is not None else "given_name", _("The name is missing."))


def row_signature(values: dict[str, Any]) -> tuple:
    """The row's content, to tell true duplicates (same everything) from conflicting rows with one CCCD."""
    return tuple(sorted((k, v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()
                        if not k.startswith("_")))
