"""Enrol a class from an Excel (.xlsx) or CSV list of people: preview, then confirm in one transaction.

The file is read by the staff import's reader (format sniffing, CSV encodings, merged cells, header folding, CCCD
clean-up), so a list that imports as staff also enrols. Rows name people by CCCD, e-mail or username; the first
of these filled in decides. Nothing is written by the preview; the confirmation carries the matched learners in a
signed token (no copy of the file is kept) and enrols them through `enrol_learner`, all or none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from hocso.core.audit import audit
from hocso.core.uploads import Sheet, UploadLimits, fill_merged, open_workbook
from hocso.identity.scoping import ensure, is_province_admin, scope_of
from hocso.people.importing import cells
from hocso.people.importing.columns import ALIASES, HEADER_SEARCH_ROWS, header_key, is_numbering_row
from hocso.people.importing.errors import ImportFileError
from hocso.people.models import Learner, LearnerStatus
from hocso.training.classes.services import (
    LIVE,
    EnrolResult,
    can_enrol_learner,
    can_run_class,
    enrol_learner,
    seats_taken,
)
from hocso.training.models import CourseClass, Enrolment, EnrolmentStatus

# A class list is short; the cap keeps the preview page and the signed token small.
DEFAULT_MAX_ROWS = 2000
TOKEN_SALT = "hocso.training.enrol_list"
TOKEN_MAX_AGE = 60 * 60  # seconds between the preview and its confirmation

USERNAME_ALIASES = ("ten dang nhap", "tai khoan", "ten tai khoan", "username", "user name", "login")
# Folded header text -> column kind; the spellings of CCCD, e-mail and full name are the staff import's.
COLUMN_OF: dict[str, str] = {
    **{alias: "cccd" for alias in ALIASES["cccd"]},
    **{alias: "email" for alias in ALIASES["email"]},
    **{alias: "full_name" for alias in ALIASES["full_name"]},
    **{alias: "username" for alias in USERNAME_ALIASES},
}
IDENTIFIERS = ("cccd", "email", "username")

# Row outcomes, in the order the preview lists them.
ENROL, WAITING, ALREADY, OTHER_CLASS, ERROR = "enrol", "waiting", "already", "other_class", "error"


def can_enrol_from_list(actor, klass: CourseClass) -> bool:
    """As bulk enrolment: administrators, those who run the class, and focal points (for their own people)."""
    return is_province_admin(actor) or can_run_class(actor, klass) or not scope_of(actor).is_empty


def ensure_can_enrol_from_list(actor, klass: CourseClass) -> None:
    ensure(can_enrol_from_list(actor, klass), _("You cannot enrol people in this class."))


# --- reading ------------------------------------------------------------------------------------------------


@dataclass
class ListEntry:
    """One data row of the file: who it names, or why it names no one."""

    number: int  # as numbered in the spreadsheet
    name: str = ""
    kind: str = ""  # the identifier used: cccd | email | username
    value: str = ""
    problem: str = ""


def _header(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    """The row (among the first ones) naming the most known columns, at least one of them an identifier."""
    best: tuple[int, dict[str, int]] | None = None
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for c, value in enumerate(row):
            kind = COLUMN_OF.get(header_key(value))
            if kind and kind not in columns:
                columns[kind] = c
        if set(columns) & set(IDENTIFIERS) and (best is None or len(columns) > len(best[1])):
            best = (index, columns)
    return best


def _read_entry(row: list, number: int, columns: dict[str, int]) -> ListEntry | None:
    """None for a blank row or a section title merged across the row."""
    def cell(kind: str):
        c = columns.get(kind)
        return row[c] if c is not None and c < len(row) else None

    if all(cells.is_empty(cell(kind)) for kind in columns):
        return None
    filled = [v for v in row if not cells.is_empty(v)]
    if len(filled) >= 3 and all(v == filled[0] for v in filled):
        return None  # "I. Khối Đảng" merged across the row
    entry = ListEntry(number=number, name=cells.as_text(cell("full_name")))
    for kind in IDENTIFIERS:
        raw = cell(kind)
        if cells.is_empty(raw):
            continue
        entry.kind = kind
        if kind == "cccd":
            entry.value = cells.as_text(raw)
            try:
                entry.value = cells.parse_cccd(raw)  # leading zero restored, spaces and dots removed
            except cells.CellError as exc:
                entry.problem = exc.message
        elif kind == "email":
            entry.value = cells.parse_email(raw)
        else:
            entry.value = cells.as_text(raw).lower()
        return entry
    entry.problem = _("No CCCD number, e-mail or username on this row.")
    return entry


def read_list(content: bytes, file_name: str, *, max_rows: int | None = None,
              max_bytes: int | None = None) -> list[ListEntry]:
    """The rows of the first sheet with a usable header. Raises ImportFileError for a file that cannot be used."""
    max_rows = max_rows or getattr(settings, "HOCSO_ENROL_LIST_MAX_ROWS", DEFAULT_MAX_ROWS)
    limits = UploadLimits.from_settings(max_bytes=max_bytes or settings.HOCSO_IMPORT_MAX_BYTES)
    book = open_workbook(content, limits=limits)
    for sheet in book.sheets():
        fill_merged(sheet)
        found = _header(sheet)
        if found is None:
            continue
        index, columns = found
        start = index + 1
        if start < len(sheet.rows) and is_numbering_row(sheet.rows[start]):
            start += 1
        entries = [entry for offset, row in enumerate(sheet.rows[start:])
                   if (entry := _read_entry(row, start + offset + 1, columns)) is not None]
        if len(entries) > max_rows:
            raise ImportFileError(
                "too_many_rows",
                _("The file has %(count)s rows of data; at most %(limit)s can be imported at once. Split the list "
                  "into several files.") % {"count": f"{len(entries):,}".replace(",", "."),
                                             "limit": f"{max_rows:,}".replace(",", ".")},
            )
        if not entries:
            raise ImportFileError("no_rows", _("The file has a header but no rows of people under it."))
        return entries
    raise ImportFileError(
        "no_header",
        _("No header row was recognised in the first %(rows)s rows. The list needs a column “Số CCCD”, “Email” "
          "or “Tên đăng nhập” that names each person.") % {"rows": HEADER_SEARCH_ROWS},
    )


# --- preview ------------------------------------------------------------------------------------------------


@dataclass
class ListRow:
    number: int
    name: str  # as written in the file
    kind: str
    value: str
    outcome: str
    message: str = ""
    learner: Learner | None = None


@dataclass
class ListPreview:
    file_name: str
    rows: list[ListRow] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        return {outcome: self.count(outcome) for outcome in (ENROL, WAITING, ALREADY, OTHER_CLASS, ERROR)}

    @property
    def to_enrol(self) -> list[int]:
        return [row.learner.pk for row in self.rows if row.outcome in (ENROL, WAITING) and row.learner]

    @property
    def problems(self) -> list[ListRow]:
        return [row for row in self.rows if row.outcome == ERROR]

    @property
    def matched(self) -> list[ListRow]:
        return [row for row in self.rows if row.outcome != ERROR]


def _lookup(entries: list[ListEntry]) -> dict[tuple[str, str], list[Learner]]:
    """(kind, value) -> the learners it names, in three queries. An e-mail may be the profile's or the account's."""
    wanted = {kind: {e.value for e in entries if e.kind == kind and not e.problem} for kind in IDENTIFIERS}
    found: dict[tuple[str, str], list[Learner]] = {}

    def add(kind: str, value: str, learner: Learner) -> None:
        bucket = found.setdefault((kind, value), [])
        if all(other.pk != learner.pk for other in bucket):
            bucket.append(learner)

    base = Learner.objects.select_related("unit", "user")
    if wanted["cccd"]:
        for learner in base.filter(cccd__in=wanted["cccd"]):
            add("cccd", learner.cccd, learner)
    if wanted["email"]:
        by_email = base.annotate(mail=Lower("email"), account_mail=Lower("user__email"))
        for learner in by_email.filter(mail__in=wanted["email"]):
            add("email", learner.mail, learner)
        for learner in by_email.filter(account_mail__in=wanted["email"]):
            add("email", learner.account_mail, learner)
    if wanted["username"]:
        by_login = base.annotate(login=Lower("user__username")).filter(login__in=wanted["username"])
        for learner in by_login:
            add("username", learner.login, learner)
    return found


def preview_list(*, actor, klass: CourseClass, content: bytes, file_name: str,
                 max_rows: int | None = None) -> ListPreview:
    """What confirming would do to each row. Writes nothing; raises ImportFileError for an unusable file."""
    ensure_can_enrol_from_list(actor, klass)
    entries = read_list(content, file_name, max_rows=max_rows)
    found = _lookup(entries)
    everyone = is_province_admin(actor) or can_run_class(actor, klass)
    learner_ids = {learner.pk for learners in found.values() for learner in learners}
    existing = {e.learner_id: e for e in Enrolment.objects.filter(course_id=klass.course_id,
                                                                   learner_id__in=learner_ids)}
    taken = seats_taken(klass)
    seen: dict[int, int] = {}  # learner -> the first row naming them
    preview = ListPreview(file_name=file_name)
    for entry in entries:
        row = ListRow(number=entry.number, name=entry.name, kind=entry.kind, value=entry.value, outcome=ERROR)
        preview.rows.append(row)
        if entry.problem:
            row.message = entry.problem
            continue
        learners = found.get((entry.kind, entry.value), [])
        if not everyone:
            # People the actor may not enrol are "not found": telling them apart would let a focal point probe
            # who exists elsewhere in the province (and whose e-mail is shared) by uploading numbers.
            learners = [learner for learner in learners if can_enrol_learner(actor, klass, learner)]
        if not learners:
            row.message = _not_found(entry.kind, scoped=not everyone)
            continue
        if len(learners) > 1:  # an e-mail address shared by several people
            row.message = _("Several people match this row; use the CCCD number instead.")
            continue
        learner = learners[0]
        row.learner = learner
        if learner.pk in seen:
            row.message = _("Same person as row %(row)s; enrolled once.") % {"row": seen[learner.pk]}
            continue
        seen[learner.pk] = entry.number
        if learner.status != LearnerStatus.ACTIVE:
            row.message = _("This person has retired or left the service.")
            continue
        enrolment = existing.get(learner.pk)
        if enrolment is not None and enrolment.status in LIVE and enrolment.status != EnrolmentStatus.PENDING \
                and enrolment.klass_id == klass.pk:
            row.outcome = ALREADY
        elif enrolment is not None and enrolment.status in LIVE and enrolment.klass_id not in (None, klass.pk):
            row.outcome = OTHER_CLASS
        elif klass.capacity is None or taken < klass.capacity:
            row.outcome, taken = ENROL, taken + 1
        else:
            row.outcome = WAITING
    return preview


def _not_found(kind: str, scoped: bool = False) -> str:
    if scoped:  # a focal point: someone outside their units is "not found" too
        if kind == "cccd":
            return _("No one in the units you manage has this CCCD number.")
        if kind == "email":
            return _("No one in the units you manage has this e-mail address.")
        return _("No one in the units you manage has this username.")
    if kind == "cccd":
        return _("No one in the system has this CCCD number.")
    if kind == "email":
        return _("No one in the system has this e-mail address.")
    return _("No account has this username.")


# --- confirmation ------------------------------------------------------------------------------------------


def make_token(*, actor, klass: CourseClass, preview: ListPreview) -> str:
    """What the confirmation needs, signed so that it cannot be altered, for this actor and class only."""
    return signing.dumps({
        "class": klass.pk, "actor": getattr(actor, "pk", None), "file": preview.file_name[:255],
        "ids": preview.to_enrol, "rows": len(preview.rows), "errors": preview.count(ERROR),
    }, salt=TOKEN_SALT, compress=True)


def _stale() -> ValidationError:
    return ValidationError(_("This preview has expired or the list changed. Upload the file again."))


@transaction.atomic
def enrol_from_list(*, actor, klass: CourseClass, token: str) -> EnrolResult:
    """Enrol every matched row of a confirmed preview through `enrol_learner`, in one transaction: if any of them
    can no longer be enrolled (moved out of the actor's scope, deleted), nobody is."""
    ensure_can_enrol_from_list(actor, klass)
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise _stale() from exc
    if data.get("class") != klass.pk or data.get("actor") != getattr(actor, "pk", None):
        raise _stale()
    ids = [int(pk) for pk in data.get("ids", [])]
    learners = Learner.objects.select_related("unit").in_bulk(ids)
    result = EnrolResult()
    for pk in ids:
        learner = learners.get(pk)
        if learner is None or learner.status != LearnerStatus.ACTIVE or not can_enrol_learner(actor, klass, learner):
            raise _stale()  # leaving the atomic block undoes the rows already enrolled
        one = enrol_learner(actor=actor, klass=klass, learner=learner)
        result.enrolled += one.enrolled
        result.waiting += one.waiting
        result.skipped += one.skipped
    audit(actor, "class.enrol_list", klass, extra={
        "file": data.get("file", ""), "rows": data.get("rows", 0), "errors": data.get("errors", 0),
        "enrolled": result.enrolled, "waiting": result.waiting, "skipped": result.skipped,
    })
    return result
