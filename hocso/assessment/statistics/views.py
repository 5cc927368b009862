"""A quiz's results for authors and focal points (one row per person, the .xlsx export), the item analysis, and
one attempt as its author sees it, with the essay grading, and the regrade after a key was corrected.

Thin views: parse, call a selector or a service, render. A quiz whose results the actor may not see is a 404.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hocso.core.exporting import XLSX_TYPE
from hocso.core.formatting import number
from hocso.core.forms import call_service
from hocso.core.pagination import paginate, querystring_without_page
from hocso.core.permissions import ensure
from hocso.core.text import fold

from ..exam.services import attempts_regrade, essay_grade
from ..models import AttemptQuestion, QuestionType, Quiz
from ..option_ids import OptionIds, choice_ids
from ..permissions import can_grade_essay, can_regrade, can_see_quiz_as_author
from ..quizzes import selectors as quiz_selectors
from . import exports, item_analysis, selectors
from .forms import EssayGradeForm, RegradeForm, ResultFilterForm, StatisticsForm


def _author_quiz(request: HttpRequest, pk: int) -> Quiz:
    return quiz_selectors.quiz_get_for_author(actor=request.user, pk=pk)


def _result_filters(request: HttpRequest, quiz: Quiz) -> tuple[ResultFilterForm, selectors.ResultFilters]:
    scope = selectors.results_scope(actor=request.user, quiz=quiz)
    form = ResultFilterForm(request.GET or None, units=quiz_selectors.units_for_choice(scope=scope))
    if not form.is_valid():
        return form, selectors.ResultFilters()
    data = form.cleaned_data
    return form, selectors.ResultFilters(unit=data.get("unit"), subtree=not data.get("unit_only"),
                                       state=data.get("state") or "",
                                       passed=form.passed_value(), query=data.get("q") or "")


@login_required
@never_cache
def quiz_results(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    quiz = quiz_selectors.quiz_get_for_results(actor=actor, pk=pk)
    form, filters = _result_filters(request, quiz)
    rows = selectors.result_rows(actor=actor, quiz=quiz, filters=filters)
    page = paginate(request, rows)
    as_author = can_see_quiz_as_author(actor, quiz)
    people = selectors.annotate_display(list(page.object_list))
    if as_author:
        attempts = selectors.learner_attempts(quiz=quiz, learner_ids=[p.pk for p in people])
        for person in people:
            person.attempt_list = attempts.get(person.pk, [])
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "assessment/statistics/results.html", {
        "quiz": quiz, "form": form, "page": page, "people": people, "as_author": as_author,
        "querystring": querystring_without_page(request), "export_query": params.urlencode(),
        "summary": selectors.result_summary(rows),
    })


@login_required
@never_cache
def quiz_results_export(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = quiz_selectors.quiz_get_for_results(actor=request.user, pk=pk)
    _form, filters = _result_filters(request, quiz)
    content = exports.results_xlsx(actor=request.user, quiz=quiz, filters=filters)
    name = f"ket-qua-{slugify(fold(quiz.title))[:60] or quiz.pk}-{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@never_cache
def quiz_statistics(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _author_quiz(request, pk)
    form = StatisticsForm(request.GET or None)
    which = (form.cleaned_data.get("which") if form.is_valid() else "") or "all"
    stats = item_analysis.quiz_statistics(quiz=quiz, which=which)
    return render(request, "assessment/statistics/statistics.html", {
        "quiz": quiz, "form": form, "stats": stats, "rule": item_analysis.FLAG_RULE,
    })


# --- one attempt: review, essay grading, regrade --------------------------------------------------------------------


def _describe(aq: AttemptQuestion, ids: OptionIds) -> dict:
    """What the author sees of one answered question: options with what was chosen and what was right."""
    qtype, data = aq.version.question.qtype, aq.version.data
    # Answers are stored under the attempt's option aliases: back to the bank's ids.
    response = ids.decode(aq.slot, qtype, data, aq.answer) or {}
    view: dict = {"qtype": qtype}
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        chosen = {response.get("choice")} if qtype == QuestionType.SINGLE else set(response.get("choices") or [])
        options = {o["id"]: o for o in data.get("options", [])}
        order = [oid for oid in (aq.option_order or choice_ids(qtype, data)) if oid in options]
        view["options"] = [
            {"text": options[oid]["text"], "chosen": oid in chosen, "fraction": options[oid].get("fraction", "0"),
             "correct": float(options[oid].get("fraction", 0)) > 0}
            for oid in order
        ]
    elif qtype == QuestionType.TRUE_FALSE:
        value = response.get("value")
        correct = bool(data.get("correct"))
        view["options"] = [
            {"text": _("True"), "chosen": value is True, "correct": correct, "fraction": "1" if correct else "0"},
            {"text": _("False"), "chosen": value is False, "correct": not correct,
             "fraction": "0" if correct else "1"},
        ]
    elif qtype == QuestionType.SHORT_ANSWER:
        view["given"] = response.get("text") or ""
        view["accepted"] = data.get("answers", [])
    elif qtype == QuestionType.MATCHING:
        rights = {p["id"]: p["right"] for p in data.get("pairs", [])}
        rights.update({d["id"]: d["text"] for d in data.get("distractors", [])})
        given = response.get("pairs") or {}
        view["pairs"] = [
            {"left": p["left"], "chosen": rights.get(given.get(p["id"]), ""), "right": p["right"],
             "ok": rights.get(given.get(p["id"])) == p["right"]}
            for p in data.get("pairs", [])
        ]
    else:
        # Escaped first, then paragraphs: the learner's text never becomes markup.
        view["essay_html"] = mark_safe(linebreaks(response.get("text") or "", autoescape=True))
        view["grader_info"] = data.get("grader_info", "")
    view["answered"] = bool(response)
    return view


def _attempt_context(request: HttpRequest, quiz: Quiz, attempt_pk: int, forms: dict | None = None) -> dict:
    attempt = selectors.attempt_get_for_author(actor=request.user, quiz=quiz, pk=attempt_pk)
    can_grade = can_grade_essay(request.user, attempt)
    paper = selectors.author_attempt_paper(attempt=attempt)
    ids = attempt.option_ids
    for aq in paper:
        aq.view = _describe(aq, ids)
        if can_grade and aq.version.question.qtype == QuestionType.ESSAY and attempt.state != "in_progress":
            initial = {"score": aq.score, "comment": aq.comment} if aq.score is not None else None
            aq.grade_form = (forms or {}).get(aq.slot) or EssayGradeForm(mark=aq.mark, initial=initial,
                                                                          prefix=f"q{aq.slot}")
    return {"quiz": quiz, "attempt": attempt, "paper": paper, "can_grade": can_grade,
            "duration": _duration(attempt.started_at, attempt.submitted_at)}


def _duration(start: dt.datetime, end: dt.datetime | None) -> str:
    if end is None:
        return ""
    minutes, seconds = divmod(int((end - start).total_seconds()), 60)
    return _("%(minutes)s min %(seconds)s s") % {"minutes": minutes, "seconds": seconds}


@login_required
@never_cache
def quiz_attempt(request: HttpRequest, pk: int, attempt_pk: int) -> HttpResponse:
    quiz = _author_quiz(request, pk)
    return render(request, "assessment/statistics/attempt.html", _attempt_context(request, quiz, attempt_pk))


@login_required
@require_POST
def quiz_attempt_grade(request: HttpRequest, pk: int, attempt_pk: int, slot: int) -> HttpResponse:
    quiz = _author_quiz(request, pk)
    attempt = selectors.attempt_get_for_author(actor=request.user, quiz=quiz, pk=attempt_pk)
    ensure(can_grade_essay(request.user, attempt), _("You cannot change this quiz."))
    aq = attempt.questions.select_related("version__question", "attempt").filter(slot=slot).first()
    if aq is None or aq.version.question.qtype != QuestionType.ESSAY or attempt.state == "in_progress":
        raise Http404(_("There is no essay to grade here."))
    form = EssayGradeForm(request.POST, mark=aq.mark, prefix=f"q{aq.slot}")
    if form.is_valid() and call_service(form, essay_grade, actor=request.user, attempt_question=aq,
                                        score=form.cleaned_data["score"], comment=form.cleaned_data["comment"]):
        messages.success(request, _("The grade was saved."))
        return redirect(reverse("assessment:quiz_attempt", args=[quiz.pk, attempt.pk]) + f"#q{aq.slot}")
    context = _attempt_context(request, quiz, attempt_pk, forms={aq.slot: form})
    return render(request, "assessment/statistics/attempt.html", context, status=422)


# --- regrade after a key was corrected ----------------------------------------------------------------------------


@login_required
def quiz_regrade(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _author_quiz(request, pk)
    ensure(can_regrade(request.user, quiz), _("You cannot change this quiz."))
    questions = quiz_selectors.regradable_questions(quiz=quiz)
    form = RegradeForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        question = form.cleaned_data["question"]
        count = call_service(form, attempts_regrade, actor=request.user, quiz=quiz, question=question)
        if count is not None:
            messages.success(request, _("%(count)s attempts were regraded with the corrected “%(name)s”.")
                             % {"count": number(count), "name": question.name})
            return redirect("assessment:quiz_results", pk=quiz.pk)
    return render(request, "assessment/statistics/regrade.html", {"quiz": quiz, "form": form, "questions": questions})
