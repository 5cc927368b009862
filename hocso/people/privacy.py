"""A person's rights over their personal data (Law 91/2025/QH15, Decree 356/2025/ND-CP): a copy of everything
held about them, and anonymisation when their data must go.

The copy is assembled from *sections* that each app registers (`register_section`), so the apps that land
later (training: enrolments; assessment: attempts; certificates) add theirs without touching this module:

    from hocso.people.privacy import Column, register_section
    register_section("enrolments", _("Enrolments"), columns=[Column("course", _("Course")), ...],
                     rows=lambda subject: [...], order=40)

Anonymisation keeps what aggregate statistics are made of — the memberships (unit, dates), target group,
gender and status — and removes everything that identifies the person.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocso.core.audit import audit
from hocso.core.exporting import add_sheet, append_row, new_workbook, workbook_bytes
from hocso.core.models import AuditEntry
from hocso.identity.scoping import ensure, is_province_admin

from .models import Learner, Membership

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
    return Subject(user=user, learner=Learner.objects.select_related("unit", "target_group").filter(user=user).first())


def personal_data(*, actor, subject: Subject) -> dict[str, Any]:
    """Everything registered about `subject`, for the person themself (or a province administrator answering a
    request). Each copy made is audited."""
    own = subject.user is not None and getattr(actor, "pk", None) == subject.user.pk
    ensure(own or is_province_admin(actor), _("You can only download your own data."))
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


def _scrub_audit(object_type: str, object_id: int, label: str) -> int:
    entries = AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id))
    count = 0
    for entry in entries.iterator():
        changes = {
            key: ("***" if key in PERSONAL_AUDIT_KEYS else value) for key, value in (entry.changes or {}).items()
        }
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr=label, changes=changes)
        count += 1
    return count


@transaction.atomic
def learner_anonymise(*, actor, learner: Learner) -> Learner:
    """Remove everything that identifies the person, for good; keep what statistics count.

    Kept: the profile row itself (so results stay attributed), memberships with their units and dates, target
    group, gender and status. Removed: names, CCCD, date of birth, contacts, position, rank, membership notes;
    the account is disabled and stripped (sign-on identities, second factor, roles, sessions); the audit log
    keeps who did what and when, without the person's details.
    """
    if actor is not None:
        ensure(is_province_admin(actor), _("Only province administrators can anonymise a person."))
    learner = Learner.objects.select_for_update().get(pk=learner.pk)
    label = f"{ANONYMOUS_FAMILY_NAME} {learner.pk}"
    learner.family_name, learner.middle_name, learner.given_name = ANONYMOUS_FAMILY_NAME, "", str(learner.pk)
    learner.cccd = None
    learner.date_of_birth = None
    learner.email = learner.phone = learner.position = learner.rank_code = ""
    learner.refresh_keys()
    learner.save()
    Membership.objects.filter(learner=learner).exclude(note="").update(note="")
    scrubbed = _scrub_audit("people.learner", learner.pk, label)
    if learner.user_id is not None:
        scrubbed += _anonymise_account(learner.user_id, label)
    audit(actor, "learner.anonymise", learner, extra={"audit_entries_scrubbed": scrubbed})
    return learner


def _anonymise_account(user_id: int, label: str) -> int:
    from django.db.models import F

    from hocso.identity.models import ConsentRecord, OidcIdentity, RoleAssignment, TotpDevice

    User = get_user_model()
    user = User.objects.select_for_update().get(pk=user_id)
    old_username = user.get_username()
    user.username = f"anonymised-{user.pk}"
    user.full_name = label
    user.first_name = user.last_name = user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)  # every session ends
    OidcIdentity.objects.filter(user=user).delete()
    TotpDevice.objects.filter(user=user).delete()
    RoleAssignment.objects.filter(user=user).delete()
    ConsentRecord.objects.filter(user=user).update(ip_address=None)  # the record of consent stays, not the address
    AuditEntry.objects.filter(actor=user).update(actor_label=label)
    _forget_login_records(old_username)
    return _scrub_audit(user._meta.label_lower, user.pk, label)


def _forget_login_records(username: str) -> None:
    """django-axes keeps usernames and addresses of sign-in attempts."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username=username).delete()
