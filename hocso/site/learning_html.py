"""The home page's learning panel, written in Python.

Every learner opens the home page at the start of an exam, and for most of them this panel is the whole page; its
template (loops, a dozen {% url %}, filters, blocktranslate) cost about as much as the rest of the request. The
markup is the one site/home.html had; every value not built here is escaped. Fixed words come translated once per
worker and language (panels.learning_words).
"""

from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils.dateformat import time_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from hocso.core.formatting import day, moment
from hocso.core.reversing import reverse_id


def _e(value) -> str:
    return escape(str(value))


def _test(test, words: dict) -> str:
    campaign = f' <span class="muted">({_e(test.campaign.title)})</span>' if test.campaign else ""
    if test.closes_at:
        when = gettext("Closes at %(when)s") % {"when": _e(moment(test.closes_at))}
    elif test.closes_on:
        when = gettext("Closes on %(date)s") % {"date": _e(day(test.closes_on))}
    else:
        when = words["no_deadline"]
    badge = f'<span class="badge">{conditional_escape(test.status_label)}</span>' if test.campaign else ""
    if test.action == "resume":
        url = reverse_id("assessment:exam_attempt", test.attempt_id)
        action = f'<a class="btn" href="{_e(url)}">{words["resume"]}</a>'
    elif test.action == "start":
        url = reverse_id("assessment:exam_quiz", test.quiz.pk)
        action = f'<a class="btn" href="{_e(url)}">{words["start"]}</a>'
    elif test.action == "see":
        url = reverse_id("assessment:exam_quiz", test.quiz.pk)
        action = f'<a class="btn secondary" href="{_e(url)}">{words["see_the_test"]}</a>'
    else:
        action = ""
    return (f"\n        <li><strong>{_e(test.quiz.title)}</strong>{campaign}<br>\n"
            f"          {when}\n          {badge}\n          {action}</li>\n        ")


def _course(row, words: dict) -> str:
    if row.last_lesson_id:
        url = reverse_id("training:lesson", row.last_lesson_id)
        link = f'<a class="btn" href="{_e(url)}">{words["continue"]}</a>'
    else:
        link = f'<a class="btn" href="{_e(reverse_id("training:course", row.course_id))}">{words["begin"]}</a>'
    return f"\n        <li><strong>{_e(row.course_title)}</strong>\n          {link}</li>\n        "


def _session(row) -> str:
    place = f' <span class="muted">{_e(row.place)}</span>' if row.place else ""
    return (f"\n        <li><strong>{_e(day(row.date))}</strong> {_e(time_format(row.start_time, 'H:i'))}–"
            f"{_e(time_format(row.end_time, 'H:i'))} · {_e(row.class_name)}{place}</li>\n        ")


def _certificate(row, words: dict) -> str:
    if row.revoked_at:
        tail = f' <span class="badge">{words["revoked"]}</span>'
    else:
        tail = f' <a href="{_e(reverse("training:certificate_pdf", args=[row.code]))}">{words["download_pdf"]}</a>'
    return f"\n        <li>{_e(row.course_title)} — {_e(day(row.issued_at))}{tail}</li>\n        "


def _list(items: list[str]) -> str:
    return f'\n      <ul class="home-list">\n        {"".join(items)}\n      </ul>\n      '


def learning_panel_html(panel: dict, learner) -> SafeString:
    """The learning panel (`panel` from panels.learning_panel) of `learner`."""
    words = panel["words"]
    if panel["tests"]:
        tests = _list([_test(test, words) for test in panel["tests"]])
    else:
        tests = f'<p class="muted">{words["no_test"]}</p>'
    if panel["courses"]:
        courses = _list([_course(row, words) for row in panel["courses"]])
    else:
        courses = (f'<p class="muted">{words["no_course"]} <a href="{words["catalogue_url"]}">'
                   f'{words["find_a_course"]}</a></p>')
    if panel["sessions"]:
        sessions = _list([_session(row) for row in panel["sessions"]])
    else:
        sessions = f'<p class="muted">{words["no_session"]}</p>'
    if panel["certificates"]:
        certificates = _list([_certificate(row, words) for row in panel["certificates"]])
    else:
        certificates = f'<p class="muted">{words["no_certificate"]}</p>'
    profile = _e(reverse_id("people:detail", learner.pk))
    return mark_safe(
        '\n<section class="home-panel" id="panel-learning" aria-labelledby="h-learning">\n'
        f'  <h2 id="h-learning">{words["your_learning"]}</h2>\n'
        '  <div class="home-grid">\n'
        '    <div class="card" id="home-tests">\n'
        f'      <h3>{words["open_tests"]}</h3>\n      {tests}\n'
        f'      <p><a href="{words["my_quizzes_url"]}">{words["all_your_tests"]}</a></p>\n'
        "    </div>\n"
        '    <div class="card" id="home-courses">\n'
        f'      <h3>{words["courses_in_progress"]}</h3>\n      {courses}\n'
        "    </div>\n"
        "  </div>\n"
        '  <div class="home-grid">\n'
        '    <div class="card" id="home-learner-sessions">\n'
        f'      <h3>{words["your_next_sessions"]}</h3>\n      {sessions}\n'
        "    </div>\n"
        '    <div class="card" id="home-certificates">\n'
        f'      <h3>{words["your_certificates"]}</h3>\n      {certificates}\n'
        "    </div>\n"
        "  </div>\n"
        f'  <p><a href="{profile}">{words["see_your_full_profile"]}</a></p>\n'
        "</section>\n"
    )
