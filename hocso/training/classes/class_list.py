"""Enrol a class from an Excel (.xlsx) or CSV list of people: the preview (nothing written) and its signed token.

The file is read by people's public list reader (`hocso.people.lists`: the staff import's rules), so a list that
imports as staff also enrols. Rows name people by CCCD, e-mail or username; the first of these filled in decides.
The preview says what confirming would do to each row; the confirmation (`services.enrol_from_list`) carries the
matched learners in a signed token (no copy of the file is kept) and enrols them, all or none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.permissions import ensure
from hocso.people.lists import ListedPerson, find_listed_people, read_person_list
from hocso.people.models import Learner, LearnerStatus

from ..models import CourseClass, Enrolment
from ..permissions import can_enrol_from_list, class_people_scope, scope_covers_learner
from .selectors import ALREADY, ENROL, OTHER_CLASS, WAITING, placement, seats_taken

# A class list is short; the cap keeps the preview page and the signed token small.
DEFAULT_MAX_ROWS = 2000
TOKEN_SALT = "hocso.training.enrol_list"
TOKEN_MAX_AGE = 60 * 60  # seconds between the preview and its confirmation

# Row outcomes, in the order the preview lists them: where confirming puts the person (`selectors.placement`), or
# a problem with the row.
ERROR = "error"
OUTCOMES = (ENROL, WAITING, ALREADY, OTHER_CLASS, ERROR)


def ensure_can_enrol_from_list(actor: Actor, klass: CourseClass) -> None:
    ensure(can_enrol_from_list(actor, klass), _("You cannot enrol people in this class."))


def read_list(content: bytes, file_name: str, *, max_rows: int | None = None,
              max_bytes: int | None = None) -> list[ListedPerson]:
    """The rows of the first sheet with a usable header. Raises FileRejected for a file that cannot be used."""
    return read_person_list(
        content, max_rows=max_rows or getattr(settings, "HOCSO_ENROL_LIST_MAX_ROWS", DEFAULT_MAX_ROWS),
        max_bytes=max_bytes or settings.HOCSO_IMPORT_MAX_BYTES,
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
        return {outcome: self.count(outcome) for outcome in OUTCOMES}

    @property
    def to_enrol(self) -> list[int]:
        return [row.learner.pk for row in self.rows if row.outcome in (ENROL, WAITING) and row.learner]

    @property
    def problems(self) -> list[ListRow]:
        return [row for row in self.rows if row.outcome == ERROR]

    @property
    def matched(self) -> list[ListRow]:
        return [row for row in self.rows if row.outcome != ERROR]


def preview_list(*, actor: Actor, klass: CourseClass, content: bytes, file_name: str,
                 max_rows: int | None = None) -> ListPreview:
    """What confirming would do to each row. Writes nothing; raises FileRejected for an unusable file."""
    ensure_can_enrol_from_list(actor, klass)
    entries = read_list(content, file_name, max_rows=max_rows)
    found = find_listed_people(entries)
    scope = class_people_scope(actor, klass)
    everyone = scope.everything
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
            learners = [learner for learner in learners if scope_covers_learner(scope, learner)]
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
        row.outcome = placement(klass, existing.get(learner.pk), taken)
        if row.outcome == ENROL:
            taken += 1
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


def make_token(*, actor: Actor, klass: CourseClass, preview: ListPreview) -> str:
    """What the confirmation needs, signed so that it cannot be altered, for this actor and class only."""
    return signing.dumps({
        "class": klass.pk, "actor": getattr(actor, "pk", None), "file": preview.file_name[:255],
        "ids": preview.to_enrol, "rows": len(preview.rows), "errors": preview.count(ERROR),
    }, salt=TOKEN_SALT, compress=True)


def read_token(*, actor: Actor, klass: CourseClass, token: str) -> dict:
    """What `make_token` signed, if it was made for this actor and class less than an hour ago; else the preview is
    stale (ValidationError: upload the file again)."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise stale_preview() from exc
    if data.get("class") != klass.pk or data.get("actor") != getattr(actor, "pk", None):
        raise stale_preview()
    return data


def stale_preview() -> ValidationError:
    return ValidationError(_("This preview has expired or the list changed. Upload the file again."))
