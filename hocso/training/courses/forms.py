"""Forms of the course pages: the catalogue search, and authoring courses, modules and lessons."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hocso.assessment.quizzes.selectors import quizzes_authored
from hocso.assessment.quizzes.widgets import QuizPicker
from hocso.core.forms import apply_service_errors
from hocso.org.models import TargetGroup

from ..models import Course, Lesson, LessonKind, Module
from .services import check_course


class HttpsURLField(forms.URLField):
    """An address typed without a scheme is taken as https://."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


def _quiz_picker(field: forms.ModelChoiceField, quizzes, empty_label) -> None:
    """A quiz field of a model form searched as the user types (few quizzes: all in the page)."""
    field.widget = QuizPicker()
    field.widget.is_required = field.required
    field.empty_label = empty_label
    field.queryset = quizzes  # also gives the widget its choices


class CourseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)


class CourseForm(forms.ModelForm):
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups"), queryset=TargetGroup.objects.filter(is_active=True), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every target group"),
    )

    class Meta:
        model = Course
        fields = ["title", "summary", "topic", "target_groups", "hours", "mode", "is_published", "self_enrolment",
                  "require_lessons", "final_quiz", "min_attendance_percent"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        _quiz_picker(self.fields["final_quiz"], quizzes_authored(actor=actor), _("— No final quiz —"))

    def clean(self):
        # The service's checks, here too, so that every problem is reported at once.
        cleaned = super().clean()
        try:
            check_course(cleaned)
        except ValidationError as exc:
            apply_service_errors(self, exc)
        return cleaned


class ModuleForm(forms.ModelForm):
    class Meta:
        model = Module
        fields = ["title", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False


class LessonForm(forms.ModelForm):
    upload = forms.FileField(label=_("File"), required=False,
                             help_text=_("Video or document, up to 500 MB. Uploading replaces the current file."))

    class Meta:
        model = Lesson
        fields = ["title", "kind", "position", "is_required", "upload", "url", "html", "quiz"]
        widgets = {"html": forms.Textarea(attrs={"rows": 10})}
        help_texts = {"url": _("For a video or document hosted elsewhere, or an external link.")}
        field_classes = {"url": HttpsURLField}

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        _quiz_picker(self.fields["quiz"], quizzes_authored(actor=actor), _("— Choose a quiz —"))
        self.fields["kind"].choices = [("", _("— Choose a kind —")), *LessonKind.choices]
        self.fields["position"].required = False
