"""Enrolment from an Excel or CSV list: upload -> preview (nothing written) -> confirm. Thin views."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hocso.core.uploads import clean_upload_size, human_size
from hocso.people.importing.errors import ImportFileError
from hocso.training.classes import class_list as enrol_import
from hocso.training.classes import selectors as selectors_classes
from hocso.training.classes.views.classes import _report
from hocso.training.models import CourseClass


class EnrolListForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("List of people (.xlsx or .csv)"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "One row per person with a column “Số CCCD”, “Email” or “Tên đăng nhập”; a “Họ và tên” column is "
            "shown for reference. At most %(size)s."
        ) % {"size": human_size(settings.HOCSO_IMPORT_MAX_BYTES)}

    def clean_file(self):
        return clean_upload_size(self.cleaned_data["file"], settings.HOCSO_IMPORT_MAX_BYTES)


def _class(request: HttpRequest, pk: int) -> CourseClass:
    klass = selectors_classes.class_get(actor=request.user, pk=pk)  # 404 for people who cannot see classes
    enrol_import.ensure_can_enrol_from_list(request.user, klass)
    return klass


@login_required
@never_cache
def class_enrol_list(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the upload form. POST: the preview of the uploaded list, with the confirmation form."""
    klass = _class(request, pk)
    form = EnrolListForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = enrol_import.preview_list(actor=request.user, klass=klass, content=upload.read(),
                                                file_name=upload.name)
        except ImportFileError as exc:
            form.add_error("file", exc.message)
        else:
            counts = preview.counts
            labels = {
                enrol_import.ENROL: _("Will be enrolled"),
                enrol_import.WAITING: _("Waiting list"),
                enrol_import.ALREADY: _("Already in this class"),
                enrol_import.OTHER_CLASS: _("In another class of this course"),
            }
            return render(request, "training/classes/enrol_list_preview.html", {
                "klass": klass, "preview": preview, "counts": counts,
                "count_cards": [
                    (_("Will be enrolled"), counts[enrol_import.ENROL]),
                    (_("Will go to the waiting list"), counts[enrol_import.WAITING]),
                    (_("Already in this class"), counts[enrol_import.ALREADY]),
                    (_("In another class of this course"), counts[enrol_import.OTHER_CLASS]),
                    (_("Rows with problems"), counts[enrol_import.ERROR]),
                ],
                "matched": [(row, labels[row.outcome]) for row in preview.matched],
                "to_enrol": len(preview.to_enrol),
                "token": enrol_import.make_token(actor=request.user, klass=klass, preview=preview),
            })
    return render(request, "training/classes/enrol_list_upload.html", {"klass": klass, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def class_enrol_list_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    klass = _class(request, pk)
    try:
        result = enrol_import.enrol_from_list(actor=request.user, klass=klass, token=request.POST.get("token", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("training:class_enrol_list", pk=pk)
    _report(request, result)
    return redirect("training:class", pk=pk)
