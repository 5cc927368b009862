"""What every import format produces, and the preview → confirm pipeline that turns it into questions.

A parser reads a file into a `ParseResult`: whole-file problems (unreadable, not UTF-8, malformed) and one
`ParsedQuestion` per question found, in file order. Unsupported types are kept as questions with an error, so
the preview lists them by position and name instead of dropping them. `validate()` runs the bank's own checks on
each question; `apply()` writes the valid ones in one transaction. The result travels between the preview and
the confirmation as JSON (`to_json` / `from_json`), stored server-side in a `QuestionImport` row.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.audit import audit
from hocso.core.text import normalize
from hocso.core.uploads.csvtext import nul_line
from hocso.identity.scoping import ensure

from ..bank import category_create, category_nearest_owner, question_archive, question_create
from ..models import Category, Difficulty, Question, QuestionImport, QuestionType
from ..permissions import category_visibility, is_author
from ..question_data import clean_question_data
from ..sanitise import clean_html

MOODLE_XML, GIFT, XLSX = "moodle-xml", "gift", "xlsx"
FORMATS = (MOODLE_XML, GIFT, XLSX)
MAX_NAME = 255
MAX_IMPORT_BYTES = 20 * 1024 * 1024  # a question file, as the upload form says
# Moodle writes thirds as 33.33333%: a sum of correct grades this close to 100% is taken as 100%.
ROUNDING_SLACK = Decimal("0.0001")


@dataclass
class ParsedQuestion:
    position: int  # 1-based among the file's questions (categories not counted); the row number for Excel
    source_type: str  # the type's name in the file, e.g. "multichoice", "calculated", "{=a ~b}"
    qtype: str = ""  # our QuestionType value; empty when the type is not supported
    name: str = ""
    text: str = ""
    data: dict = field(default_factory=dict)
    category: list[str] = field(default_factory=list)  # path inside the target category, from the file
    default_mark: str = "1"
    general_feedback: str = ""
    difficulty: int = Difficulty.MEDIUM
    tags: list[str] = field(default_factory=list)
    idnumber: str = ""
    archived: bool = False
    line: int | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.qtype) and not self.errors

    @property
    def type_label(self) -> str:
        return str(QuestionType(self.qtype).label) if self.qtype else self.source_type

    @property
    def category_label(self) -> str:
        return " / ".join(self.category)


@dataclass
class ParseResult:
    file_format: str
    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # whole-file problems: nothing can be imported

    @property
    def valid(self) -> list[ParsedQuestion]:
        return [q for q in self.questions if q.ok] if not self.errors else []

    @property
    def problems(self) -> list[ParsedQuestion]:
        return [q for q in self.questions if not q.ok]

    def counts(self) -> list[tuple[str, int]]:
        """(type label, number of importable questions) in the order of QuestionType."""
        counter = Counter(q.qtype for q in self.valid)
        return [(str(label), counter[value]) for value, label in QuestionType.choices if counter[value]]

    def to_json(self) -> dict:
        return {"file_format": self.file_format, "errors": self.errors,
                "questions": [asdict(q) for q in self.questions]}

    @classmethod
    def from_json(cls, payload: dict) -> ParseResult:
        return cls(file_format=payload.get("file_format", ""), errors=list(payload.get("errors", [])),
                   questions=[ParsedQuestion(**q) for q in payload.get("questions", [])])


# --- Helpers shared by the parsers -------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 text (a BOM is allowed) without NUL characters, or a ValidationError that says how to fix the file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("The file is not UTF-8 text (problem at byte %(pos)s). Save it again with the UTF-8 encoding "
              "(in Notepad: Save as, Encoding: UTF-8) and import it again.") % {"pos": exc.start + 1}
        ) from exc
    line = nul_line(text)  # never part of a question, and PostgreSQL cannot store it
    if line is not None:
        raise ValidationError(
            _("Line %(line)s of the file contains a NUL character (code 0): the file is damaged or is not a text "
              "file. Save it again as UTF-8 text and import it again.") % {"line": line}, code="nul")
    return text


def split_category_path(value: str) -> list[str]:
    """'$course$/top/A/B' → ['A', 'B']; '//' inside a name is a literal slash (Moodle's escape)."""
    value = normalize(value)
    parts = [p.replace("\x00", "/") for p in value.replace("//", "\x00").split("/")]
    parts = [normalize(p) for p in parts if normalize(p)]
    if parts and re.fullmatch(r"\$[a-z0-9]+\$", parts[0]):
        parts = parts[1:]
        if parts and parts[0] == "top":
            parts = parts[1:]
    return parts


def text_to_html(text: str, fmt: str = "html") -> str:
    """The stored (sanitised HTML) form of a text in a text format.

    "html" is kept as written (sanitised); "moodle" (Moodle's auto-format, GIFT's default) keeps tags but turns
    blank lines into paragraphs and line breaks into <br>; "plain" escapes everything.
    """
    if fmt == "html":
        return clean_html(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    if fmt == "moodle":
        return clean_html("".join("<p>" + p.replace("\n", "<br>") + "</p>" for p in paragraphs))
    return "".join("<p>" + html.escape(p, quote=False).replace("\n", "<br>") + "</p>" for p in paragraphs)


def inline_html(text: str, fmt: str = "plain") -> str:
    """A short text (an option) as HTML, without a paragraph around it."""
    if fmt == "moodle":
        return clean_html(text.strip().replace("\r\n", "\n").replace("\n", "<br>"))
    if fmt == "html":
        return clean_html(text)
    return html.escape(text.strip(), quote=False).replace("\r\n", "\n").replace("\n", "<br>")


def html_to_plain(value: str) -> str:
    """Tags dropped, entities decoded, spaces collapsed: for names and plain-text answers."""
    return normalize(html.unescape(re.sub(r"<[^>]*>", " ", value or "")))


def name_from_text(text_html: str, limit: int = 60) -> str:
    plain = html_to_plain(text_html)
    return plain if len(plain) <= limit else plain[: limit - 1].rstrip() + "…"


def percent_to_fraction(value: str | float | int | None) -> Decimal:
    """'33.33333' (a percentage, as Moodle and GIFT write grades) → Decimal('0.3333333')."""
    try:
        return (Decimal(str(value).strip() or "0") / 100).normalize()
    except (InvalidOperation, ValueError):
        raise ValueError(value) from None


def fraction_to_percent(value) -> str:
    """Decimal('0.3333333') → '33.33333'; Decimal('1') → '100'."""
    percent = Decimal(str(value)) * 100
    text = format(percent.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def snap_fractions(items: list[dict], *, multiple: bool) -> None:
    """Absorb the rounding of written percentages (3 × 33.33333% ≠ 100%) so the bank's exact checks pass."""
    positive = [item for item in items if Decimal(str(item.get("fraction", 0))) > 0]
    if not positive:
        return
    if multiple:
        total = sum(Decimal(str(item["fraction"])) for item in positive)
        gap = Decimal(1) - total
        if gap and abs(gap) <= ROUNDING_SLACK * len(positive):
            largest = max(positive, key=lambda item: Decimal(str(item["fraction"])))
            largest["fraction"] = str((Decimal(str(largest["fraction"])) + gap).normalize())
    else:
        for item in positive:
            if abs(Decimal(1) - Decimal(str(item["fraction"]))) <= ROUNDING_SLACK:
                item["fraction"] = "1"


def unsupported(position: int, source_type: str, name: str, *, line: int | None = None,
                category: list[str] | None = None) -> ParsedQuestion:
    question = ParsedQuestion(position=position, source_type=source_type, name=name, line=line,
                              category=list(category or []))
    question.errors.append(_("The question type “%(type)s” is not supported; the question is left out.")
                           % {"type": source_type})
    return question


# --- Validation --------------------------------------------------------------------------------------------------


def validate(result: ParseResult, *, has_target: bool = True) -> ParseResult:
    """Run the bank's checks on every supported question, keeping the cleaned data; errors go on the question."""
    for question in result.questions:
        if not question.qtype:
            continue
        if not question.name and question.text:
            question.name = name_from_text(question.text)
        question.name = normalize(question.name)[:MAX_NAME]
        if not question.name:
            question.errors.append(_("The question has no name."))
        if not clean_html(question.text).strip():
            question.errors.append(_("The question has no text."))
        try:
            mark = Decimal(str(question.default_mark))
        except (InvalidOperation, ValueError):
            mark = Decimal(0)
        if mark <= 0:
            question.errors.append(_("The mark must be greater than 0."))
        else:
            question.default_mark = str(mark.quantize(Decimal("0.001")))
        if not has_target and not question.category:
            question.errors.append(_("The question has no category: give a target category."))
        if len(question.category) > 20:
            question.errors.append(_("The category path is too deep."))
        try:
            question.data = clean_question_data(question.qtype, question.data)
        except ValidationError as exc:
            question.errors.extend(exc.messages)
    return result


# --- Apply -------------------------------------------------------------------------------------------------------


class _CategoryResolver:
    """Finds or creates the nested categories a file names, below the target (or from the top without one)."""

    def __init__(self, actor, base: Category | None, owner=None, inherit_owner: bool = False):
        self.actor, self.base, self.owner, self.inherit_owner = actor, base, owner, inherit_owner
        self.cache: dict[tuple[str, ...], Category] = {}
        self.owners: dict[int, object] = {}
        self.created = 0

    def owner_for(self, category: Category | None):
        """The owner of new things below `category`: the given owner, else (inheriting) the nearest category owner."""
        if self.owner is not None or not self.inherit_owner or category is None:
            return self.owner
        if category.pk not in self.owners:
            self.owners[category.pk] = category_nearest_owner(category)
        return self.owners[category.pk]

    def get(self, names: list[str]) -> Category:
        key = tuple(names)
        if key in self.cache:
            return self.cache[key]
        parent = self.base
        for name in names:
            name = normalize(name)[:200]
            existing = Category.objects.filter(parent=parent, name=name).first()
            if existing is not None:
                if not Category.objects.filter(category_visibility(self.actor), pk=existing.pk).exists():
                    raise PermissionDenied(_("The category “%(name)s” belongs to another author.") % {"name": name})
                parent = existing
            else:
                parent = category_create(actor=self.actor, name=name, parent=parent, owner=self.owner_for(parent))
                self.created += 1
        if parent is None:
            raise ValidationError(_("Give a category."))
        self.cache[key] = parent
        return parent


@dataclass
class ApplyOutcome:
    questions: list[Question]
    categories_created: int
    skipped: int


@transaction.atomic
def apply(*, actor, result: ParseResult, category: Category | None = None, filename: str = "",
          owner=None, inherit_owner: bool = False) -> ApplyOutcome:
    """Create the valid questions of a validated result, all or nothing; problems were shown in the preview.

    New questions and categories belong to `owner`, else the acting user. The command run without --owner has no
    user: it passes inherit_owner so they belong to the owner of the category they land in (nearest owned one)."""
    ensure(is_author(actor), _("Only administrators and instructors can edit the question bank."))
    if category is not None:
        ensure(Category.objects.filter(category_visibility(actor), pk=category.pk).exists(),
               _("You cannot add questions to this category."))
    if result.errors:
        raise ValidationError(result.errors)
    resolver = _CategoryResolver(actor, category, owner, inherit_owner)
    created = []
    for parsed in result.valid:
        target = resolver.get(parsed.category)
        question = question_create(
            actor=actor, category=target, qtype=parsed.qtype, name=parsed.name,
            text=parsed.text, data=parsed.data, default_mark=Decimal(parsed.default_mark),
            general_feedback=parsed.general_feedback, difficulty=parsed.difficulty, tags=parsed.tags,
            idnumber=parsed.idnumber, audited=False, owner=resolver.owner_for(target),
        )
        if parsed.archived:
            question_archive(actor=actor, question=question)
        created.append(question)
    outcome = ApplyOutcome(questions=created, categories_created=resolver.created,
                           skipped=len(result.questions) - len(created))
    audit(actor, "question.import", category, extra={
        "file": filename, "format": result.file_format, "created": len(created),
        "skipped": outcome.skipped, "categories_created": resolver.created,
    })
    return outcome


# --- Entry points ------------------------------------------------------------------------------------------------


def detect_format(filename: str) -> str | None:
    name = filename.lower()
    if name.endswith(".xml"):
        return MOODLE_XML
    if name.endswith((".gift", ".txt")):
        return GIFT
    if name.endswith(".xlsx"):
        return XLSX
    return None


def parse(data: bytes, file_format: str) -> ParseResult:
    """Read a file in one of FORMATS; never raises for bad content (problems are in the result)."""
    from . import gift, moodle_xml, xlsx

    parsers = {MOODLE_XML: moodle_xml.parse, GIFT: gift.parse, XLSX: xlsx.parse}
    if file_format not in parsers:
        return ParseResult(file_format=file_format, errors=[_("Unknown file format.")])
    return parsers[file_format](data)


def parse_and_validate(data: bytes, file_format: str, *, has_target: bool = True) -> ParseResult:
    return validate(parse(data, file_format), has_target=has_target)


# --- The preview kept between upload and confirmation -----------------------------------------------------------

PREVIEW_KEPT_FOR = 2  # days; older unconfirmed previews are removed when a new one is stored


def preview_store(*, actor, data: bytes, filename: str, file_format: str,
                  category: Category | None) -> QuestionImport:
    """Parse and validate a file and keep the result for the author to confirm (nothing is imported yet)."""
    ensure(is_author(actor), _("Only administrators and instructors can edit the question bank."))
    # Parsed before the transaction opens: SQLite takes its write lock at BEGIN, and answer saves must not wait.
    result = parse_and_validate(data, file_format, has_target=category is not None)
    with transaction.atomic():
        QuestionImport.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=PREVIEW_KEPT_FOR)).delete()
        return QuestionImport.objects.create(owner=actor, category=category, filename=filename[:255],
                                             file_format=file_format, payload=result.to_json())


@transaction.atomic
def preview_confirm(*, actor, question_import: QuestionImport) -> ApplyOutcome:
    """Apply a stored preview once: a second confirmation (double click, back button) imports nothing."""
    locked = QuestionImport.objects.select_for_update().get(pk=question_import.pk)
    ensure(locked.owner_id == actor.pk, _("This import belongs to another author."))
    if locked.applied_at is not None:
        raise ValidationError(_("This file has already been imported."))
    outcome = apply(actor=actor, result=ParseResult.from_json(locked.payload), category=locked.category,
                    filename=locked.filename)
    locked.applied_at = timezone.now()
    locked.created_count = len(outcome.questions)
    locked.save(update_fields=["applied_at", "created_count"])
    question_import.applied_at, question_import.created_count = locked.applied_at, locked.created_count
    return outcome
