"""Moodle XML export of the six bank types: what Moodle reads back, plus a few `hocso_*` elements (ignored by
Moodle) for what Moodle has no place for: difficulty, all-or-nothing grading, negative marking and accent-blind
short answers. Images (embedded or uploaded) travel as `<file encoding="base64">` elements.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from decimal import Decimal
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from ....models import Question, QuestionType
from ..common import fraction_to_percent
from ..images import read_stored_image, stored_name_from_src

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")', re.I)
_DATA_URL = re.compile(r"^data:(image/[a-z0-9.+-]+);base64,([A-Za-z0-9+/=\s]+)$", re.I)


def _safe(value: str) -> str:
    return _INVALID_XML.sub("", value or "")


def _cdata(value: str) -> str:
    value = _safe(value)
    if not value:
        return ""
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _files_for(html: str) -> tuple[str, list[tuple[str, str]]]:
    """Move embedded and uploaded images into <file> elements, as Moodle expects."""
    files: list[tuple[str, str]] = []

    def replace(match: re.Match) -> str:
        src = match.group(2)
        found = _DATA_URL.match(src)
        if found:
            mime, encoded = found.group(1).lower(), "".join(found.group(2).split())
        else:
            stored = stored_name_from_src(src)
            image = read_stored_image(stored) if stored else None
            if image is None:
                return match.group(0)
            mime, encoded = image[1], base64.b64encode(image[0]).decode("ascii")
        extension = {"image/jpeg": "jpg", "image/svg+xml": "svg"}.get(mime, mime.split("/", 1)[1])
        name = f"image{len(files) + 1}.{extension}"
        files.append((name, encoded))
        return f"{match.group(1)}@@PLUGINFILE@@/{quote(name)}{match.group(3)}"

    return _IMG_SRC.sub(replace, html or ""), files


def _rich(tag: str, html: str, *, fmt: str = "html", indent: str = "    ") -> str:
    html, files = _files_for(html)
    out = f'{indent}<{tag} format="{fmt}">\n{indent}  <text>{_cdata(html)}</text>\n'
    for name, encoded in files:
        out += f'{indent}  <file name={quoteattr(name)} path="/" encoding="base64">{encoded}</file>\n'
    return out + f"{indent}</{tag}>\n"


def _answer(fraction, text: str, feedback: str, *, fmt: str = "html") -> str:
    html, files = _files_for(text) if fmt == "html" else (text, [])
    out = f'    <answer fraction="{fraction_to_percent(fraction)}" format="{fmt}">\n      <text>{_cdata(html)}</text>\n'
    for name, encoded in files:
        out += f'      <file name={quoteattr(name)} path="/" encoding="base64">{encoded}</file>\n'
    return out + _rich("feedback", feedback, indent="      ") + "    </answer>\n"


def _simple(tag: str, value) -> str:
    return f"    <{tag}>{escape(_safe(str(value)))}</{tag}>\n"


def _flag(value: bool) -> str:
    return "1" if value else "0"


def category_text(names: list[str]) -> str:
    return "$course$/top/" + "/".join(name.replace("/", "//") for name in names)


def _question(question: Question, version) -> str:
    data = version.data
    qtype = question.qtype
    moodle_type = {QuestionType.SINGLE: "multichoice", QuestionType.MULTIPLE: "multichoice",
                   QuestionType.TRUE_FALSE: "truefalse", QuestionType.SHORT_ANSWER: "shortanswer",
                   QuestionType.MATCHING: "matching", QuestionType.ESSAY: "essay"}[qtype]
    out = [
        f'  <question type="{moodle_type}">\n',
        f"    <name>\n      <text>{escape(_safe(question.name))}</text>\n    </name>\n",
        _rich("questiontext", version.text),
        _rich("generalfeedback", version.general_feedback),
        _simple("defaultgrade", f"{Decimal(version.default_mark):.7f}"),
        _simple("penalty", "0.3333333"),
        _simple("hidden", _flag(question.is_archived)),
        _simple("idnumber", question.idnumber),
    ]
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        out += [
            _simple("single", "true" if qtype == QuestionType.SINGLE else "false"),
            _simple("shuffleanswers", "true" if data.get("shuffle", True) else "false"),
            _simple("answernumbering", "abc"),
            _simple("showstandardinstruction", "0"),
            _rich("correctfeedback", ""), _rich("partiallycorrectfeedback", ""), _rich("incorrectfeedback", ""),
        ]
        out += [_answer(o["fraction"], o["text"], o.get("feedback", "")) for o in data.get("options", [])]
        out.append(_simple("hocso_negativemarking", _flag(data.get("negative_marking", False))))
        if qtype == QuestionType.MULTIPLE:
            out.append(_simple("hocso_partialcredit", _flag(data.get("partial_credit", True))))
    elif qtype == QuestionType.TRUE_FALSE:
        correct = bool(data.get("correct"))
        out += [
            _answer(1 if correct else 0, "true", data.get("feedback_true", ""), fmt="moodle_auto_format"),
            _answer(0 if correct else 1, "false", data.get("feedback_false", ""), fmt="moodle_auto_format"),
            _simple("hocso_negativemarking", _flag(data.get("negative_marking", False))),
        ]
    elif qtype == QuestionType.SHORT_ANSWER:
        out.append(_simple("usecase", _flag(data.get("case_sensitive", False))))
        out += [_answer(a["fraction"], a["text"], a.get("feedback", ""), fmt="moodle_auto_format")
                for a in data.get("answers", [])]
        out.append(_simple("hocso_ignorediacritics", _flag(data.get("ignore_diacritics", False))))
    elif qtype == QuestionType.MATCHING:
        out += [_simple("shuffleanswers", "true" if data.get("shuffle", True) else "false"),
                _rich("correctfeedback", ""), _rich("partiallycorrectfeedback", ""), _rich("incorrectfeedback", "")]
        subquestions = [(p["left"], p["right"]) for p in data.get("pairs", [])]
        subquestions += [("", d["text"]) for d in data.get("distractors", [])]
        for left, right in subquestions:
            html, files = _files_for(left)
            sub = f'    <subquestion format="html">\n      <text>{_cdata(html)}</text>\n'
            for name, encoded in files:
                sub += f'      <file name={quoteattr(name)} path="/" encoding="base64">{encoded}</file>\n'
            out.append(sub + f"      <answer>\n        <text>{_cdata(right)}</text>\n      </answer>\n"
                             "    </subquestion>\n")
    elif qtype == QuestionType.ESSAY:
        out += [_simple("responseformat", "editor"), _simple("responserequired", "1"),
                _simple("responsefieldlines", "10"), _simple("minwordlimit", data.get("min_words") or ""),
                _simple("maxwordlimit", data.get("max_words") or ""), _simple("attachments", "0"),
                _simple("attachmentsrequired", "0"), _simple("maxbytes", "0"), _simple("filetypeslist", ""),
                _rich("graderinfo", data.get("grader_info", "")), _rich("responsetemplate", "")]
    tags = [t.name for t in question.tags.all()]
    if tags:
        out.append("    <tags>\n" + "".join(f"      <tag><text>{escape(_safe(t))}</text></tag>\n" for t in tags)
                   + "    </tags>\n")
    out.append(_simple("hocso_difficulty", question.difficulty))
    out.append("  </question>\n")
    return "".join(out)


def export(questions: Iterable[Question], category_names: dict[int, list[str]]) -> bytes:
    """Moodle XML for `questions` (current versions), with a category element wherever the category changes.

    `category_names` maps a category id to the names from the top of the tree down to it.
    """
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    current = None
    for question in questions:
        if question.category_id != current:
            current = question.category_id
            out.append('  <question type="category">\n    <category>\n      <text>'
                       f"{escape(_safe(category_text(category_names.get(current, []))))}</text>\n    </category>\n"
                       '    <info format="html">\n      <text></text>\n    </info>\n  </question>\n')
        out.append(_question(question, question.current_version))
    out.append("</quiz>\n")
    return "".join(out).encode("utf-8")


def export_filename(label: str) -> str:
    from hocso.core.text import fold

    slug = re.sub(r"[^a-z0-9]+", "-", fold(label)).strip("-")[:60] or "cau-hoi"
    return f"{slug}.xml"
