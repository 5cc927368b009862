"""The exam page's questions as HTML, built in Python.

The exam page is the start rush's heaviest request, and rendering 30 questions through the template engine
(loops, {% blocktranslate %} and filters per question and per option) was most of its cost. This writes the same
markup with plain string building: the labels are translated once per page, every value that is not sanitised
question HTML is escaped, and nothing beyond what PaperQuestion carries (texts, ids, option order, the saved
answer) can reach the page: still no key. The markup must stay in step with static/assessment/exam.js.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ..templatetags.exam_tags import mark as format_mark
from .paper import PaperQuestion


def _e(value) -> str:
    # html.escape is what django.utils.html.escape calls; the values here are plain text, never SafeStrings.
    return escape(str(value))


@dataclass(frozen=True)
class _Labels:
    """The page's fixed texts, translated (and escaped) once per page rather than once per question."""

    question: str
    marks: str
    saved: str
    idle: str
    your_answer: str
    clear: str
    true: str
    false: str
    choose: str
    words_between: str
    words_min: str
    words_max: str
    marks_of: dict | None = None  # "N mark(s)" for each mark on the paper, set by questions_html

    @classmethod
    def current(cls) -> _Labels:
        # Same msgids as {% translate %} / {% blocktranslate %} would use: one catalogue, no new strings.
        return cls(
            question=_("Question %(n)s"),
            marks=_("%(mark)s mark(s)"),
            saved=_e(_("Saved")),
            idle=_e(_("Not answered")),
            your_answer=_e(_("Your answer")),
            clear=_e(_("Clear my choice")),
            true=_e(_("True")),
            false=_e(_("False")),
            choose=_e(_("Choose…")),
            words_between=_("Write between %(low)s and %(high)s words."),
            words_min=_("Write at least %(low)s words."),
            words_max=_("Write at most %(high)s words."),
        )


def _question_label(labels: _Labels, slot: int) -> str:
    return labels.question % {"n": slot}


def nav_html(paper: list[PaperQuestion]) -> SafeString:
    """The question navigator's links, one per question."""
    labels = _Labels.current()
    return mark_safe("".join(
        f'<a href="#q-{q.slot}" class="exam-nav-item{" answered" if q.answered else ""}" data-slot="{q.slot}" '
        f'aria-label="{_e(_question_label(labels, q.slot))}">{q.slot}</a>'
        for q in paper
    ))


def _choices(q: PaperQuestion, labels: _Labels) -> list[str]:
    kind = "radio" if q.qtype == "single" else "checkbox"
    out = ['<fieldset class="exam-options">',
           f'<legend class="visually-hidden">{labels.your_answer}</legend>']
    for counter, option in enumerate(q.option_rows(), start=1):
        ident = f"q{q.slot}-o{counter}"
        checked = " checked" if option["checked"] else ""
        out.append(
            f'<label class="exam-option" for="{ident}">'
            f'<input type="{kind}" id="{ident}" name="q{q.slot}" value="{_e(option["id"])}"{checked}> '
            f'<span class="exam-letter">{chr(96 + counter)}.</span> '
            f'<span class="exam-option-text">{option["text"]}</span></label>'
        )
    out.append("</fieldset>")
    if q.qtype == "single":
        out.append(f'<button type="button" class="exam-clear" data-clear>{labels.clear}</button>')
    return out


def _true_false(q: PaperQuestion, labels: _Labels) -> list[str]:
    value = q.bool_value
    yes = " checked" if value is True else ""
    no = " checked" if value is False else ""
    return [
        '<fieldset class="exam-options">',
        f'<legend class="visually-hidden">{labels.your_answer}</legend>',
        f'<label class="exam-option" for="q{q.slot}-t"><input type="radio" id="q{q.slot}-t" name="q{q.slot}" '
        f'value="true"{yes}> {labels.true}</label>',
        f'<label class="exam-option" for="q{q.slot}-f"><input type="radio" id="q{q.slot}-f" name="q{q.slot}" '
        f'value="false"{no}> {labels.false}</label>',
        "</fieldset>",
        f'<button type="button" class="exam-clear" data-clear>{labels.clear}</button>',
    ]


def _short_answer(q: PaperQuestion, labels: _Labels) -> list[str]:
    return [
        '<div class="field">',
        f'<label for="q{q.slot}-text">{labels.your_answer}</label>',
        f'<input type="text" id="q{q.slot}-text" name="q{q.slot}" value="{_e(q.text_value)}" maxlength="1000">',
        "</div>",
    ]


def _matching(q: PaperQuestion, labels: _Labels) -> list[str]:
    out = ['<div class="exam-matching">']
    rights = [(str(right["id"]), _e(right["id"]), _e(right["text"])) for right in q.rights]
    for counter, left in enumerate(q.left_rows(), start=1):
        ident = f"q{q.slot}-m{counter}"
        chosen = left["chosen"]
        options = "".join(
            f'<option value="{rid}"{" selected" if raw == chosen else ""}>{text}</option>' for raw, rid, text in rights
        )
        out.append(
            f'<div class="exam-match"><label for="{ident}" class="exam-match-left">{left["text"]}</label>'
            f'<select id="{ident}" name="{ident}" data-left="{_e(left["id"])}">'
            f'<option value="">{labels.choose}</option>{options}</select></div>'
        )
    out.append("</div>")
    return out


def _essay(q: PaperQuestion, labels: _Labels) -> list[str]:
    low, high = q.min_words, q.max_words
    if low and high:
        words = labels.words_between % {"low": low, "high": high}
    elif low:
        words = labels.words_min % {"low": low}
    elif high:
        words = labels.words_max % {"high": high}
    else:
        words = ""
    return [
        '<div class="field">',
        f'<label for="q{q.slot}-text">{labels.your_answer}</label>',
        f'<textarea id="q{q.slot}-text" name="q{q.slot}" rows="8" maxlength="15000">{_e(q.text_value)}</textarea>',
        f'<p class="muted exam-words" data-words>{words} <span data-word-count></span></p>',
        "</div>",
    ]


_BODIES = {"single": _choices, "multiple": _choices, "truefalse": _true_false, "shortanswer": _short_answer,
           "matching": _matching}


def _question(q: PaperQuestion, labels: _Labels) -> str:
    saved = q.response is not None
    head = (
        f'<section class="card exam-q" id="q-{q.slot}" data-slot="{q.slot}" data-qtype="{_e(q.qtype)}" '
        f'aria-labelledby="q-{q.slot}-title">'
        f'<header class="exam-q-head">'
        f'<h2 id="q-{q.slot}-title">{_question_label(labels, q.slot)}</h2>'
        f'<span class="muted">{labels.marks_of[q.mark]}</span>'
        f'<span class="save-state" data-state="{"saved" if saved else "idle"}">'
        f'{labels.saved if saved else labels.idle}</span>'
        f"</header>"
        # Question and option texts are HTML cleaned by sanitise.clean_html when they were written.
        f'<div class="exam-q-text">{q.text}</div>'
    )
    body = _BODIES.get(q.qtype, _essay)(q, labels)
    return head + "\n".join(body) + "</section>"


def questions_html(paper: list[PaperQuestion]) -> SafeString:
    """Every question of the paper, in slot order, pre-filled with the saved answers."""
    labels = _Labels.current()
    # A paper has one or two distinct marks: format each once (number_format is locale-aware, so not cheap).
    marks = {q.mark for q in paper}
    labels = replace(labels, marks_of={mark: labels.marks % {"mark": format_mark(mark)} for mark in marks})
    return mark_safe("\n".join(_question(q, labels) for q in paper))
