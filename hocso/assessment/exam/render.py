"""The exam page's questions as HTML, built in Python.

The exam page is the start rush's heaviest request, and rendering 30 questions through the template engine
(loops, {% blocktranslate %} and filters per question and per option) was most of its cost. This writes the same
markup with plain string building: the labels are translated once per page, every value that is not sanitised
question HTML is escaped, and nothing beyond what PaperQuestion carries (texts, ids, option order, the saved
answer) can reach the page: still no key. The markup must stay in step with static/assessment/exam.js.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.templatetags.static import static
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import json_script, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from hocso.core.formatting import moment, percent
from hocso.core.reversing import reverse_id

from ..templatetags.exam_tags import mark as format_mark
from .paper import PaperQuestion

# What django.utils.html.escape (html.escape) replaces, in one str.translate rather than five str.replace calls.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _e(value) -> str:
    # The values here are plain text, never SafeStrings.
    return str(value).translate(_ESCAPES)


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

    @classmethod
    def current(cls) -> _Labels:
        """The labels in the current language, translated once per worker and language."""
        language = get_language() or ""
        labels = _LABELS.get(language)
        if labels is None:
            labels = _LABELS[language] = cls._translated()
        return labels

    @classmethod
    def _translated(cls) -> _Labels:
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


_LABELS: dict[str, _Labels] = {}
_MARK_TEXTS: dict[tuple[str, Decimal], str] = {}


def _question_label(labels: _Labels, slot: int) -> str:
    return labels.question % {"n": slot}


_SLOT_LABELS: dict[tuple[str, int], tuple[str, str]] = {}


def _slot_labels(labels: _Labels, language: str, slot: int) -> tuple[str, str]:
    """"Question N", as is and escaped, once per worker, language and slot (a paper has at most a few hundred)."""
    found = _SLOT_LABELS.get((language, slot))
    if found is None:
        text = _question_label(labels, slot)
        found = _SLOT_LABELS[language, slot] = (text, _e(text))
    return found


def nav_html(paper: list[PaperQuestion]) -> SafeString:
    """The question navigator's links, one per question."""
    labels = _Labels.current()
    language = get_language() or ""
    return mark_safe("".join([
        f'<a href="#q-{q.slot}" class="exam-nav-item{" answered" if q.response and q.answered else ""}" '
        f'data-slot="{q.slot}" aria-label="{_slot_labels(labels, language, q.slot)[1]}">{q.slot}</a>'
        for q in paper
    ]))


_LETTERS = tuple(chr(96 + counter) for counter in range(1024))  # a., b., … by the option's number


def _choices(q: PaperQuestion, labels: _Labels) -> list[str]:
    kind = "radio" if q.qtype == "single" else "checkbox"
    slot = q.slot
    chosen = q.chosen_ids() if q.response else ()
    # One comprehension rather than a call per option: thirty questions of four options each on every exam page.
    options = "\n".join([
        f'<label class="exam-option" for="q{slot}-o{counter}">'
        f'<input type="{kind}" id="q{slot}-o{counter}" name="q{slot}" '
        f'value="{str(option["id"]).translate(_ESCAPES)}"{" checked" if option["id"] in chosen else ""}> '
        f'<span class="exam-letter">{_LETTERS[counter] if counter < 1024 else chr(96 + counter)}.</span> '
        f'<span class="exam-option-text">{option["text"]}</span></label>'
        for counter, option in enumerate(q.options, start=1)
    ])
    out = ['<fieldset class="exam-options">', f'<legend class="visually-hidden">{labels.your_answer}</legend>']
    if options:
        out.append(options)
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


def _question(q: PaperQuestion, labels: _Labels, marks_of: dict[Decimal, str], language: str) -> str:
    saved = q.response is not None
    head = (
        f'<section class="card exam-q" id="q-{q.slot}" data-slot="{q.slot}" data-qtype="{_e(q.qtype)}" '
        f'aria-labelledby="q-{q.slot}-title">'
        f'<header class="exam-q-head">'
        f'<h2 id="q-{q.slot}-title">{_slot_labels(labels, language, q.slot)[0]}</h2>'
        f'<span class="muted">{marks_of[q.mark]}</span>'
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
    # A paper has one or two distinct marks: format each once per worker and language (number_format is
    # locale-aware, so not cheap).
    language = get_language() or ""
    marks_of = {}
    for mark in {q.mark for q in paper}:
        text = _MARK_TEXTS.get((language, mark))
        if text is None:
            if len(_MARK_TEXTS) > 1000:  # marks are few; never let an odd set grow without bound
                _MARK_TEXTS.clear()
            text = _MARK_TEXTS[language, mark] = labels.marks % {"mark": format_mark(mark)}
        marks_of[mark] = text
    return mark_safe("\n".join([_question(q, labels, marks_of, language) for q in paper]))


# --- the quiz page ---------------------------------------------------------------------------------------------
# The quiz page (its Start button) is what every learner opens at the start of an exam. Its template (three
# includes, a dozen {% translate %}, filters) was half of what the page cost once the frame was cheap; the same
# markup is written here. The labels are translated once per worker and language.

_QUIZ_LABELS: dict[tuple[str, str], dict[str, str]] = {}


def _quiz_labels() -> dict[str, str]:
    language = (get_language() or "", get_script_prefix())
    labels = _QUIZ_LABELS.get(language)
    if labels is None:
        texts = {
            "in_progress": _("In progress"), "open": _("Open"), "upcoming": _("Upcoming"), "closed": _("Closed"),
            "when": _("When"), "from": _("from"), "until": _("until"), "always_open": _("Always open"),
            "time_limit": _("Time limit"), "no_time_limit": _("No time limit"), "attempts": _("Attempts"),
            "grading_method": _("Grading method"), "pass_mark": _("Pass mark"), "your_grade": _("Your grade"),
            "passed": _("Passed"), "not_passed": _("Not passed"), "continue_attempt": _("Continue the attempt"),
            "start_new": _("Start a new attempt"), "start": _("Start the quiz"),
            "all_used": _("You have used all your attempts at this quiz."),
            "clock": _("The clock starts when you start the quiz and keeps running if you leave the page."),
            "your_attempts": _("Your attempts"), "no": _("No."), "state": _("State"), "started": _("Started"),
            "submitted": _("Submitted"), "score": _("Score"), "percentage": _("Percentage"),
            "auto": _("submitted automatically"), "continue": _("Continue"), "result": _("Result"),
            "breadcrumbs": _("Breadcrumbs"), "my_quizzes": _("My quizzes"),
        }
        labels = _QUIZ_LABELS[language] = {key: _e(text) for key, text in texts.items()}
        labels["my_quizzes_url"] = _e(reverse_id("assessment:exam_my_quizzes"))
        labels["head"] = mark_safe(f'<link rel="stylesheet" href="{_e(static("assessment/exam.css"))}">')
    return labels


def quiz_status_html(row, labels: dict[str, str]) -> str:
    """As assessment/exam/_status.html."""
    if row.open_attempt:
        return f'<span class="badge ok">{labels["in_progress"]}</span>'
    if row.status == "open":
        return f'<span class="badge ok">{labels["open"]}</span>'
    if row.status == "upcoming":
        return f'<span class="badge">{labels["upcoming"]}</span>'
    return f'<span class="badge former">{labels["closed"]}</span>'


def _window_html(row, labels: dict[str, str]) -> str:
    """As assessment/exam/_window.html."""
    open_at, close_at = row.window.open_at, row.window.close_at
    if not (open_at or close_at):
        return labels["always_open"]
    parts = []
    if open_at:
        parts.append(f'{labels["from"]} {_e(moment(open_at))}')
    if close_at:
        parts.append(f'{labels["until"]} {_e(moment(close_at))}')
    return " ".join(parts)


def quiz_page(row) -> dict[str, object]:
    """The quiz page as page.html writes it: its title, head link, breadcrumbs and content (`page_parts`: the
    CSRF token's input goes between the two parts when the page has the Start form)."""
    labels = _quiz_labels()
    quiz = row.quiz
    title = _e(quiz.title)
    breadcrumbs = (f'<nav class="breadcrumbs" aria-label="{labels["breadcrumbs"]}">'
                   f'<a href="{labels["my_quizzes_url"]}">{labels["my_quizzes"]}</a> › '
                   f'<span aria-current="page">{title}</span></nav>')
    minutes = row.time_limit_minutes
    if minutes:
        limit = _e(ngettext("%(minutes)s minute", "%(minutes)s minutes", minutes) % {"minutes": minutes})
    else:
        limit = labels["no_time_limit"]
    if row.attempts_allowed:
        attempts = _e(_("%(used)s of %(allowed)s used") % {"used": row.attempts_used, "allowed": row.attempts_allowed})
    else:
        attempts = _e(_("%(used)s used (no limit)") % {"used": row.attempts_used})
    if row.final_percent is not None:
        badge = (f'<span class="badge ok">{labels["passed"]}</span>' if row.passed
                 else f'<span class="badge former">{labels["not_passed"]}</span>')
        grade = f"{_e(percent(row.final_percent))}\n      {badge}\n    "
    else:
        grade = "—"
    description = f'<div class="card">{linebreaks(quiz.description, autoescape=True)}</div>' if quiz.description else ""
    head = (
        f"\n<h1>{title}</h1>\n<p>{quiz_status_html(row, labels)}</p>\n{description}\n"
        '<div class="card">\n  <dl class="props">\n'
        f'    <dt>{labels["when"]}</dt><dd>{_window_html(row, labels)}</dd>\n'
        f'    <dt>{labels["time_limit"]}</dt>\n    <dd>{limit}</dd>\n'
        f'    <dt>{labels["attempts"]}</dt>\n    <dd>{attempts}</dd>\n'
        f'    <dt>{labels["grading_method"]}</dt><dd>{_e(quiz.get_grading_method_display())}</dd>\n'
        f'    <dt>{labels["pass_mark"]}</dt><dd>{_e(percent(quiz.pass_percent))}</dd>\n'
        f'    <dt>{labels["your_grade"]}</dt>\n    <dd class="exam-grade">{grade}</dd>\n'
        '  </dl>\n  <div class="actions">'
    )
    start_url = action = ""
    start_label = labels["start_new"] if row.attempts_used else labels["start"]
    if row.can_continue:
        url = _e(reverse_id("assessment:exam_attempt", row.open_attempt.pk))
        action = f'\n  <a class="btn" href="{url}">{labels["continue_attempt"]}</a>\n'
    elif row.can_start:
        start_url = reverse_id("assessment:exam_start", quiz.pk)
    elif row.status == "open" and row.attempts_left == 0:
        action = f'\n  <p class="muted">{labels["all_used"]}</p>\n'
    tail = ["</div>\n"]
    if row.can_start and minutes:
        tail.append(f'  <p class="muted">{labels["clock"]}</p>')
    tail.append("\n</div>\n")
    if row.attempts:
        tail.append(_attempts_table(row.attempts, labels))
    if start_url:
        parts = [head + f'\n  <form method="post" action="{_e(start_url)}">',
                 f'\n    <button type="submit" class="btn">{start_label}</button>\n  </form>\n' + "".join(tail)]
    else:
        parts = [head + action + "".join(tail)]
    return {"page_title": quiz.title, "page_head": labels["head"], "page_breadcrumbs": mark_safe(breadcrumbs),
            "page_parts": [mark_safe(part) for part in parts]}


def _attempts_table(attempts, labels: dict[str, str]) -> str:
    rows = []
    for attempt in attempts:
        auto = f' <span class="badge">{labels["auto"]}</span>' if attempt.auto_submitted else ""
        if attempt.score is not None:
            score = f"{_e(format_mark(attempt.score))} / {_e(format_mark(attempt.max_score))}"
        else:
            score = "—"
        shown = _e(percent(attempt.percent)) if attempt.state == "graded" else "—"
        if attempt.state == "in_progress":
            link = (f'<a href="{_e(reverse_id("assessment:exam_attempt", attempt.pk))}">'
                    f'{labels["continue"]}</a>')
        else:
            link = f'<a href="{_e(reverse_id("assessment:exam_result", attempt.pk))}">{labels["result"]}</a>'
        rows.append(
            "    <tr>\n"
            f'      <td class="num">{attempt.number}</td>\n'
            f"      <td>{_e(attempt.get_state_display())}{auto}</td>\n"
            f"      <td>{_e(moment(attempt.started_at))}</td>\n"
            f"      <td>{_e(moment(attempt.submitted_at))}</td>\n"
            f'      <td class="num">{score}</td>\n'
            f'      <td class="num">{shown}</td>\n'
            f"      <td>{link}</td>\n"
            "    </tr>\n"
        )
    return (
        f'<h2>{labels["your_attempts"]}</h2>\n<div class="table-wrap">\n<table>\n  <thead><tr>\n'
        f'    <th class="num">{labels["no"]}</th><th>{labels["state"]}</th><th>{labels["started"]}</th>\n'
        f'    <th>{labels["submitted"]}</th><th class="num">{labels["score"]}</th>'
        f'<th class="num">{labels["percentage"]}</th><th></th>\n'
        f'  </tr></thead>\n  <tbody>\n{"".join(rows)}  </tbody>\n</table>\n</div>\n'
    )


# --- the exam page ---------------------------------------------------------------------------------------------
# The rest of the exam page (its bar, navigator, pager and the submit dialog) is fixed text: translated once per
# worker and language. Only the title, the timer's text, the attempt's address and the paper change per page.

_EXAM_TEXTS: dict[tuple[str, str], dict[str, str]] = {}


def exam_texts() -> dict[str, str]:
    """The exam page's fixed texts (escaped) and the script's texts (`script`, plain), for the current language."""
    key = (get_language() or "", get_script_prefix())
    texts = _EXAM_TEXTS.get(key)
    if texts is None:
        plain = {
            "time_left": _("Time left"), "no_time_limit": _("No time limit"), "submit": _("Submit"),
            "noscript": _("This exam page needs JavaScript to save your answers. Turn it on, or use another "
                          "browser."),
            "questions": _("Questions"), "answered": _("answered"), "not_saved": _("not saved yet"),
            "previous": _("Previous"), "next": _("Next"), "confirm_title": _("Submit your attempt?"),
            "unanswered": _("Questions not answered:"), "all_answered": _("You have answered every question."),
            "unsaved": _("Some answers are not saved yet; they will be sent with the submission."),
            "final": _("After submitting you can no longer change your answers."),
            "submit_now": _("Submit now"), "keep_working": _("Keep working"),
        }
        texts = _EXAM_TEXTS[key] = {name: _e(text) for name, text in plain.items()}
        texts["ends_at"] = _("Ends at %(time)s")
        texts["page_head"] = mark_safe(
            f'\n<link rel="stylesheet" href="{_e(static("assessment/exam.css"))}">\n'
            f'<script src="{_e(static("assessment/exam.js"))}" defer></script>\n')
        texts["script"] = {
            "idle": _("Not answered"),
            "unsaved": _("Not saved"),
            "saving": _("Saving…"),
            "saved": _("Saved"),
            "error": _("Error"),
            "offline": _("No connection. Your answers are kept on this device and will be saved when the "
                         "connection returns."),
            "submitting": _("Submitting…"),
            "submitOffline": _("No connection: the attempt will be submitted when the connection returns."),
            "timeUp": _("Time is up. Submitting your attempt…"),
            "noTimeLimit": _("No time limit"),
            "words": _("Words: %(count)s"),
            "pageOf": _("Question %(number)s of %(total)s"),
        }
    return texts


def exam_page(*, title: str, deadline, submit_url: str, config: dict, paged: bool, nav: str,
              questions: str) -> dict[str, object]:
    """The exam page as page.html writes it, without the site menu (one click must not take the learner away
    from a running clock): its title, head links and content (`page_parts`, around the form's CSRF token)."""
    texts = exam_texts()
    if deadline is not None:
        timer = _e(texts["ends_at"] % {"time": date_format(timezone.localtime(deadline), "H:i")})
    else:
        timer = texts["no_time_limit"]
    head = (
        f'\n{json_script(config, "exam-config")}\n'
        f'<div class="exam{" exam-paged" if paged else ""}" id="exam">\n'
        '  <div class="exam-bar">\n'
        f'    <h1 class="exam-title">{_e(title)}</h1>\n'
        f'    <span class="exam-timer" id="exam-timer" role="timer" aria-label="{texts["time_left"]}">{timer}</span>\n'
        f'    <button type="button" class="btn exam-submit-top" data-submit>{texts["submit"]}</button>\n'
        "  </div>\n"
        '  <p class="exam-status" id="exam-status" role="status" aria-live="polite" hidden></p>\n'
        f'  <noscript><p class="errors">{texts["noscript"]}</p></noscript>\n\n'
        f'  <nav class="exam-nav" aria-label="{texts["questions"]}">\n'
        f"    {nav}\n"
        '    <span class="exam-legend muted"><span class="exam-nav-item answered" aria-hidden="true"></span> '
        f'{texts["answered"]}\n'
        f'      <span class="exam-nav-item unsaved" aria-hidden="true"></span> {texts["not_saved"]}</span>\n'
        "  </nav>\n\n"
        f'  <form id="exam-form" method="post" action="{_e(submit_url)}" autocomplete="off">\n    '
    )
    tail = (
        f"\n    {questions}\n\n"
        '    <div class="exam-pager" hidden>\n'
        f'      <button type="button" class="btn secondary" data-prev>‹ {texts["previous"]}</button>\n'
        '      <span class="exam-page-label" data-page-label></span>\n'
        f'      <button type="button" class="btn secondary" data-next>{texts["next"]} ›</button>\n'
        "    </div>\n"
        '    <div class="actions">\n'
        f'      <button type="submit" class="btn" id="exam-submit">{texts["submit"]}</button>\n'
        "    </div>\n"
        "  </form>\n\n"
        '  <dialog id="exam-confirm" aria-labelledby="exam-confirm-title">\n'
        f'    <h2 id="exam-confirm-title">{texts["confirm_title"]}</h2>\n'
        f'    <p data-unanswered-text hidden>{texts["unanswered"]} <strong data-unanswered-list></strong></p>\n'
        f'    <p data-all-answered hidden>{texts["all_answered"]}</p>\n'
        f'    <p data-unsaved-text hidden>{texts["unsaved"]}</p>\n'
        f'    <p class="muted">{texts["final"]}</p>\n'
        '    <div class="actions">\n'
        f'      <button type="button" class="btn" data-confirm>{texts["submit_now"]}</button>\n'
        f'      <button type="button" class="btn secondary" data-cancel>{texts["keep_working"]}</button>\n'
        "    </div>\n"
        "  </dialog>\n"
        "</div>\n"
    )
    return {"page_title": title, "page_head": texts["page_head"], "page_menu": False,
            "page_parts": [mark_safe(head), mark_safe(tail)]}
