"""Quiz pages for authors: the list (also the focal points' way to results), settings, blueprint, overrides,
publishing and copies. Results, item analysis, attempts, essay grading and regrading are statistics' pages.

Thin views: parse, call a selector or a service, render. Everything about a quiz answers 404 to someone who may
not see it (learners included); a list or form the actor may not use at all answers 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from hocso.core.formatting import points
from hocso.core.forms import call_service
from hocso.core.pagination import paginate, querystring_without_page
from hocso.core.permissions import ensure
from hocso.core.scoping import EVERYTHING
from hocso.core.widgets import page_of, picker_query, picker_results
from hocso.people.models import Learner

from ..models import Quiz, QuizSlot
from ..permissions import can_author, can_edit_quiz, can_see_quiz_as_author, can_see_quizzes
from . import selectors, services
from .blueprint import blueprint_problems
from .forms import (
    FixedSlotForm,
    OverrideForm,
    QuizFilterForm,
    QuizForm,
    RandomSlotForm,
    SlotEditForm,
)


def _author_quiz(request: HttpRequest, pk: int) -> Quiz:
    return selectors.quiz_get_for_author(actor=request.user, pk=pk)


def _editable_quiz(request: HttpRequest, pk: int) -> Quiz:
    quiz = _author_quiz(request, pk)
    ensure(can_edit_quiz(request.user, quiz), _("You cannot change this quiz."))
    return quiz


def _messages_from(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- the list and the settings -------------------------------------------------------------------------------------


@login_required
def quiz_list(request: HttpRequest) -> HttpResponse:
    actor = request.user
    ensure(can_see_quizzes(actor),
           _("Only administrators, instructors and unit focal points can see quizzes."))
    form = QuizFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    status = filters.get("status") or ""
    qs = selectors.quiz_list(actor=actor, query=filters.get("q", ""),
                                  published={"published": True, "draft": False}.get(status))
    page = paginate(request, qs)
    for quiz in page:
        quiz.as_author = can_see_quiz_as_author(actor, quiz)
    return render(request, "assessment/quizzes/list.html", {
        "form": form, "page": page, "querystring": querystring_without_page(request),
        "can_create": can_author(actor),
    })


@login_required
@require_GET
def quiz_picker(request: HttpRequest) -> HttpResponse:
    """Suggestions for a quiz picker (JSON): quizzes the user may see whose title matches ?q=, 20 a page."""
    ensure(can_see_quizzes(request.user),
           _("Only administrators, instructors and unit focal points can see quizzes."))
    query, page = picker_query(request)
    quizzes, more = page_of(selectors.quiz_picker_search(actor=request.user, query=query), page)
    return picker_results(selectors.quiz_picker_rows(quizzes), more=more)


@login_required
def quiz_create(request: HttpRequest) -> HttpResponse:
    actor = request.user
    ensure(can_author(actor), _("Only administrators and instructors can create quizzes."))
    form = QuizForm(request.POST or None, units=selectors.units_for_choice(scope=EVERYTHING))
    if request.method == "POST" and form.is_valid():
        quiz = call_service(form, services.quiz_create, actor=actor,
                            audience_groups=list(form.cleaned_data["audience_groups"]), **form.settings())
        if quiz is not None:
            messages.success(request, _("The quiz was created. Now add its questions."))
            return redirect("assessment:quiz_detail", pk=quiz.pk)
    return render(request, "assessment/quizzes/form.html", {"form": form, "quiz": None})


@login_required
def quiz_edit(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _editable_quiz(request, pk)
    form = QuizForm(request.POST or None, instance=quiz, units=selectors.units_for_choice(scope=EVERYTHING))
    if request.method == "POST" and form.is_valid() and call_service(
            form, services.quiz_update, actor=request.user, quiz=quiz,
            audience_groups=list(form.cleaned_data["audience_groups"]), **form.settings()):
        messages.success(request, _("The changes were saved."))
        return redirect("assessment:quiz_detail", pk=quiz.pk)
    return render(request, "assessment/quizzes/form.html", {"form": form, "quiz": quiz})


def _slot_rows(quiz: Quiz) -> list[dict]:
    rows = selectors.blueprint(quiz=quiz)
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
        row["mark"] = points(mark) if mark is not None else _("question's default")
    return rows


@login_required
@never_cache
def quiz_detail(request: HttpRequest, pk: int, random_form: RandomSlotForm | None = None) -> HttpResponse:
    actor = request.user
    quiz = _author_quiz(request, pk)
    rows = _slot_rows(quiz)
    slots = [row["slot"] for row in rows]
    categories = list(selectors.categories_for_author(actor=actor))
    question_query = request.GET.get("question_q", "").strip()
    has_attempts = quiz.attempts.exists()
    return render(request, "assessment/quizzes/detail.html", {
        "quiz": quiz,
        "rows": rows,
        "question_total": sum(row["questions"] for row in rows),
        "problems": blueprint_problems(slots) if slots else [],
        "can_edit": can_edit_quiz(actor, quiz),
        "has_attempts": has_attempts,
        "attempt_count": quiz.attempts.count() if has_attempts else 0,
        "audience_groups": list(quiz.audience_groups.all()),
        "random_form": random_form or RandomSlotForm(categories=categories),
        "question_query": question_query,
        "questions_found": selectors.questions_for_slots(actor=actor, query=question_query),
        "fixed_form": FixedSlotForm(),
        "regradable": selectors.regradable_questions(quiz=quiz) if has_attempts else [],
        "override_count": quiz.overrides.count(),
    })


@login_required
@require_GET
def quiz_question_search(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx fragment: questions matching ?question_q=, each with a button that adds it to the quiz."""
    quiz = _editable_quiz(request, pk)
    query = request.GET.get("question_q", "").strip()
    return render(request, "assessment/quizzes/_question_results.html", {
        "quiz": quiz, "question_query": query,
        "questions_found": selectors.questions_for_slots(actor=request.user, query=query),
    })


@login_required
@require_POST
def quiz_publish(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _editable_quiz(request, pk)
    try:
        services.quiz_publish(actor=request.user, quiz=quiz)
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
    services.quiz_unpublish(actor=request.user, quiz=quiz)
    messages.success(request, _("The quiz is no longer published. Attempts already started can still be finished."))
    return redirect("assessment:quiz_detail", pk=quiz.pk)


@login_required
@require_POST
def quiz_copy(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _editable_quiz(request, pk)
    duplicate = services.quiz_copy(actor=request.user, quiz=quiz)
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
    question = selectors.question_for_slot(actor=request.user, pk=form.cleaned_data["question"])
    try:
        services.slot_add_fixed(actor=request.user, quiz=quiz, question=question, mark=form.cleaned_data["mark"])
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, _("“%(name)s” was added to the quiz.") % {"name": question.name})
    return redirect(reverse("assessment:quiz_detail", args=[quiz.pk]) + "#blueprint")


@login_required
@require_POST
def quiz_slot_add_random(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _editable_quiz(request, pk)
    form = RandomSlotForm(request.POST, categories=list(selectors.categories_for_author(actor=request.user)))
    if form.is_valid():
        data = form.cleaned_data
        if call_service(
            form, services.slot_add_random, actor=request.user, quiz=quiz, category=data["category"],
            count=data["count"], include_subcategories=data["include_subcategories"], difficulty=data["difficulty"],
            tag=data["tag"], mark=data["mark"],
        ):
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
    if request.method == "POST" and form.is_valid() and call_service(
            form, services.slot_update, actor=request.user, slot=slot, **form.changes()):
        messages.success(request, _("The changes were saved."))
        return redirect(reverse("assessment:quiz_detail", args=[quiz.pk]) + "#blueprint")
    available = selectors.slot_matches(slot).count() if slot.is_random else None
    return render(request, "assessment/quizzes/slot_form.html", {
        "quiz": quiz, "slot": slot, "form": form, "available": available,
    })


@login_required
@require_POST
def quiz_slot_remove(request: HttpRequest, pk: int, slot_pk: int) -> HttpResponse:
    quiz = _editable_quiz(request, pk)
    slot = _quiz_slot(quiz, slot_pk)
    try:
        services.slot_remove(actor=request.user, slot=slot)
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
        services.slot_move(actor=request.user, slot=slot, offset=offset)
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
    return selectors.audience_learners(quiz=quiz).select_related("unit").filter(pk=pk).first()


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
        elif call_service(form, services.override_set, actor=request.user, quiz=quiz, learner=chosen,
                          **form.values()):
            messages.success(request, _("The override for %(name)s was saved.") % {"name": chosen.full_name})
            return redirect("assessment:quiz_overrides", pk=quiz.pk)
    person_query = request.GET.get("person", "").strip()
    return render(request, "assessment/quizzes/overrides.html", {
        "quiz": quiz, "form": form, "chosen": chosen, "existing": existing,
        "page": paginate(request, selectors.quiz_overrides(quiz=quiz)),
        "querystring": querystring_without_page(request),
        "person_query": person_query,
        "people_found": selectors.override_candidates(quiz=quiz, query=person_query),
    })


@login_required
@require_GET
def quiz_override_search(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx fragment: people of the quiz's audience matching ?person=, each a link that chooses them."""
    quiz = _editable_quiz(request, pk)
    query = request.GET.get("person", "").strip()
    return render(request, "assessment/quizzes/_person_results.html", {
        "quiz": quiz, "person_query": query,
        "people_found": selectors.override_candidates(quiz=quiz, query=query),
    })


@login_required
@require_POST
def quiz_override_delete(request: HttpRequest, pk: int, override_pk: int) -> HttpResponse:
    quiz = _editable_quiz(request, pk)
    override = get_object_or_404(quiz.overrides.select_related("quiz", "learner"), pk=override_pk)
    services.override_delete(actor=request.user, override=override)
    messages.success(request, _("The override for %(name)s was removed.") % {"name": override.learner.full_name})
    return redirect("assessment:quiz_overrides", pk=quiz.pk)
