"""The learner's exam pages: my quizzes, a quiz, start, the exam itself, submit, the result and the review.

Thin views: the learner is the signed-in account's staff profile; every attempt is looked up with that learner,
so someone else's attempt is a 404. Answers are not saved here but by the token-authorised hot endpoint
(exam.views.save); the exam page only renders the frozen paper once, with what the browser script needs.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from hocso.core.pagination import paginate, querystring_without_page
from hocso.core.reversing import reverse_id
from hocso.people.selectors import learner_of

from ...models import AttemptState, Layout
from ..errors import ExamError
from ..paper import attempt_paper
from ..render import exam_page, exam_texts, nav_html, questions_html, quiz_page
from ..review import attempt_review, review_policy
from ..selectors import QuizStatus, attempt_for_learner, learner_and_quiz, my_quizzes, quiz_for_learner
from ..services import attempt_start, attempt_submit_own, settle_if_overdue


def _learner_or_404(request: HttpRequest):
    learner = learner_of(request.user)
    if learner is None:
        raise Http404(_("Only people with a staff profile can take quizzes."))
    return learner


def _status_filters() -> list[tuple[str, str]]:
    return [
        ("", _("All")),
        (QuizStatus.OPEN, _("Open")),
        (QuizStatus.UPCOMING, _("Upcoming")),
        (QuizStatus.CLOSED, _("Closed")),
    ]


@login_required
@require_GET
def my_quizzes_view(request: HttpRequest) -> HttpResponse:
    learner = learner_of(request.user)
    status = request.GET.get("status", "")
    if status not in {QuizStatus.OPEN, QuizStatus.UPCOMING, QuizStatus.CLOSED}:
        status = ""
    rows = my_quizzes(learner=learner, status=status) if learner is not None else []
    return render(request, "assessment/exam/my_quizzes.html", {
        "learner": learner,
        "status": status,
        "status_filters": _status_filters(),
        "page": paginate(request, rows),
        "querystring": querystring_without_page(request),
    })


def _learner_and_row(request: HttpRequest, quiz_id: int):
    """The learner and their view of the quiz, read together (one statement); the same 404s as apart."""
    learner, row = learner_and_quiz(user_id=request.user.pk, pk=quiz_id)
    if learner is None:
        raise Http404(_("Only people with a staff profile can take quizzes."))
    return learner, row


@login_required
@require_GET
def quiz_view(request: HttpRequest, quiz_id: int) -> HttpResponse:
    _learner, row = _learner_and_row(request, quiz_id)
    # Written by page.html without the template engine (render.py builds the content in Python).
    return render(request, "page.html", quiz_page(row))


@never_cache  # the answer is the exam page, which carries the attempt's token
@login_required
@require_POST
def start_view(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """Start (or resume) and answer with the exam page itself, not a redirect to it: at the start of an exam the
    whole province presses the button within minutes, and the redirect's second request (session, account,
    profile and attempt read again) was a third of the rush's cost. The page's script then puts the attempt's
    own address in the address bar, so a reload or a bookmark is a plain GET of the attempt."""
    learner, row = _learner_and_row(request, quiz_id)
    try:
        # Returns the open attempt if there is one: a second tab or another device resumes it.
        attempt = attempt_start(learner=learner, quiz=row.quiz, window=row.window, attempts=row.attempts,
                                eligible=row.eligible)
    except ExamError as error:
        messages.error(request, error.message)
        return redirect("assessment:exam_quiz", quiz_id=row.quiz.pk)
    attempt.quiz = row.quiz  # already read: the page needs its title and layout
    return _exam_page(request, attempt)


def _epoch_ms(value) -> int | None:
    return int(value.timestamp() * 1000) if value is not None else None


@never_cache  # the page carries the attempt's token: no cache may keep it
@login_required
@require_GET
def attempt_view(request: HttpRequest, attempt_id: int) -> HttpResponse:
    learner = _learner_or_404(request)
    attempt = settle_if_overdue(attempt=attempt_for_learner(learner=learner, pk=attempt_id))
    if attempt.state != AttemptState.IN_PROGRESS:
        if attempt.auto_submitted:
            messages.info(request, _("Time ran out: your attempt was submitted automatically."))
        return redirect("assessment:exam_result", attempt_id=attempt.pk)
    return _exam_page(request, attempt)


def _exam_page(request: HttpRequest, attempt) -> HttpResponse:
    paper = attempt_paper(attempt)
    paged = attempt.quiz.layout == Layout.PAGED
    submit_url = reverse_id("assessment:exam_submit", attempt.pk)
    config = {
        "attempt": attempt.pk,
        "url": reverse_id("assessment:exam_attempt", attempt.pk),
        "token": attempt.token,
        "saveUrl": reverse_id("assessment:save_answer"),
        "submitUrl": reverse_id("assessment:submit_attempt"),  # by the token, as the saves (the form: submit_url)
        "resultUrl": reverse_id("assessment:exam_result", attempt.pk),
        "now": _epoch_ms(timezone.now()),
        "startedAt": _epoch_ms(attempt.started_at),
        "deadline": _epoch_ms(attempt.deadline),
        "paged": paged,
        "saved": {str(q.slot): q.seq for q in paper if q.response is not None},
        "text": exam_texts()["script"],  # translated once per worker and language
    }
    exam = exam_page(title=attempt.quiz.title, deadline=attempt.deadline, submit_url=submit_url, config=config,
                     paged=paged, nav=nav_html(paper), questions=questions_html(paper))
    return render(request, "page.html", exam)


@never_cache
@login_required
@require_POST
def submit_view(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Submit (from the page's form or its script). Answers the script could not save yet come along in
    `pending`; a second submit, from another tab or a retry, just shows the same result."""
    try:
        pending = json.loads(request.POST.get("pending") or "[]")
    except ValueError:
        pending = []
    try:  # the person's own attempt, looked up and locked with one statement (a learner's, by their account)
        attempt = attempt_submit_own(user_id=request.user.pk, attempt_id=attempt_id, pending=pending,
                                     auto=request.POST.get("auto") == "1")
    except ExamError:
        raise Http404(_("Attempt not found.")) from None
    result_url = reverse("assessment:exam_result", kwargs={"attempt_id": attempt.pk})
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"ok": True, "state": attempt.state, "result_url": result_url})
    return redirect(result_url)


@login_required
@require_GET
def result_view(request: HttpRequest, attempt_id: int) -> HttpResponse:
    learner = _learner_or_404(request)
    attempt = settle_if_overdue(attempt=attempt_for_learner(learner=learner, pk=attempt_id))
    if attempt.state == AttemptState.IN_PROGRESS:
        return redirect("assessment:exam_attempt", attempt_id=attempt.pk)
    row = quiz_for_learner(learner=learner, pk=attempt.quiz_id)
    return render(request, "assessment/exam/result.html", {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "row": row,
        "policy": review_policy(attempt),
    })


@login_required
@require_GET
def review_view(request: HttpRequest, attempt_id: int) -> HttpResponse:
    learner = _learner_or_404(request)
    attempt = settle_if_overdue(attempt=attempt_for_learner(learner=learner, pk=attempt_id))
    policy = review_policy(attempt)
    context = {"attempt": attempt, "quiz": attempt.quiz, "policy": policy}
    if not policy.allowed:
        return render(request, "assessment/exam/review.html", context, status=403)
    context["questions"] = attempt_review(attempt, policy)
    return render(request, "assessment/exam/review.html", context)
