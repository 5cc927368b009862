"""Quiz pages for authors (settings, blueprint, overrides, attempts, statistics) and results for focal points.

Thin views: parse, call a selector or a service, render. Everything about a quiz answers 404 to someone who may
not see it (learners included); a list or form the actor may not use at all answers 403.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from hocso.core.exporting import XLSX_TYPE
from hocso.core.pagination import paginate, querystring_without_page
from hocso.core.scoping import EVERYTHING
from hocso.core.text import fold
from hocso.identity.scoping import ensure
from hocso.people.forms import apply_validation_error
from hocso.people.models import Learner

from . import quizzes, results, selectors_quiz, statistics
from .attempts import attempts_regrade as regrade_service
from .attempts import essay_grade
from .forms_quiz import (
    EssayGradeForm,
    FixedSlotForm,
    OverrideForm,
    QuizFilterForm,
    QuizForm,
    RandomSlotForm,
    RegradeForm,
    ResultFilterForm,
    SlotEditForm,
    StatisticsForm,
    plain_number,
)
from .models import AttemptQuestion, QuestionType, Quiz, QuizSlot
from .option_ids import OptionIds, choice_ids
from .permissions import is_author


def _author_quiz(request: HttpRequest, pk: int) -> Quiz:
    return selectors_quiz.quiz_get_for_author(actor=request.user, pk=pk)


def _editable_quiz(request: HttpRequest, pk: int) -> Quiz:
    quiz = _author_quiz(request, pk)
    ensure(selectors_quiz.can_edit(request.user, quiz), _("You cannot change this quiz."))
    return quiz


def _messages_from(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- the list and the settings -------------------------------------------------------------------------------------


@login_required
def quiz_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    ensure(selectors_quiz.can_see_quizzes(actor),
           _("Only administrators, instructors and unit focal points can see quizzes."))
    form = QuizFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    status = filters.get("status") or ""
    qs = selectors_quiz.quiz_list(actor=actor, query=filters.get("q", ""),
                                  published={"published": True, "draft": False}.get(status))
    page = paginate(request, qs)
    for quiz in page:
        quiz.as_author = selectors_quiz.is_quiz_author(actor, quiz)
    return render(request, "assessment/quiz/list.html", {
        "form": form, "page": page, "querystring": querystring_without_page(request),
        "can_create": is_author(actor),
    })


@login_required
def quiz_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    ensure(is_author(actor), _("Only administrators and instructors can create quizzes."))
    form = QuizForm(request.POST or None, units=selectors_quiz.units_for_choice(scope=EVERYTHING))
    if request.method == "POST" and form.is_valid():
        try:
            quiz = quizzes.quiz_create(actor=actor, audience_groups=list(form.cleaned_data["audience_groups"]),
                                       **form.settings())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The quiz was created. Now add its questions."))
            return redirect("assessment:quiz_detail", pk=quiz.pk)
    return render(request, "assessment/quiz/form.html", {"form": form, "quiz": None})


@login_required
def quiz_edit(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _editable_quiz(request, pk)
    form = QuizForm(request.POST or None, instance=quiz, units=selectors_quiz.units_for_choice(scope=EVERYTHING))
    if request.method == "POST" and form.is_valid():
        try:
            quizzes.quiz_update(actor=request.user, quiz=quiz,
                                audience_groups=list(form.cleaned_data["audience_groups"]), **form.settings())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("assessment:quiz_detail", pk=quiz.pk)
    return render(request, "assessment/quiz/form.html", {"form": form, "quiz": quiz})


def _slot_rows(quiz: Quiz) -> list[dict]:
    rows = selectors_quiz.blueprint(quiz=quiz)
    for row in rows:
        slot = row["slot"]
        if slot.is_random:
            row["questions"] = slot.count
            row["short"] = row["available"] < slot.count
            mark = slot.mark
        else:
            row["questions"] = 1
            version = slot.question.current_version
            mark = slot.mark if slot.mark is not None else (version.default_mark if version else None)
        row["mark"] = plain_number(mark) if mark is not None else _("question's default")
    return rows


@login_required
@never_cache
def quiz_detail(request: HttpRequest, pk: int, random_form: RandomSlotForm | None = None) -> HttpResponse:
    actor = request.user
    quiz = _author_quiz(request, pk)
    rows = _slot_rows(quiz)
    slots = [row["slot"] for row in rows]
    categories = list(selectors_quiz.categories_for_author(actor=actor))
    question_query = request.GET.get("question_q", "").strip()
    has_attempts = quiz.attempts.exists()
    return render(request, "assessment/quiz/detail.html", {
        "quiz": quiz,
        "rows": rows,
        "question_total": sum(row["questions"] for row in rows),
        "problems": quizzes.blueprint_problems(slots) if slots else [],
        "can_edit": selectors_quiz.can_edit(actor, quiz),
        "has_attempts": has_attempts,
        "attempt_count": quiz.attempts.count() if has_attempts else 0,
        "audience_groups": list(quiz.audience_groups.all()),
        "random_form": random_form or RandomSlotForm(categories=categories),
        "question_query": question_query,
        "questions_found": selectors_quiz.questions_for_slots(actor=actor, query=question_query),
        "fixed_form": FixedSlotForm(),
        "regradable": selectors_quiz.regradable_questions(quiz=quiz) if has_attempts else [],
        "override_count": quiz.overrides.count(),
    })


@login_required
@require_GET
def quiz_question_search(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx fragment: questions matching ?question_q=, each with a button that adds it to the quiz."""
    quiz = _editable_quiz(request, pk)
    query = request.GET.get("question_q", "").strip()
    return render(request, "assessment/quiz/_question_results.html", {
        "quiz": quiz, "question_query": query,
        "questions_found": selectors_quiz.questions_for_slots(actor=request.user, query=query),
    })


@login_required
@require_POST
def quiz_publish(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _editable_quiz(request, pk)
    try:
        quizzes.quiz_publish(actor=request.user, quiz=quiz)
    except ValidationError as exc:
        messages.error(request, _("The quiz cannot be published yet:"))
        _messages_from(request, exc)
    else:
        messages.success(request, _("The quiz is published: the people it is meant for can take it."))
    return redirect("assessment:quiz_detail", pk=quiz.pk)


@login_required
@require_POST
def quiz_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _editable_quiz(request, pk)
    quizzes.quiz_unpublish(actor=request.user, quiz=quiz)
    messages.success(request, _("The quiz is no longer published. Attempts already started can still be finished."))
    return redirect("assessment:quiz_detail", pk=quiz.pk)


@login_required
@require_POST
def quiz_copy(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _editable_quiz(request, pk)
    duplicate = quizzes.quiz_copy(actor=request.user, quiz=quiz)
    messages.success(request, _("This is a copy of the quiz. Change it, then publish it."))
    return redirect("assessment:quiz_detail", pk=duplicate.pk)


# --- the blueprint ------------------------------------------------------------------------------------------------


@login_required
@require_POST
def quiz_slot_add_fixed(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _editable_quiz(request, pk)
    form = FixedSlotForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("assessment:quiz_detail", pk=quiz.pk)
    question = selectors_quiz.question_for_slot(actor=request.user, pk=form.cleaned_data["question"])
    try:
        quizzes.slot_add_fixed(actor=request.user, quiz=quiz, question=question, mark=form.cleaned_data["mark"])
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, _("“%(name)s” was added to the quiz.") % {"name": question.name})
    return redirect(reverse("assessment:quiz_detail", args=[quiz.pk]) + "#blueprint")


@login_required
@require_POST
def quiz_slot_add_random(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _editable_quiz(request, pk)
    form = RandomSlotForm(request.POST, categories=list(selectors_quiz.categories_for_author(actor=request.user)))
    if form.is_valid():
        data = form.cleaned_data
        try:
            quizzes.slot_add_random(
                actor=request.user, quiz=quiz, category=data["category"], count=data["count"],
                include_subcategories=data["include_subcategories"], difficulty=data["difficulty"],
                tag=data["tag"], mark=data["mark"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The random draw was added to the quiz."))
            return redirect(reverse("assessment:quiz_detail", args=[quiz.pk]) + "#blueprint")
    return quiz_detail(request, pk, random_form=form)


def _quiz_slot(quiz: Quiz, slot_pk: int) -> QuizSlot:
    return get_object_or_404(QuizSlot.objects.select_related("quiz", "question", "category", "tag"),
                             quiz=quiz, pk=slot_pk)


@login_required
def quiz_slot_edit(request: HttpRequest, pk: int, slot_pk: int) -> HttpResponse:
    quiz = _editable_quiz(request, pk)
    slot = _quiz_slot(quiz, slot_pk)
    form = SlotEditForm(request.POST or None, slot=slot)
    if request.method == "POST" and form.is_valid():
        try:
            quizzes.slot_update(actor=request.user, slot=slot, **form.changes())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(reverse("assessment:quiz_detail", args=[quiz.pk]) + "#blueprint")
    available = selectors_quiz.slot_matches(slot).count() if slot.is_random else None
    return render(request, "assessment/quiz/slot_form.html", {
        "quiz": quiz, "slot": slot, "form": form, "available": available,
    })


@login_required
@require_POST
def quiz_slot_remove(request: HttpRequest, pk: int, slot_pk: int) -> HttpResponse:
    quiz = _editable_quiz(request, pk)
    slot = _quiz_slot(quiz, slot_pk)
    try:
        quizzes.slot_remove(actor=request.user, slot=slot)
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, _("The line was removed from the quiz."))
    return redirect(reverse("assessment:quiz_detail", args=[quiz.pk]) + "#blueprint")


@login_required
@require_POST
def quiz_slot_move(request: HttpRequest, pk: int, slot_pk: int) -> HttpResponse:
    quiz = _editable_quiz(request, pk)
    slot = _quiz_slot(quiz, slot_pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        quizzes.slot_move(actor=request.user, slot=slot, offset=offset)
    except ValidationError as exc:
        _messages_from(request, exc)
    return redirect(reverse("assessment:quiz_detail", args=[quiz.pk]) + "#blueprint")


# --- overrides -------------------------------------------------------------------------------------------------------


def _chosen_learner(quiz: Quiz, raw) -> Learner | None:
    if raw in (None, ""):
        return None
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        return None
    return selectors_quiz.audience_learners(quiz=quiz).select_related("unit").filter(pk=pk).first()


@login_required
@never_cache
def quiz_overrides(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _editable_quiz(request, pk)
    chosen = _chosen_learner(quiz, request.POST.get("learner") if request.method == "POST"
                             else request.GET.get("learner"))
    existing = quiz.overrides.filter(learner=chosen).first() if chosen else None
    form = OverrideForm(request.POST or None, instance=existing,
                        initial=None if existing else ({"learner": chosen.pk} if chosen else None))
    if request.method == "POST" and form.is_valid():
        if chosen is None:
            form.add_error("learner", _("This person is not among the people the quiz is for."))
        else:
            try:
                quizzes.override_set(actor=request.user, quiz=quiz, learner=chosen, **form.values())
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The override for %(name)s was saved.") % {"name": chosen.full_name})
                return redirect("assessment:quiz_overrides", pk=quiz.pk)
    person_query = request.GET.get("person", "").strip()
    return render(request, "assessment/quiz/overrides.html", {
        "quiz": quiz, "form": form, "chosen": chosen, "existing": existing,
        "page": paginate(request, selectors_quiz.quiz_overrides(quiz=quiz)),
        "querystring": querystring_without_page(request),
        "person_query": person_query,
        "people_found": selectors_quiz.override_candidates(quiz=quiz, query=person_query),
    })


@login_required
@require_GET
def quiz_override_search(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx fragment: people of the quiz's audience matching ?person=, each a link that chooses them."""
    quiz = _editable_quiz(request, pk)
    query = request.GET.get("person", "").strip()
    return render(request, "assessment/quiz/_person_results.html", {
        "quiz": quiz, "person_query": query,
        "people_found": selectors_quiz.override_candidates(quiz=quiz, query=query),
    })


@login_required
@require_POST
def quiz_override_delete(request: HttpRequest, pk: int, override_pk: int) -> HttpResponse:
    quiz = _editable_quiz(request, pk)
    override = get_object_or_404(quiz.overrides.select_related("quiz", "learner"), pk=override_pk)
    quizzes.override_delete(actor=request.user, override=override)
    messages.success(request, _("The override for %(name)s was removed.") % {"name": override.learner.full_name})
    return redirect("assessment:quiz_overrides", pk=quiz.pk)


# --- results ------------------------------------------------------------------------------------------------------


def _result_filters(request: HttpRequest, quiz: Quiz) -> tuple[ResultFilterForm, results.ResultFilters]:
    scope = selectors_quiz.results_scope(actor=request.user, quiz=quiz)
    form = ResultFilterForm(request.GET or None, units=selectors_quiz.units_for_choice(scope=scope))
    if not form.is_valid():
        return form, results.ResultFilters()
    data = form.cleaned_data
    return form, results.ResultFilters(unit=data.get("unit"), state=data.get("state") or "",
                                       passed=form.passed_value(), query=data.get("q") or "")


@login_required
@never_cache
def quiz_results(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    quiz = selectors_quiz.quiz_get_for_results(actor=actor, pk=pk)
    form, filters = _result_filters(request, quiz)
    rows = results.result_rows(actor=actor, quiz=quiz, filters=filters)
    page = paginate(request, rows)
    as_author = selectors_quiz.is_quiz_author(actor, quiz)
    people = results.annotate_display(list(page.object_list))
    if as_author:
        attempts = selectors_quiz.learner_attempts(quiz=quiz, learner_ids=[p.pk for p in people])
        for person in people:
            person.attempt_list = attempts.get(person.pk, [])
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "assessment/quiz/results.html", {
        "quiz": quiz, "form": form, "page": page, "people": people, "as_author": as_author,
        "querystring": querystring_without_page(request), "export_query": params.urlencode(),
        "summary": results.result_summary(rows),
    })


@login_required
@never_cache
def quiz_results_export(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = selectors_quiz.quiz_get_for_results(actor=request.user, pk=pk)
    _form, filters = _result_filters(request, quiz)
    content = results.results_xlsx(actor=request.user, quiz=quiz, filters=filters)
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
    stats = statistics.quiz_statistics(quiz=quiz, which=which)
    return render(request, "assessment/quiz/statistics.html", {
        "quiz": quiz, "form": form, "stats": stats, "rule": statistics.FLAG_RULE,
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
    attempt = selectors_quiz.attempt_get_for_author(actor=request.user, quiz=quiz, pk=attempt_pk)
    can_grade = selectors_quiz.can_edit(request.user, quiz)
    paper = selectors_quiz.attempt_paper(attempt=attempt)
    ids = attempt.option_ids
    for aq in paper:
        aq.view = _describe(aq, ids)
        aq.mark_text = plain_number(aq.mark)
        aq.score_text = plain_number(aq.score) if aq.score is not None else None
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
    return render(request, "assessment/quiz/attempt.html", _attempt_context(request, quiz, attempt_pk))


@login_required
@require_POST
def quiz_attempt_grade(request: HttpRequest, pk: int, attempt_pk: int, slot: int) -> HttpResponse:
    quiz = _editable_quiz(request, pk)
    attempt = selectors_quiz.attempt_get_for_author(actor=request.user, quiz=quiz, pk=attempt_pk)
    aq = attempt.questions.select_related("version__question", "attempt").filter(slot=slot).first()
    if aq is None or aq.version.question.qtype != QuestionType.ESSAY or attempt.state == "in_progress":
        raise Http404(_("There is no essay to grade here."))
    form = EssayGradeForm(request.POST, mark=aq.mark, prefix=f"q{aq.slot}")
    if form.is_valid():
        try:
            essay_grade(actor=request.user, attempt_question=aq, score=form.cleaned_data["score"],
                        comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The grade was saved."))
            return redirect(reverse("assessment:quiz_attempt", args=[quiz.pk, attempt.pk]) + f"#q{aq.slot}")
    context = _attempt_context(request, quiz, attempt_pk, forms={aq.slot: form})
    return render(request, "assessment/quiz/attempt.html", context, status=422)


@login_required
def quiz_regrade(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _editable_quiz(request, pk)
    questions = selectors_quiz.regradable_questions(quiz=quiz)
    form = RegradeForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        question = form.cleaned_data["question"]
        try:
            count = regrade_service(actor=request.user, quiz=quiz, question=question)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(count)s attempts were regraded with the corrected “%(name)s”.")
                             % {"count": count, "name": question.name})
            return redirect("assessment:quiz_results", pk=quiz.pk)
    return render(request, "assessment/quiz/regrade.html", {"quiz": quiz, "form": form, "questions": questions})
