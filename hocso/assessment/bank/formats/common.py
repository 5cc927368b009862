"""What every import format produces, and the checks that make it ready to import.

A parser reads a file into a `ParseResult`: whole-file problems (unreadable, not UTF-8, malformed) and one
`ParsedQuestion` per question found, in file order. Unsupported types are kept as questions with an error, so
the preview lists them by position and name instead of dropping them. `validate()` runs the bank's own checks on
each question; bank.services.imports writes the valid ones in one transaction. The result travels between the
preview and the confirmation as JSON (`to_json` / `from_json`), stored server-side in a `QuestionImport` row.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hocso.core.text import normalize
from hocso.core.uploads.csvtext import nul_line

from ...models import Difficulty, QuestionType
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
