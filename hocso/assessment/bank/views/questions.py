"""Question bank pages: per-type question forms, the learner's preview with "check my answer", versions, archive,
and the images in question texts.

Only authors use these pages (403 for anyone else, except images: learners see them in their papers); questions an
author may not see are 404.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hocso.core.forms import call_service
from hocso.core.permissions import ensure

from ...models import Question, QuestionType, QuestionVersion
from ...permissions import can_edit_question
from .. import selectors, services
from ..formats.common import fraction_to_percent
from ..formats.images import read_stored_image, store_uploaded_image
from ..forms import ROW_FIELDS, QuestionForm, initial_from_version
from ..scoring import correct_response, grade
from ._common import require_author, trail


def _save_image(request: HttpRequest, form: QuestionForm) -> str | None:
    """The question text with an uploaded image appended, or None after putting the problem on the form."""
    text = form.cleaned_data["text"]
    upload = form.cleaned_data.get("image")
    if not upload:
        return text
    try:
        url = store_uploaded_image(upload)
    except ValidationError as exc:
        form.add_error("image", exc.messages)
        return None
    alt = form.cleaned_data.get("image_alt", "").replace('"', "")
    return f'{text}\n<p><img src="{url}" alt="{alt}"></p>'


@login_required
@require_http_methods(["GET", "POST"])
def question_create(request: HttpRequest) -> HttpResponse:
    require_author(request)
    actor = request.user
    qtype = request.GET.get("type", "")
    if qtype not in QuestionType.values:
        raise Http404(_("Unknown question type."))
    categories = selectors.category_choices(actor=actor)
    form = QuestionForm(request.POST or None, request.FILES or None, qtype=qtype, categories=categories,
                        creating=True, initial={"category": request.GET.get("category", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        text = _save_image(request, form)
        if text is not None:
            question = call_service(
                form, services.question_create, actor=actor, category=data["category"], qtype=qtype,
                name=data["name"], text=text, data=form.question_data(), default_mark=data["default_mark"],
                general_feedback=data["general_feedback"], difficulty=data["difficulty"], tags=form.tag_list(),
                idnumber=data.get("idnumber", ""),
            )
            if question is not None:
                messages.success(request, _("The question %(name)s was created.") % {"name": question.name})
                return redirect("assessment:bank_question", question.pk)
    category = form.categories.get(request.GET.get("category", ""))
    return render(request, "assessment/bank/question_form.html", {
        "form": form, "qtype": qtype, "qtype_label": QuestionType(qtype).label, "category": category,
        "trail": trail(category), "rows": form.display_rows(), "row_kind": form.row_kind,
    })


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_author(request)
    actor = request.user
    question = selectors.question_get(actor=actor, pk=pk)
    ensure(can_edit_question(actor, question), _("You cannot edit this question."))
    categories = selectors.category_choices(actor=actor)
    initial, rows = initial_from_version(question, question.current_version)
    form = QuestionForm(request.POST or None, request.FILES or None, qtype=question.qtype, categories=categories,
                        creating=False, initial=initial)
    if request.method == "GET":
        form.set_initial_rows(rows)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        text = _save_image(request, form)
        if text is not None:
            try:
                version = call_service(
                    form, services.question_update, actor=actor, question=question, text=text,
                    data=form.question_data(), name=data["name"], default_mark=data["default_mark"],
                    general_feedback=data["general_feedback"], difficulty=data["difficulty"], tags=form.tag_list(),
                    category=data["category"] if data["category"].pk != question.category_id else None,
                )
            except PermissionDenied as exc:  # not allowed into the category chosen: said next to it
                form.add_error("category", str(exc))
            else:
                if version is None:
                    question = selectors.question_get(actor=actor, pk=pk)  # the failed write may have left changes
                else:
                    messages.success(request, _("The question was saved as version %(number)s.")
                                     % {"number": version.number})
                    return redirect("assessment:bank_question", question.pk)
    return render(request, "assessment/bank/question_form.html", {
        "form": form, "question": question, "qtype": question.qtype, "qtype_label": question.get_qtype_display(),
        "category": question.category, "trail": trail(question.category), "rows": form.display_rows(),
        "row_kind": form.row_kind,
    })


@login_required
@require_GET
def form_row(request: HttpRequest) -> HttpResponse:
    """One blank row of options / accepted answers / pairs, appended to the form by htmx."""
    require_author(request)
    kind = request.GET.get("kind", "")
    if kind not in ROW_FIELDS:
        raise Http404(_("Unknown row kind."))
    blank = {name: "" for name in ROW_FIELDS[kind]}
    return render(request, "assessment/bank/_row.html", {"row": blank, "row_kind": kind})


def _learner_view(question: Question, version: QuestionVersion) -> dict:
    """What a learner is shown (nothing that gives the answer away), for the preview template."""
    data = version.data
    view: dict = {"qtype": question.qtype}
    if question.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        view["options"] = [{"id": o["id"], "text": o["text"]} for o in data.get("options", [])]
    elif question.qtype == QuestionType.MATCHING:
        rights: dict[str, str] = {}
        for item in [*({"id": p["id"], "text": p["right"]} for p in data.get("pairs", [])),
                     *data.get("distractors", [])]:
            rights.setdefault(item["text"], item["id"])  # equal right-hand texts are one choice
        view["lefts"] = [{"id": p["id"], "text": p["left"]} for p in data.get("pairs", [])]
        view["rights"] = sorted(({"id": i, "text": t} for t, i in rights.items()), key=lambda r: r["text"])
    return view


def _response_from_post(qtype: str, post, version: QuestionVersion) -> dict:
    if qtype == QuestionType.SINGLE:
        return {"choice": post.get("choice", "")}
    if qtype == QuestionType.MULTIPLE:
        return {"choices": post.getlist("choices")}
    if qtype == QuestionType.TRUE_FALSE:
        return {"value": {"true": True, "false": False}.get(post.get("value", ""))}
    if qtype == QuestionType.MATCHING:
        return {"pairs": {p["id"]: post.get(f"match-{p['id']}", "") for p in version.data.get("pairs", [])}}
    return {"text": post.get("text", "")}


def _feedback_for(qtype: str, data: dict, response: dict) -> list[str]:
    """The per-answer feedback the learner would get for this response."""
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        chosen = set(response.get("choices", [])) | {response.get("choice")}
        return [o["feedback"] for o in data.get("options", []) if o["id"] in chosen and o.get("feedback")]
    if qtype == QuestionType.TRUE_FALSE and isinstance(response.get("value"), bool):
        feedback = data.get("feedback_true" if response["value"] else "feedback_false", "")
        return [feedback] if feedback else []
    return []


@login_required
@require_http_methods(["GET", "POST"])
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The question as a learner sees it (any version), with a 'check my answer' that grades a try."""
    require_author(request)
    actor = request.user
    question = selectors.question_get(actor=actor, pk=pk)
    version = question.current_version
    raw_version = request.GET.get("version", "")
    if raw_version:
        if not raw_version.isdecimal():
            raise Http404(_("Version not found."))
        version = question.versions.filter(number=int(raw_version)).first()
        if version is None:
            raise Http404(_("Version not found."))
    checked = None
    if request.method == "POST":
        response = _response_from_post(question.qtype, request.POST, version)
        fraction = grade(question.qtype, version.data, response)
        checked = {
            "response": response, "fraction": fraction,
            "percent": None if fraction is None else round(fraction * 100, 2),
            "feedback": _feedback_for(question.qtype, version.data, response),
            "correct": correct_response(question.qtype, version.data),
        }
    given = checked["response"] if checked else {}
    view = _learner_view(question, version)
    for left in view.get("lefts", []):
        left["chosen"] = given.get("pairs", {}).get(left["id"], "")
    return render(request, "assessment/bank/question_detail.html", {
        "question": question, "version": version, "is_current": version.pk == question.current_version_id,
        "trail": trail(question.category), "view": view, "checked": checked, "given": given,
        "chosen": set(given.get("choices", [])) | {given.get("choice")},
        "version_count": question.versions.count(), "can_edit": can_edit_question(actor, question),
        "key": _answer_key(question.qtype, version.data),
    })


def _answer_key(qtype: str, data: dict) -> dict:
    """The author's view of the right answers, with grades as percentages."""
    key: dict = {"qtype": qtype}
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        key["rows"] = [{"text": o["text"], "grade": fraction_to_percent(o["fraction"]),
                        "right": Decimal(o["fraction"]) > 0, "feedback": o.get("feedback", "")}
                       for o in data.get("options", [])]
    elif qtype == QuestionType.SHORT_ANSWER:
        key["rows"] = [{"text": a["text"], "grade": fraction_to_percent(a["fraction"]),
                        "right": Decimal(a["fraction"]) > 0, "feedback": a.get("feedback", "")}
                       for a in data.get("answers", [])]
    elif qtype == QuestionType.MATCHING:
        key["pairs"] = data.get("pairs", [])
        key["distractors"] = [d["text"] for d in data.get("distractors", [])]
    return key


@login_required
@require_GET
def question_versions(request: HttpRequest, pk: int) -> HttpResponse:
    require_author(request)
    question = selectors.question_get(actor=request.user, pk=pk)
    return render(request, "assessment/bank/versions.html", {
        "question": question, "versions": selectors.question_versions(question=question),
        "trail": trail(question.category),
    })


@login_required
@require_POST
def question_archive(request: HttpRequest, pk: int) -> HttpResponse:
    require_author(request)
    question = selectors.question_get(actor=request.user, pk=pk)
    archived = request.POST.get("archived", "1") == "1"
    services.question_archive(actor=request.user, question=question, archived=archived)
    messages.success(request, _("The question was archived: new quizzes no longer draw it.") if archived
                     else _("The question was restored."))
    return redirect("assessment:bank_question", question.pk)


@login_required
@require_GET
def image(request: HttpRequest, name: str) -> HttpResponse:
    """An uploaded question image. Any signed-in user: learners see images in their papers."""
    found = read_stored_image(name)
    if found is None:
        raise Http404(_("Image not found."))
    response = HttpResponse(found[0], content_type=found[1])
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response
