"""Public: read a list of people from an Excel (.xlsx) or CSV file, each row naming someone by CCCD number, e-mail or
username, and find who they are.

Other apps use this module, not `hocso.people.importing` (training enrols a class from such a list). It reads with
the staff import's rules, which stay private to the import: format sniffing and CSV encodings, title rows above the
header, merged cells, header names with or without diacritics, the "(1) (2) (3)" numbering row, a CCCD number
whose leading zero Excel dropped. So a list that imports as staff can also be used here.

A file that cannot be used at all raises `hocso.core.uploads.FileRejected` (with a stable `code` and a message that
says what to do); a row that names nobody usable comes back with its `problem`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from hocso.core.uploads import FileRejected, Sheet, UploadLimits, fill_merged, open_workbook

from .importing import cells
from .importing.columns import ALIASES, HEADER_SEARCH_ROWS, header_key, is_numbering_row
from .models import Learner

# How a row names its person, in the order tried: the first one filled in decides.
IDENTIFIERS = ("cccd", "email", "username")

USERNAME_ALIASES = ("ten dang nhap", "tai khoan", "ten tai khoan", "username", "user name", "login")
# Folded header text -> column kind; the spellings of CCCD, e-mail and full name are the staff import's.
_COLUMN_OF: dict[str, str] = {
    **{alias: "cccd" for alias in ALIASES["cccd"]},
    **{alias: "email" for alias in ALIASES["email"]},
    **{alias: "full_name" for alias in ALIASES["full_name"]},
    **{alias: "username" for alias in USERNAME_ALIASES},
}


@dataclass
class ListedPerson:
    """One data row of the file: who it names, or why it names no one."""

    number: int  # as numbered in the spreadsheet
    name: str = ""  # as written in the file, for reference only
    kind: str = ""  # the identifier used: cccd | email | username
    value: str = ""  # cleaned: CCCD with its leading zero, e-mail and username in lower case
    problem: str = ""


def read_person_list(content: bytes, *, max_rows: int, max_bytes: int) -> list[ListedPerson]:
    """The rows of the first sheet with a usable header (a column of CCCD numbers, e-mails or usernames).

    Raises FileRejected for a file that cannot be used: not a spreadsheet, beyond `max_bytes` or the reader's other
    limits, no such header, no rows under it, or more than `max_rows` rows."""
    book = open_workbook(content, limits=UploadLimits.from_settings(max_bytes=max_bytes))
    for sheet in book.sheets():
        fill_merged(sheet)
        found = _header(sheet)
        if found is None:
            continue
        index, columns = found
        start = index + 1
        if start < len(sheet.rows) and is_numbering_row(sheet.rows[start]):
            start += 1
        people = [person for offset, row in enumerate(sheet.rows[start:])
                  if (person := _read_row(row, start + offset + 1, columns)) is not None]
        if len(people) > max_rows:
            raise FileRejected(
                "too_many_rows",
                _("The file has %(count)s rows of data; at most %(limit)s can be imported at once. Split the list "
                  "into several files.") % {"count": f"{len(people):,}".replace(",", "."),
                                             "limit": f"{max_rows:,}".replace(",", ".")},
            )
        if not people:
            raise FileRejected("no_rows", _("The file has a header but no rows of people under it."))
        return people
    raise FileRejected(
        "no_header",
        _("No header row was recognised in the first %(rows)s rows. The list needs a column “Số CCCD”, “Email” "
          "or “Tên đăng nhập” that names each person.") % {"rows": HEADER_SEARCH_ROWS},
    )


def find_listed_people(people: Iterable[ListedPerson]) -> dict[tuple[str, str], list[Learner]]:
    """(kind, value) -> the learners it names, in at most four queries, with their unit and account. An e-mail may be
    the profile's or the account's, so one e-mail can name several people. Rows with a problem are skipped.

    Not scoped: the caller decides whom the actor may see among them."""
    people = list(people)
    wanted = {kind: {p.value for p in people if p.kind == kind and not p.problem} for kind in IDENTIFIERS}
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


def _header(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    """The row (among the first ones) naming the most known columns, at least one of them an identifier."""
    best: tuple[int, dict[str, int]] | None = None
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for c, value in enumerate(row):
            kind = _COLUMN_OF.get(header_key(value))
            if kind and kind not in columns:
                columns[kind] = c
        if set(columns) & set(IDENTIFIERS) and (best is None or len(columns) > len(best[1])):
            best = (index, columns)
    return best


def _read_row(row: list, number: int, columns: dict[str, int]) -> ListedPerson | None:
    """None for a blank row or a section title merged across the row."""
    def cell(kind: str):
        c = columns.get(kind)
        return row[c] if c is not None and c < len(row) else None

    if all(cells.is_empty(cell(kind)) for kind in columns):
        return None
    filled = [v for v in row if not cells.is_empty(v)]
    if len(filled) >= 3 and all(v == filled[0] for v in filled):
        return None  # "I. Khối Đảng" merged across the row
    person = ListedPerson(number=number, name=cells.as_text(cell("full_name")))
    for kind in IDENTIFIERS:
        raw = cell(kind)
        if cells.is_empty(raw):
            continue
        person.kind = kind
        if kind == "cccd":
            person.value = cells.as_text(raw)
            try:
                person.value = cells.parse_cccd(raw)  # leading zero restored, spaces and dots removed
            except cells.CellError as exc:
                person.problem = exc.message
        elif kind == "email":
            person.value = cells.parse_email(raw)
        else:
            person.value = cells.as_text(raw).lower()
        return person
    person.problem = _("No CCCD number, e-mail or username on this row.")
    return person
