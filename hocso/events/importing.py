"""The bridge-site list from Excel (.xlsx) or CSV: read, check every row, and say what confirming would do.

The file is read by hocso.core.uploads (sizes, dimensions and compression checked before reading). The header
may sit under title rows; its names are matched without diacritics or case ("Tên điểm cầu", "ten diem cau",
"Site name"). A row names its unit by agency or administrative code or by its exact name; a site already in that
unit with the same name is updated, any other is created. Nothing is written here: the rows are kept as read
(hocso.events.services.site_import_store) and checked again when confirmed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.formatting import number
from hocso.core.scoping import scope_of
from hocso.core.text import fold, normalize
from hocso.core.uploads import FileRejected, Sheet, UploadLimits, fill_merged, open_workbook
from hocso.core.uploads.cells import cell_text
from hocso.org.models import Unit

from .models import BridgeSite
from .site_data import SiteData, clean_site_data

MAX_ROWS = 5000
HEADER_SEARCH_ROWS = 10

# The columns, in the order the template and the export write them: (field, Vietnamese header, English header).
COLUMNS = (
    ("unit_code", "Mã đơn vị", "Unit code"),
    ("unit_name", "Đơn vị", "Unit"),
    ("name", "Tên điểm cầu", "Site name"),
    ("address", "Địa chỉ", "Address"),
    ("capacity", "Số chỗ ngồi", "Seats"),
    ("coordinator_name", "Người phụ trách", "Person in charge"),
    ("coordinator_phone", "SĐT người phụ trách", "Phone of the person in charge"),
    ("technician_name", "Kỹ thuật viên", "Technician"),
    ("technician_phone", "SĐT kỹ thuật viên", "Technician's phone"),
    ("equipment", "Thiết bị", "Equipment notes"),
    ("coordinators", "Tài khoản điều phối", "Coordinator accounts"),
    ("is_active", "Đang sử dụng", "In use"),
)
_EXTRA_ALIASES = {
    "unit_code": ("ma dvhc", "ma co quan", "ma dinh danh", "code"),
    "unit_name": ("ten don vi", "co quan", "don vi quan ly"),
    "name": ("diem cau", "ten diem", "site", "bridge site"),
    "capacity": ("suc chua", "so cho", "capacity"),
    "coordinator_name": ("phu trach", "can bo phu trach", "nguoi dau moi"),
    "coordinator_phone": ("dien thoai nguoi phu trach", "so dien thoai phu trach", "sdt phu trach"),
    "technician_name": ("can bo ky thuat", "ky thuat"),
    "technician_phone": ("dien thoai ky thuat vien", "sdt ky thuat", "so dien thoai ky thuat"),
    "equipment": ("ghi chu thiet bi", "trang thiet bi", "equipment"),
    "coordinators": ("tai khoan", "tai khoan dieu phoi vien", "accounts"),
    "is_active": ("su dung", "active"),
}
_FIELD_OF: dict[str, str] = {}
for _field, _vi, _en in COLUMNS:
    for _alias in (_vi, _en, *_EXTRA_ALIASES.get(_field, ())):
        _FIELD_OF[fold(_alias)] = _field
_YES = {"co", "x", "yes", "true", "1", "dang su dung", "su dung"}
_NO = {"khong", "no", "false", "0", "ngung", "ngung su dung"}
_ACCOUNT_SPLIT = re.compile(r"[,;\n]+")


def _header(sheet: Sheet) -> tuple[int, dict[int, str]] | None:
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        columns = {}
        for position, cell in enumerate(row):
            name = fold(cell_text(cell)).strip(" :*")
            if name in _FIELD_OF and _FIELD_OF[name] not in columns.values():
                columns[position] = _FIELD_OF[name]
        if "name" in columns.values() and {"unit_code", "unit_name"} & set(columns.values()):
            return index, columns
    return None


def read_site_rows(content: bytes) -> list[dict]:
    """The data rows of the first sheet with a usable header, as texts keyed by field, each with its row number.

    FileRejected for a file that cannot be used: not a spreadsheet, beyond the reader's limits, no header, no rows,
    or more than MAX_ROWS rows."""
    book = open_workbook(content, limits=UploadLimits.from_settings())
    for sheet in book.sheets():
        fill_merged(sheet)
        found = _header(sheet)
        if found is None:
            continue
        index, columns = found
        rows = []
        for offset, cells in enumerate(sheet.rows[index + 1:]):
            values = {name: cell_text(cells[position]) if position < len(cells) else ""
                      for position, name in columns.items()}
            if not any(values.values()):
                continue
            rows.append({"number": index + offset + 2, **values})
        if len(rows) > MAX_ROWS:
            raise FileRejected("too_many_rows", _(
                "The file has %(count)s sites; at most %(limit)s can be imported at once. Split the list into "
                "several files.") % {"count": number(len(rows)), "limit": number(MAX_ROWS)})
        if not rows:
            raise FileRejected("no_rows", _("The file has a header but no sites under it."))
        return rows
    raise FileRejected("no_header", _(
        "No header row was recognised in the first %(rows)s rows. The list needs the columns “Tên điểm cầu” and "
        "“Mã đơn vị” or “Đơn vị”; download the template to see them all.") % {"rows": HEADER_SEARCH_ROWS})


@dataclass
class PlannedRow:
    number: int
    data: SiteData | None = None
    site_id: int | None = None  # the site it updates; None: a new site
    coordinators: list | None = None  # accounts; None: the column was absent or empty (keep them)
    errors: list[str] = field(default_factory=list)
    raw: dict = field(default_factory=dict)

    @property
    def action(self) -> str:
        return "error" if self.errors else ("update" if self.site_id else "create")


@dataclass
class Plan:
    rows: list[PlannedRow]

    @property
    def errors(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.errors]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


def _site_key(name: str) -> str:
    """How a row finds its site again: case ignored, diacritics kept ("thôn Đông" and "thôn Đồng" are two sites)."""
    return normalize(name).casefold()


def _units(actor: Actor, rows: list[dict]) -> tuple[dict[str, Unit], dict[str, list[Unit]]]:
    """Units the rows name, among the current units the actor may manage: by code (agency or administrative) and
    by folded name."""
    codes = {row.get("unit_code", "").upper() for row in rows} - {""}
    names = {fold(row.get("unit_name", "")) for row in rows} - {""}
    visible = Unit.objects.filter(scope_of(actor).q("path"), valid_to__isnull=True)
    by_code: dict[str, Unit] = {}
    by_name: dict[str, list[Unit]] = {}
    if codes:
        for unit in visible.filter(Q(code__in=codes) | Q(admin_unit_code__in=codes)):
            for code in (unit.code, unit.admin_unit_code):
                if code:
                    by_code[code.upper()] = unit
    if names:
        terms = Q()
        for name in names:
            terms |= Q(search_key__startswith=" " + name)
        for unit in visible.filter(terms):
            by_name.setdefault(fold(unit.name), []).append(unit)
    return by_code, by_name


def _accounts(rows: list[dict]) -> dict[str, object]:
    wanted = {fold(item) for row in rows for item in _ACCOUNT_SPLIT.split(row.get("coordinators", ""))} - {""}
    if not wanted:
        return {}
    users = get_user_model().objects.filter(is_active=True).filter(
        Q(username__in=wanted) | Q(email__in=wanted))
    found: dict[str, object] = {}
    for user in users:
        found[user.username.lower()] = user
        if user.email:
            found[user.email.lower()] = user
    return found


def plan_rows(*, actor: Actor, rows: list[dict]) -> Plan:
    """Every row checked as the form would check it, with the site each updates; in a handful of queries."""
    by_code, by_name = _units(actor, rows)
    accounts = _accounts(rows)
    existing = {(unit_id, _site_key(name)): pk for pk, unit_id, name in BridgeSite.objects.filter(
        unit__in={u.pk for u in by_code.values()} | {u.pk for units in by_name.values() for u in units},
    ).values_list("pk", "unit_id", "name")}
    seen: dict[tuple[int, str], int] = {}
    planned = []
    for row in rows:
        item = PlannedRow(number=row["number"], raw=row)
        planned.append(item)
        code, unit_name = row.get("unit_code", "").upper(), fold(row.get("unit_name", ""))
        unit = by_code.get(code) if code else None
        if code and unit is None:
            item.errors.append(_("No unit of yours has the code “%(code)s”.") % {"code": row["unit_code"]})
        elif not code:
            matches = by_name.get(unit_name, []) if unit_name else []
            if not unit_name:
                item.errors.append(_("Name the unit: its code or its exact name."))
            elif not matches:
                item.errors.append(_("No unit of yours is named “%(name)s”.") % {"name": row["unit_name"]})
            elif len(matches) > 1:
                item.errors.append(_("Several units are named “%(name)s”: give the unit's code instead.")
                                   % {"name": row["unit_name"]})
            else:
                unit = matches[0]
        capacity = None
        if row.get("capacity"):
            text = row["capacity"].replace(".", "").replace(" ", "")
            if text.isascii() and text.isdigit():
                capacity = int(text)
            else:
                item.errors.append(_("The number of seats is a whole number from 1 to 100,000."))
        active = fold(row.get("is_active", ""))
        if active and active not in _YES | _NO:
            item.errors.append(_("“In use” is “Có” or “Không”."))
        names = [part.strip() for part in _ACCOUNT_SPLIT.split(row.get("coordinators", "")) if part.strip()]
        if names:
            missing = [name for name in names if fold(name) not in accounts]
            if missing:
                item.errors.append(_("No active account is called %(names)s.") % {"names": ", ".join(missing)})
            item.coordinators = list({accounts[fold(n)].pk: accounts[fold(n)] for n in names
                                      if fold(n) in accounts}.values())
        if unit is None:
            continue
        item.data = SiteData(
            unit=unit, name=row.get("name", ""), address=row.get("address", ""), capacity=capacity,
            coordinator_name=row.get("coordinator_name", ""), coordinator_phone=row.get("coordinator_phone", ""),
            technician_name=row.get("technician_name", ""), technician_phone=row.get("technician_phone", ""),
            equipment=row.get("equipment", ""), is_active=active not in _NO,
        )
        try:
            values = clean_site_data(item.data)
        except ValidationError as error:
            item.errors.extend(message for messages in error.message_dict.values() for message in messages)
            continue
        key = (unit.pk, _site_key(values["name"]))
        if key in seen:
            item.errors.append(_("The same site is on row %(row)s.") % {"row": seen[key]})
            continue
        seen[key] = item.number
        item.site_id = existing.get(key)
    return Plan(rows=planned)
