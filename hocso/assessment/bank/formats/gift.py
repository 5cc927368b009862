"""GIFT import (Moodle's plain-text question format).

Questions are separated by blank lines; `//` lines are comments (Moodle's `// [id:X] [tag:Y]` markers give the
ID number and tags of the question that follows); `$CATEGORY: A/B` sets the category of what follows. A question
is `::title:: [format] text {answers} more text`:
  {=right ~wrong#feedback}      single choice        {~%50%a ~%50%b ~%-100%c}  multiple choice (no '=')
  {T} {F} {TRUE} {FALSE}         true/false           {=answer =other}          short answer
  {=left -> right}               matching             {}                        essay
  {#...}                         numerical (not supported)  no braces at all: description (not supported)
`####text` inside the braces is general feedback. Text after the braces makes a "missing word" question (the
braces become a blank). `\\~ \\= \\# \\{ \\} \\:` are literal characters and `\\n` a line break.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hocso.core.text import normalize

from ...models import QuestionType
from .common import (
    GIFT,
    ParsedQuestion,
    ParseResult,
    decode_text,
    inline_html,
    name_from_text,
    percent_to_fraction,
    snap_fractions,
    split_category_path,
    text_to_html,
    unsupported,
)

# Escaped characters become private-use placeholders while the structure is parsed, then literal again.
_ESCAPABLE = "~=#{}:\\"
_PLACEHOLDER = {ch: chr(0xE000 + i) for i, ch in enumerate(_ESCAPABLE)}
_LITERAL = {v: k for k, v in _PLACEHOLDER.items()}
_ESCAPE = re.compile(r"\\([~=#{}:\\n])")
_FORMATS = {"html": "html", "moodle": "moodle", "plain": "plain", "markdown": "plain"}
_WEIGHT = re.compile(r"^\s*%(-?\d+(?:[.,]\d+)?)%")
_TRUE_FALSE = re.compile(r"^(T|F|TRUE|FALSE)\s*(#[^#]*)?(#[^#]*)?$", re.I | re.S)
_META = re.compile(r"\[(id|tag):([^\]]+)\]")


def _hide_escapes(text: str) -> str:
    return _ESCAPE.sub(lambda m: "\n" if m.group(1) == "n" else _PLACEHOLDER[m.group(1)], text)


def _literal(text: str) -> str:
    return "".join(_LITERAL.get(ch, ch) for ch in text)


def parse(data: bytes) -> ParseResult:
    result = ParseResult(file_format=GIFT)
    try:
        content = decode_text(data)
    except ValidationError as exc:
        result.errors.extend(exc.messages)
        return result
    blocks: list[tuple[int, list[str], dict]] = []  # (first line number, lines, meta from comments)
    lines: list[str] = []
    start, meta = 0, {"id": "", "tags": []}
    for number, raw in enumerate(content.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        stripped = raw.strip()
        if stripped.startswith("//"):
            for kind, value in _META.findall(stripped):
                if kind == "id":
                    meta["id"] = normalize(value)
                else:
                    meta["tags"].append(normalize(value))
            continue
        if not stripped:
            if lines:
                blocks.append((start, lines, meta))
                lines, meta = [], {"id": "", "tags": []}
            continue
        if not lines:
            start = number
        lines.append(raw)
    if lines:
        blocks.append((start, lines, meta))

    category: list[str] = []
    position = 0
    carried = {"id": "", "tags": []}  # markers written above a $CATEGORY line belong to the next question
    for line, block, block_meta in blocks:
        block_meta = {"id": block_meta["id"] or carried["id"], "tags": carried["tags"] + block_meta["tags"]}
        carried = {"id": "", "tags": []}
        if block[0].strip().startswith("$CATEGORY:"):
            category = split_category_path(block[0].strip()[len("$CATEGORY:"):])
            block = block[1:]
            line += 1
            if not block:
                carried = block_meta
                continue
        position += 1
        question = _parse_question(_hide_escapes("\n".join(block)), position=position, line=line,
                                   category=category)
        if question.qtype:
            question.idnumber = block_meta["id"][:100]
            question.tags = block_meta["tags"]
        result.questions.append(question)
    if position == 0:
        result.errors.append(_("The file contains no questions."))
    return result


def _parse_question(text: str, *, position: int, line: int, category: list[str]) -> ParsedQuestion:
    name = ""
    title = re.match(r"^\s*::(.*?)::", text, re.S)
    if title:
        name = normalize(_literal(title.group(1)))
        text = text[title.end():]
    fmt = "moodle"
    marker = re.match(r"^\s*\[(html|moodle|plain|markdown)\]", text, re.I)
    if marker:
        fmt = _FORMATS[marker.group(1).lower()]
        text = text[marker.end():]
    opening = text.find("{")
    if opening == -1:
        return unsupported(position, "description", name or name_from_text(_literal(text)), line=line,
                           category=category)
    closing = text.find("}", opening)
    question = ParsedQuestion(position=position, source_type="", name=name, line=line, category=list(category))
    if closing == -1:
        question.source_type = "?"
        question.errors.append(_("The answers are not closed with “}”."))
        return question
    if text.find("{", closing) != -1:
        question.source_type = "?"
        question.errors.append(_("The question has more than one answer block {…}."))
        return question
    before, answers, after = text[:opening], text[opening + 1:closing], text[closing + 1:]
    # Text after the answers: a "missing word" question whose answers fill the blank.
    body = f"{before.rstrip()} _____ {after.lstrip()}" if after.strip() else before
    question.text = text_to_html(_literal(body), fmt)
    if not name:
        question.name = name_from_text(question.text)

    answers, _sep, general = answers.partition("####")
    question.general_feedback = text_to_html(_literal(general), fmt)
    answers = answers.strip()
    if not answers:
        question.qtype, question.source_type = QuestionType.ESSAY, "essay"
        question.data = {"min_words": None, "max_words": None, "grader_info": ""}
    elif answers.startswith("#"):
        return unsupported(position, "numerical", question.name, line=line, category=category)
    elif _TRUE_FALSE.match(answers):
        _true_false(question, _TRUE_FALSE.match(answers), fmt)
    elif "~" in answers:
        _choice(question, answers, fmt)
    elif "->" in answers:
        _matching(question, answers, fmt)
    elif answers.startswith("="):
        _short_answer(question, answers, fmt)
    else:
        question.source_type = "?"
        question.errors.append(_("The answers cannot be read: each one must start with “=” or “~”."))
    return question


def _items(answers: str, question: ParsedQuestion) -> list[tuple[str, str]]:
    """(marker, body) for each answer; text before the first marker is an error."""
    pieces = re.split(r"(?=[=~])", answers)
    if pieces and pieces[0].strip():
        question.errors.append(_("Unexpected text before the first answer: “%(text)s”.")
                               % {"text": _literal(pieces[0].strip())[:40]})
    return [(piece[0], piece[1:]) for piece in pieces if piece and piece[0] in "=~"]


def _weight_and_rest(body: str, default: str) -> tuple[str, str]:
    weight = _WEIGHT.match(body)
    if weight:
        return weight.group(1).replace(",", "."), body[weight.end():]
    return default, body


def _true_false(question: ParsedQuestion, match: re.Match, fmt: str) -> None:
    correct = match.group(1).upper().startswith("T")
    # GIFT: the first feedback is for a wrong answer, the second for a right one.
    wrong_fb = _literal((match.group(2) or "#")[1:]).strip()
    right_fb = _literal((match.group(3) or "#")[1:]).strip()
    true_fb, false_fb = (right_fb, wrong_fb) if correct else (wrong_fb, right_fb)
    question.qtype, question.source_type = QuestionType.TRUE_FALSE, "truefalse"
    question.data = {"correct": correct, "feedback_true": inline_html(true_fb, fmt),
                     "feedback_false": inline_html(false_fb, fmt), "negative_marking": False}


def _choice(question: ParsedQuestion, answers: str, fmt: str) -> None:
    items = _items(answers, question)
    single = any(marker == "=" for marker, _body in items)
    options = []
    for index, (marker, body) in enumerate(items, start=1):
        weight, rest = _weight_and_rest(body, "100" if marker == "=" else "0")
        text, _sep, feedback = rest.partition("#")
        try:
            fraction = percent_to_fraction(weight)
        except ValueError:
            question.errors.append(_("A grade is not a number: %(value)s") % {"value": weight})
            fraction = 0
        options.append({"id": f"o{index}", "text": inline_html(_literal(text), fmt), "fraction": str(fraction),
                        "feedback": inline_html(_literal(feedback), fmt)})
    snap_fractions(options, multiple=not single)
    question.qtype = QuestionType.SINGLE if single else QuestionType.MULTIPLE
    question.source_type = "multichoice"
    question.data = {"options": options, "shuffle": True, "negative_marking": False}
    if not single:
        question.data["partial_credit"] = True


def _matching(question: ParsedQuestion, answers: str, fmt: str) -> None:
    pairs, distractors = [], []
    for marker, body in _items(answers, question):
        left, arrow, right = body.partition("->")
        if marker != "=" or not arrow:
            question.errors.append(_("Each matching pair is written “=left -> right”: “%(text)s”.")
                                   % {"text": _literal(body.strip())[:40]})
            continue
        right = normalize(_literal(right))
        if left.strip():
            pairs.append({"id": f"p{len(pairs) + 1}", "left": inline_html(_literal(left), fmt), "right": right})
        elif right:
            distractors.append({"id": f"d{len(distractors) + 1}", "text": right})
    question.qtype, question.source_type = QuestionType.MATCHING, "matching"
    question.data = {"pairs": pairs, "distractors": distractors, "shuffle": True}


def _short_answer(question: ParsedQuestion, answers: str, fmt: str) -> None:
    accepted = []
    for _marker, body in _items(answers, question):
        weight, rest = _weight_and_rest(body, "100")
        text, _sep, feedback = rest.partition("#")
        try:
            fraction = percent_to_fraction(weight)
        except ValueError:
            question.errors.append(_("A grade is not a number: %(value)s") % {"value": weight})
            fraction = 0
        accepted.append({"text": normalize(_literal(text)), "fraction": str(fraction),
                         "feedback": inline_html(_literal(feedback), fmt)})
    snap_fractions(accepted, multiple=False)
    question.qtype, question.source_type = QuestionType.SHORT_ANSWER, "shortanswer"
    question.data = {"answers": accepted, "case_sensitive": False, "ignore_diacritics": False}
