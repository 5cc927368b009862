"""Question bank pages: category tree, question lists, per-type forms, learner preview, versions, import/export.

Only authors (province administrators and instructors) use these pages; anyone else gets 403. Categories and
questions an author may not see are 404. Views are thin: selectors read, bank services and formats write.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hocso.core.exporting import XLSX_TYPE
from hocso.core.pagination import paginate, querystring_without_page
from hocso.identity.scoping import ensure

from . import bank
from . import selectors_bank as selectors
from .formats import common as formats
from .formats import moodle_xml, xlsx
from .formats.common import fraction_to_percent
from .formats.images import read_stored_image, store_uploaded_image
from .forms_bank import (
    ROW_FIELDS,
    CategoryForm,
    CategoryRenameForm,
    CategoryTargetForm,
    ImportForm,
    QuestionFilterForm,
    QuestionForm,
    add_service_errors,
    initial_from_version,
)
from .grading import correct_response, grade
from .models import Category, Question, QuestionType, QuestionVersion
from .permissions import can_edit_category, can_edit_question, is_author

XML_TYPE = "application/xml; charset=utf-8"


def _require_author(request: HttpRequest) -> None:
    ensure(is_author(request.user), _("Only administrators and instructors can use the question bank."))


def _trail(category: Category | None) -> list[Category]:
    return [*selectors.category_ancestors(category), category] if category else []


# --- Categories --------------------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    _require_author(request)
    roots = selectors.category_tree(actor=request.user)
    return render(request, "assessment/bank/home.html", {"roots": roots, "types": QuestionType.choices})


@login_required
@require_http_methods(["GET", "POST"])
def category_create(request: HttpRequest) -> HttpResponse:
    _require_author(request)
    categories = selectors.category_choices(actor=request.user)
    initial = {"parent": request.GET.get("parent", "")}
    form = CategoryForm(request.POST or None, categories=categories, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            category = bank.category_create(actor=request.user, name=data["name"], parent=data["parent"],
                                            description=data["description"], sharing=data["sharing"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The category %(name)s was created.") % {"name": category.name})
            return redirect("assessment:bank_category", category.pk)
    return render(request, "assessment/bank/category_form.html", {"form": form})


@login_required
@require_GET
def category_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_author(request)
    actor = request.user
    category = selectors.category_get(actor=actor, pk=pk)
    tags = list(selectors.tags_in_use())
    form = QuestionFilterForm(request.GET, tags=tags)
    form.is_valid()
    filters = form.cleaned_data
    questions = selectors.question_list(
        actor=actor, category=category, include_subcategories=bool(filters.get("sub")),
        query=filters.get("q", ""), qtype=filters.get("qtype", ""), difficulty=filters.get("difficulty"),
        tag=filters.get("tag"), archived=filters.get("archived") or selectors.ACTIVE,
    )
    children = selectors.categories_visible(actor=actor).filter(parent=category).order_by("sort_key")
    return render(request, "assessment/bank/category.html", {
        "category": category, "trail": _trail(category)[:-1], "children": children, "form": form,
        "page": paginate(request, questions), "querystring": querystring_without_page(request),
        "types": QuestionType.choices, "can_manage": can_edit_category(actor, category),
    })


def _editable_category(request: HttpRequest, pk: int) -> Category:
    """The category if the user may manage it: 404 if they cannot see it, 403 if they see it but may not change it."""
    _require_author(request)
    category = selectors.category_get(actor=request.user, pk=pk)
    ensure(can_edit_category(request.user, category), _("You cannot change this category."))
    return category


def _targets(actor, category: Category) -> list[Category]:
    """Visible categories outside the category's own subtree: where it, or what it holds, may go."""
    return [c for c in selectors.category_choices(actor=actor)
            if not c.path.startswith(category.path) and can_edit_category(actor, c)]


def _after_removal(category: Category) -> HttpResponse:
    return redirect("assessment:bank_category", category.parent_id) if category.parent_id \
        else redirect("assessment:bank_home")


@login_required
@require_http_methods(["GET", "POST"])
def category_rename(request: HttpRequest, pk: int) -> HttpResponse:
    category = _editable_category(request, pk)
    form = CategoryRenameForm(request.POST if request.method == "POST" else None,
                              initial={"name": category.name, "description": category.description})
    if request.method == "POST" and form.is_valid():
        try:
            bank.category_rename(actor=request.user, category=category, name=form.cleaned_data["name"],
                                 description=form.cleaned_data["description"])
        except ValidationError as exc:
            add_service_errors(form, exc)
            category.refresh_from_db()
        else:
            messages.success(request, _("The category was renamed to %(name)s.") % {"name": category.name})
            return redirect("assessment:bank_category", category.pk)
    return render(request, "assessment/bank/category_rename.html",
                  {"category": category, "form": form, "trail": _trail(category)})


@login_required
@require_http_methods(["GET", "POST"])
def category_move(request: HttpRequest, pk: int) -> HttpResponse:
    category = _editable_category(request, pk)
    form = CategoryTargetForm(request.POST if request.method == "POST" else None,
                              categories=_targets(request.user, category), field="parent",
                              label=_("Move into"), empty_label=_("(top of the bank)"),
                              initial={"parent": category.parent_id or ""})
    if request.method == "POST" and form.is_valid():
        try:
            bank.category_move(actor=request.user, category=category, new_parent=form.target())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The category %(name)s was moved.") % {"name": category.name})
            return redirect("assessment:bank_category", category.pk)
    return render(request, "assessment/bank/category_move.html",
                  {"category": category, "form": form, "trail": _trail(category)})


@login_required
@require_http_methods(["GET", "POST"])
def category_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page; a non-empty category can be emptied into another one and deleted in one go."""
    category = _editable_category(request, pk)
    contents = bank.category_contents(category)
    # Bound on every POST: an empty category is confirmed with no field at all.
    form = CategoryTargetForm(request.POST if request.method == "POST" else None,
                              categories=_targets(request.user, category), field="move_to",
                              label=_("Move its questions and sub-categories into"), empty_label="—")
    if request.method == "POST" and form.is_valid():
        try:
            moved = bank.category_delete(actor=request.user, category=category, move_to=form.target())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if moved["questions"] or moved["children"]:
                messages.success(request, _("The category %(name)s was deleted; %(questions)s questions and "
                                            "%(children)s sub-categories were moved.")
                                 % {"name": category.name, **moved})
            else:
                messages.success(request, _("The category %(name)s was deleted.") % {"name": category.name})
            return _after_removal(category)
    return render(request, "assessment/bank/category_delete.html", {
        "category": category, "form": form, "trail": _trail(category), "contents": contents,
        "empty": not (contents["questions"] or contents["children"]),
    })


# --- Questions ---------------------------------------------------------------------------------------------------


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
    _require_author(request)
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
            try:
                question = bank.question_create(
                    actor=actor, category=data["category"], qtype=qtype, name=data["name"], text=text,
                    data=form.question_data(), default_mark=data["default_mark"],
                    general_feedback=data["general_feedback"], difficulty=data["difficulty"],
                    tags=form.tag_list(), idnumber=data.get("idnumber", ""),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The question %(name)s was created.") % {"name": question.name})
                return redirect("assessment:bank_question", question.pk)
    category = form.categories.get(request.GET.get("category", ""))
    return render(request, "assessment/bank/question_form.html", {
        "form": form, "qtype": qtype, "qtype_label": QuestionType(qtype).label, "category": category,
        "trail": _trail(category), "rows": form.display_rows(), "row_kind": form.row_kind,
    })


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_author(request)
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
                version = bank.question_update(
                    actor=actor, question=question, text=text, data=form.question_data(), name=data["name"],
                    default_mark=data["default_mark"], general_feedback=data["general_feedback"],
                    difficulty=data["difficulty"], tags=form.tag_list(),
                    category=data["category"] if data["category"].pk != question.category_id else None,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                question = selectors.question_get(actor=actor, pk=pk)  # the failed write may have left changes
            except PermissionDenied as exc:
                form.add_error("category", str(exc))
            else:
                messages.success(request, _("The question was saved as version %(number)s.")
                                 % {"number": version.number})
                return redirect("assessment:bank_question", question.pk)
    return render(request, "assessment/bank/question_form.html", {
        "form": form, "question": question, "qtype": question.qtype, "qtype_label": question.get_qtype_display(),
        "category": question.category, "trail": _trail(question.category), "rows": form.display_rows(),
        "row_kind": form.row_kind,
    })


@login_required
@require_GET
def form_row(request: HttpRequest) -> HttpResponse:
    """One blank row of options / accepted answers / pairs, appended to the form by htmx."""
    _require_author(request)
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
    _require_author(request)
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
        "trail": _trail(question.category), "view": view, "checked": checked, "given": given,
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
    _require_author(request)
    question = selectors.question_get(actor=request.user, pk=pk)
    return render(request, "assessment/bank/versions.html", {
        "question": question, "versions": selectors.question_versions(question=question),
        "trail": _trail(question.category),
    })


@login_required
@require_POST
def question_archive(request: HttpRequest, pk: int) -> HttpResponse:
    _require_author(request)
    question = selectors.question_get(actor=request.user, pk=pk)
    archived = request.POST.get("archived", "1") == "1"
    bank.question_archive(actor=request.user, question=question, archived=archived)
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


# --- Export ------------------------------------------------------------------------------------------------------


def _xml_response(questions, label: str) -> HttpResponse:
    questions = list(questions)
    names = selectors.category_names_map({q.category_id for q in questions})
    response = HttpResponse(moodle_xml.export(questions, names), content_type=XML_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{moodle_xml.export_filename(label)}"'
    return response


@login_required
@require_GET
def export_category(request: HttpRequest, pk: int) -> HttpResponse:
    _require_author(request)
    category = selectors.category_get(actor=request.user, pk=pk)
    include_sub = request.GET.get("sub", "1") == "1"
    return _xml_response(selectors.questions_for_export(actor=request.user, category=category,
                                                        include_subcategories=include_sub), category.name)


@login_required
@require_POST
def export_selection(request: HttpRequest) -> HttpResponse:
    _require_author(request)
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdecimal()]
    questions = list(selectors.questions_for_export(actor=request.user, ids=ids)) if ids else []
    if not questions:
        messages.error(request, _("Choose at least one question to export."))
        return redirect(request.POST.get("back") if str(request.POST.get("back", "")).startswith("/")
                        else reverse("assessment:bank_home"))
    return _xml_response(questions, _("questions"))


# --- Import ------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    _require_author(request)
    categories = selectors.category_choices(actor=request.user)
    form = ImportForm(request.POST or None, request.FILES or None, categories=categories,
                      initial={"category": request.GET.get("category", "")})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        stored = formats.preview_store(actor=request.user, data=upload.read(), filename=upload.name,
                                       file_format=form.cleaned_data["file_format"],
                                       category=form.cleaned_data["category"])
        return redirect("assessment:bank_import_preview", stored.pk)
    return render(request, "assessment/bank/import.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    _require_author(request)
    stored = selectors.question_import_get(actor=request.user, pk=pk)
    result = formats.ParseResult.from_json(stored.payload)
    if request.method == "POST" and stored.applied_at is None:
        try:
            outcome = formats.preview_confirm(actor=request.user, question_import=stored)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(count)s questions were imported.") % {"count": len(outcome.questions)})
            return redirect("assessment:bank_category", stored.category_id) if stored.category_id \
                else redirect("assessment:bank_home")
    return render(request, "assessment/bank/import_preview.html", {
        "stored": stored, "result": result, "valid": result.valid, "problems": result.problems,
        "counts": result.counts(), "trail": _trail(stored.category) if stored.category else [],
    })


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    _require_author(request)
    response = HttpResponse(xlsx.template(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-cau-hoi.xlsx"'
    return response

