from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hocso.assessment.quizzes.selectors import quizzes_authored
from hocso.identity.models import Role
from hocso.org.models import TargetGroup, Unit

from .attendance import check_session
from .models import Course, CourseClass, EnrolmentStatus, Lesson, Module, Session
from .services import check_course


class HttpsURLField(forms.URLField):
    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


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
        self.fields["final_quiz"].queryset = quizzes_authored(actor=actor)

    def clean(self):
        # The service's checks, here too, so that every problem is reported at once.
        cleaned = super().clean()
        try:
            check_course(cleaned)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
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
        self.fields["quiz"].queryset = quizzes_authored(actor=actor)
        self.fields["position"].required = False


class ClassForm(forms.ModelForm):
    class Meta:
        model = CourseClass
        fields = ["name", "mode", "capacity", "start_date", "end_date", "instructors", "self_enrolment"]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "instructors": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instructors"].queryset = get_user_model().objects.filter(
            roles__role=Role.INSTRUCTOR).distinct().order_by("username")
        for name in ("start_date", "end_date"):
            self.fields[name].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The class cannot end before it starts."))
        return cleaned


class BulkEnrolForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit (with its sub-units)"), queryset=Unit.objects.none())
    target_group = forms.ModelChoiceField(label=_("Target group"), required=False,
                                          queryset=TargetGroup.objects.filter(is_active=True),
                                          empty_label=_("Every target group"))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class LearnerSearchForm(forms.Form):
    q = forms.CharField(label=_("Find a person (name or CCCD)"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *EnrolmentStatus.choices])


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["title", "date", "start_time", "end_time", "place", "meeting_url"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        field_classes = {"meeting_url": HttpsURLField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]

    def clean(self):
        cleaned = super().clean()
        try:
            check_session(cleaned)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Kept on record with the certificate."))
