"""A person's rights over their personal data (Law 91/2025/QH15, Decree 356/2025/ND-CP): a copy of everything
held about them, and anonymisation when their data must go.

The copy is assembled from *sections* that each app registers (`register_section`), so the apps that land
later (training: enrolments; assessment: attempts; certificates) add theirs without touching this module:

    from hocso.people.privacy import Column, register_section
    register_section("enrolments", _("Enrolments"), columns=[Column("course", _("Course")), ...],
                     rows=lambda subject: [...], order=40)

Anonymisation (hocso.people.services.learner_anonymise) keeps what aggregate statistics are made of — the
memberships (unit, dates), target group, gender and status — and removes everything that identifies the person;
the apps above people that hold data about the person's account register an eraser here
(`register_account_eraser`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocso.core.actors import Actor
from hocso.core.audit import audit, scrub_entries
from hocso.core.exporting import add_sheet, append_row, new_workbook, workbook_bytes
from hocso.core.permissions import ensure

from .models import Learner, Membership
from .permissions import can_download_personal_data
from .selectors import learner_of

# --- the copy of one's own data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """Whose data: an account, a staff profile, or both."""

    user: Any = None
    learner: Learner | None = None


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    columns: tuple[Column, ...]
    rows: Callable[[Subject], Iterable[dict[str, Any]]]
    order: int = 100


_sections: dict[str, Section] = {}


def register_section(
    key: str, title: str | Promise, *, columns: Iterable[Column], rows: Callable[[Subject], Iterable[dict[str, Any]]],
    order: int = 100,
) -> None:
    """Add (or replace, by key) a section of the personal-data copy. Rows are dicts keyed by column key."""
    _sections[key] = Section(key=key, title=title, columns=tuple(columns), rows=rows, order=order)


def unregister_section(key: str) -> None:
    """Remove a section (a test that registered one for itself puts the registry back as it was)."""
    _sections.pop(key, None)


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))


def _profile_rows(subject: Subject) -> list[dict[str, Any]]:
    learner = subject.learner
    if learner is None:
        return []
    return [{
        "family_name": learner.family_name,
        "middle_name": learner.middle_name,
        "given_name": learner.given_name,
        "cccd": learner.cccd or "",
        "date_of_birth": learner.date_of_birth,
        "gender": learner.get_gender_display() if learner.gender else "",
        "position": learner.position,
        "rank_code": learner.rank_code,
        "target_group": str(learner.target_group) if learner.target_group_id else "",
        "email": learner.email,
        "phone": learner.phone,
        "status": learner.get_status_display(),
        "unit": learner.unit.name if learner.unit_id else "",
        "created_at": learner.created_at,
        "updated_at": learner.updated_at,
    }]


def _membership_rows(subject: Subject) -> list[dict[str, Any]]:
    if subject.learner is None:
        return []
    memberships = Membership.objects.filter(learner=subject.learner).select_related("unit").order_by("start_date")
    return [
        {
            "unit": membership.unit.name,
            "unit_code": membership.unit.code,
            "start_date": membership.start_date,
            "end_date": membership.end_date,
            "reason": membership.get_reason_display(),
            "note": membership.note,
        }
        for membership in memberships
    ]


register_section(
    "profile", gettext_lazy("Profile"), order=10, rows=_profile_rows,
    columns=[
        Column("family_name", gettext_lazy("family name")), Column("middle_name", gettext_lazy("middle name")),
        Column("given_name", gettext_lazy("given name")), Column("cccd", gettext_lazy("CCCD number")),
        Column("date_of_birth", gettext_lazy("date of birth")), Column("gender", gettext_lazy("gender")),
        Column("position", gettext_lazy("position")), Column("rank_code", gettext_lazy("rank code")),
        Column("target_group", gettext_lazy("target group")), Column("email", gettext_lazy("email")),
        Column("phone", gettext_lazy("phone")), Column("status", gettext_lazy("status")),
        Column("unit", gettext_lazy("current unit")), Column("created_at", gettext_lazy("created")),
        Column("updated_at", gettext_lazy("last changed")),
    ],
)
register_section(
    "memberships", gettext_lazy("Unit memberships"), order=20, rows=_membership_rows,
    columns=[
        Column("unit", gettext_lazy("unit")), Column("unit_code", gettext_lazy("unit code")),
        Column("start_date", gettext_lazy("from")), Column("end_date", gettext_lazy("until")),
        Column("reason", gettext_lazy("reason")), Column("note", gettext_lazy("note")),
    ],
)


def subject_for(user) -> Subject:
    return Subject(user=user, learner=learner_of(user))


def personal_data(*, actor: Actor, subject: Subject) -> dict[str, Any]:
    """Everything registered about `subject`, for the person themself (or a province administrator answering a
    request). Each copy made is audited."""
    ensure(can_download_personal_data(actor, subject.user), _("You can only download your own data."))
    data: dict[str, Any] = {
        "generated_at": timezone.now(),
        "sections": [
            {
                "key": section.key,
                "title": str(section.title),
                "columns": {column.key: str(column.label) for column in section.columns},
                "rows": list(section.rows(subject)),
            }
            for section in sections()
        ],
    }
    about = subject.learner if subject.learner is not None else subject.user
    audit(actor, "privacy.export", about)
    return data


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    return str(value)


def as_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default).encode()


def as_xlsx(data: dict[str, Any]) -> bytes:
    """One sheet per section, a header row of column labels; dates as real dates (d/m/Y), in local time."""
    book = new_workbook()
    for section in data["sections"]:
        sheet = add_sheet(book, section["title"])
        keys = list(section["columns"])
        append_row(sheet, [section["columns"][key] for key in keys])
        for row in section["rows"]:
            append_row(sheet, [_cell(row.get(key)) for key in keys])
            for written in sheet[sheet.max_row]:
                if isinstance(written.value, str) and written.value.isdigit():
                    written.number_format = "@"  # a CCCD keeps its leading zero
    return workbook_bytes(book)


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool | dt.date):
        return value
    return str(value)


# --- anonymisation ---------------------------------------------------------------------------------------------

ANONYMOUS_FAMILY_NAME = "Ẩn danh"
# Keys in audit-log changes that can name or reach a person; their values are blanked when anonymising.
PERSONAL_AUDIT_KEYS = {
    "family_name", "middle_name", "given_name", "full_name", "first_name", "last_name", "email", "phone",
    "position", "rank_code", "note", "username", "cccd", "date_of_birth",
}


def scrub_audit(object_type: str, object_id: int, label: str) -> int:
    """The audit entries about one record keep who did what and when, without the person's details."""
    return scrub_entries(object_type=object_type, object_id=object_id, label=label, personal_keys=PERSONAL_AUDIT_KEYS)


# The apps above people that hold data about a person's sign-in account (identity: the account itself, sign-on
# identities, second factor, roles, sessions) register how to erase it: (user id, label) -> audit entries scrubbed.
AccountEraser = Callable[[int, str], int]
_account_erasers: dict[str, AccountEraser] = {}


def register_account_eraser(key: str, eraser: AccountEraser) -> None:
    """Add (or replace, by key) a step of anonymising a person's account, run after their profile is scrubbed."""
    _account_erasers[key] = eraser


def account_erasers() -> list[AccountEraser]:
    return list(_account_erasers.values())
