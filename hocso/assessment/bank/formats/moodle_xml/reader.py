"""Moodle XML import of the six bank types.

Follows Moodle's own `qformat_xml`: `<question type="category">` sets the category for what follows
(`$course$/top/A/B` → A/B), grades are percentages (33.33333), texts carry a format (html, moodle_auto_format,
plain_text, markdown) and images travel as `<file encoding="base64">` referenced by `@@PLUGINFILE@@/name`, which
become data: URLs. Types the bank does not have (calculated, numerical, cloze, drag-and-drop, description, …) are
reported by position and name. The XML is read with defusedxml: no DTDs, no entities, no network.
"""

from __future__ import annotations

import base64
import binascii
import re
from decimal import Decimal
from urllib.parse import unquote
from xml.etree.ElementTree import Element, ParseError

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hocso.core.text import is_digits, normalize

from ....models import Difficulty, QuestionType
from ..common import (
    MOODLE_XML,
    ParsedQuestion,
    ParseResult,
    decode_text,
    html_to_plain,
    inline_html,
    percent_to_fraction,
    snap_fractions,
    split_category_path,
    text_to_html,
    unsupported,
)
from ..images import data_url, sniff_image

# Moodle text formats → how we turn them into HTML.
_FORMATS = {"html": "html", "moodle_auto_format": "moodle", "moodle": "moodle", "plain_text": "plain",
            "plain": "plain", "markdown": "plain"}
_TRUE = {"1", "true", "yes"}
_PLUGINFILE = re.compile(r"@@PLUGINFILE@@(/[^\"'<>\s)]*)")
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def parse(data: bytes) -> ParseResult:
    result = ParseResult(file_format=MOODLE_XML)
    declared = _DECLARED_ENCODING.match(data[:300])
    try:
        if declared and declared.group(1).decode().lower().replace("_", "-") not in {"utf-8", "utf8"}:
            raise ValidationError(_("The file is not UTF-8 text (it declares the encoding %(encoding)s). Export it "
                                    "again from Moodle, or save it with the UTF-8 encoding.")
                                  % {"encoding": declared.group(1).decode()})
        decode_text(data)
    except ValidationError as exc:
        result.errors.extend(exc.messages)
        return result
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        result.errors.append(_("The file declares a DTD or entities, which are not allowed in question files."))
        return result
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        result.errors.append(_("The file is not valid XML: the problem is on line %(line)s, column %(column)s.")
                             % {"line": line, "column": column + 1})
        return result
    if root.tag != "quiz":
        result.errors.append(_("This is not a Moodle XML question file: it should start with <quiz>."))
        return result

    category: list[str] = []
    position = 0
    for node in root.findall("question"):
        source_type = node.get("type", "")
        if source_type == "category":
            category = split_category_path(node.findtext("category/text") or "")
            continue
        position += 1
        name = normalize(node.findtext("name/text") or "")
        reader = _READERS.get(source_type)
        if reader is None:
            result.questions.append(unsupported(position, source_type or "?", name, category=category))
            continue
        question = ParsedQuestion(position=position, source_type=source_type, name=name, category=list(category))
        _read_common(node, question)
        try:
            reader(node, question)
        except ValueError as exc:
            question.errors.append(_("A grade is not a number: %(value)s") % {"value": exc.args[0] if exc.args else ""})
        result.questions.append(question)
    if position == 0:
        result.errors.append(_("The file contains no questions."))
    return result


def _bool(value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() in _TRUE


def _ext(node: Element, name: str, default: bool) -> bool:
    """A `hocso_*` element written by our export (absent in files from Moodle)."""
    return _bool(node.findtext(f"hocso_{name}"), default)


def _embed_files(text: str, node: Element, question: ParsedQuestion) -> str:
    """Replace @@PLUGINFILE@@ references to embedded images by data: URLs."""
    files = {}
    for file_node in node.findall("file"):
        path = (file_node.get("path") or "/").rstrip("/") + "/" + (file_node.get("name") or "")
        files[path] = file_node.text or ""

    def replace(match: re.Match) -> str:
        path = unquote(match.group(1))
        encoded = files.get(path)
        if encoded is None:
            question.warnings.append(_("The file %(name)s is referenced but not included.") % {"name": path[1:]})
            return match.group(0)
        try:
            content = base64.b64decode("".join(encoded.split()), validate=True)
        except (binascii.Error, ValueError):
            question.warnings.append(_("The file %(name)s is damaged.") % {"name": path[1:]})
            return match.group(0)
        mime = sniff_image(content)
        if mime is None:
            question.warnings.append(_("The file %(name)s is not an image and was not imported.")
                                     % {"name": path[1:]})
            return match.group(0)
        return data_url(content, mime)

    return _PLUGINFILE.sub(replace, text) if "@@PLUGINFILE@@" in text else text


def _rich_node(node: Element | None, question: ParsedQuestion, *, inline: bool = False) -> str:
    """The HTML of a node with a format attribute, a <text> child and maybe <file> children."""
    if node is None:
        return ""
    fmt = _FORMATS.get(node.get("format", "html"), "html")
    text = _embed_files(node.findtext("text") or "", node, question)
    if inline:
        return inline_html(text, fmt)
    return text_to_html(text, fmt)


def _plain_node(node: Element | None) -> str:
    """A plain-text answer (short answer, matching right-hand side)."""
    if node is None:
        return ""
    text = node.findtext("text") or ""
    return html_to_plain(text) if node.get("format") == "html" else normalize(text)


def _read_common(node: Element, question: ParsedQuestion) -> None:
    question.text = _rich_node(node.find("questiontext"), question)
    question.general_feedback = _rich_node(node.find("generalfeedback"), question)
    question.default_mark = (node.findtext("defaultgrade") or "1").strip() or "1"
    question.idnumber = normalize(node.findtext("idnumber") or "")[:100]
    question.archived = _bool(node.findtext("hidden"), False)
    question.tags = [normalize(t.text or "") for t in node.findall("tags/tag/text") if normalize(t.text or "")]
    difficulty = (node.findtext("hocso_difficulty") or "").strip()
    if is_digits(difficulty) and int(difficulty) in Difficulty.values:
        question.difficulty = int(difficulty)


def _read_multichoice(node: Element, question: ParsedQuestion) -> None:
    single = _bool(node.findtext("single"), True)
    options = [
        {"id": f"o{index}", "text": _rich_node(answer, question, inline=True),
         "fraction": str(percent_to_fraction(answer.get("fraction", "0"))),
         "feedback": _rich_node(answer.find("feedback"), question)}
        for index, answer in enumerate(node.findall("answer"), start=1)
    ]
    snap_fractions(options, multiple=not single)
    # Moodle gives a single-choice question a negative grade when the chosen option has one; a multiple-choice
    # question never goes below 0 there, which is our default.
    negative_default = single and any(Decimal(o["fraction"]) < 0 for o in options)
    question.qtype = QuestionType.SINGLE if single else QuestionType.MULTIPLE
    question.data = {"options": options, "shuffle": _bool(node.findtext("shuffleanswers"), True),
                     "negative_marking": _ext(node, "negativemarking", negative_default)}
    if not single:
        question.data["partial_credit"] = _ext(node, "partialcredit", True)


def _read_multichoiceset(node: Element, question: ParsedQuestion) -> None:
    """The 'all-or-nothing multiple choice' plugin: correct options are marked, and only all of them score."""
    answers = node.findall("answer")
    correct = [a for a in answers if percent_to_fraction(a.get("fraction", "0")) > 0]
    share = (Decimal(1) / len(correct)).quantize(Decimal("0.0000001")) if correct else Decimal(0)
    options = [
        {"id": f"o{index}", "text": _rich_node(answer, question, inline=True),
         "fraction": str(share if answer in correct else 0), "feedback": _rich_node(answer.find("feedback"), question)}
        for index, answer in enumerate(answers, start=1)
    ]
    snap_fractions(options, multiple=True)
    question.qtype = QuestionType.MULTIPLE
    question.data = {"options": options, "shuffle": _bool(node.findtext("shuffleanswers"), True),
                     "negative_marking": False, "partial_credit": False}


def _read_truefalse(node: Element, question: ParsedQuestion) -> None:
    data: dict = {"correct": None, "feedback_true": "", "feedback_false": "",
                  "negative_marking": _ext(node, "negativemarking", False)}
    for answer in node.findall("answer"):
        value = html_to_plain(answer.findtext("text") or "").lower()
        if value not in {"true", "false"}:
            continue
        data[f"feedback_{value}"] = _rich_node(answer.find("feedback"), question)
        if percent_to_fraction(answer.get("fraction", "0")) == 1:
            data["correct"] = value == "true"
    question.qtype = QuestionType.TRUE_FALSE
    question.data = data


def _read_shortanswer(node: Element, question: ParsedQuestion) -> None:
    answers = [
        {"text": _plain_node(answer), "fraction": str(percent_to_fraction(answer.get("fraction", "0"))),
         "feedback": _rich_node(answer.find("feedback"), question)}
        for answer in node.findall("answer")
    ]
    snap_fractions(answers, multiple=False)
    question.qtype = QuestionType.SHORT_ANSWER
    question.data = {"answers": answers, "case_sensitive": _bool(node.findtext("usecase"), False),
                     "ignore_diacritics": _ext(node, "ignorediacritics", False)}


def _read_matching(node: Element, question: ParsedQuestion) -> None:
    pairs, distractors = [], []
    for sub in node.findall("subquestion"):
        left = _rich_node(sub, question)
        right = _plain_node(sub.find("answer"))
        if not right:
            continue
        if html_to_plain(left) or "<img" in left:
            pairs.append({"id": f"p{len(pairs) + 1}", "left": left, "right": right})
        else:  # an empty left-hand side marks a distractor (Moodle's convention)
            distractors.append({"id": f"d{len(distractors) + 1}", "text": right})
    question.qtype = QuestionType.MATCHING
    question.data = {"pairs": pairs, "distractors": distractors,
                     "shuffle": _bool(node.findtext("shuffleanswers"), True)}


def _read_essay(node: Element, question: ParsedQuestion) -> None:
    def limit(tag: str) -> int | None:
        value = (node.findtext(tag) or "").strip()
        return int(value) if is_digits(value) and int(value) > 0 else None

    question.qtype = QuestionType.ESSAY
    question.data = {"min_words": limit("minwordlimit"), "max_words": limit("maxwordlimit"),
                     "grader_info": _rich_node(node.find("graderinfo"), question)}


_READERS = {
    "multichoice": _read_multichoice,
    "multichoiceset": _read_multichoiceset,
    "truefalse": _read_truefalse,
    "shortanswer": _read_shortanswer,
    "matching": _read_matching,
    "essay": _read_essay,
}
