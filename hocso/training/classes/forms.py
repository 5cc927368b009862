"""Forms of the class pages: a class, enrolling people (one, a unit, a list), finding them, and sessions."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hocso.core.forms import apply_service_errors
from hocso.core.uploads import clean_upload_size, human_size
from hocso.org.forms import UnitPickerField
from hocso.org.models import TargetGroup, Unit

from ..courses.forms import HttpsURLField
from ..models import CourseClass, EnrolmentStatus, Session
from .selectors import instructor_choices
from .services import check_session


class ClassForm(forms.ModelForm):
    class Meta:
        model = CourseClass
        fields = ["name", "mode", "capacity", "start_date", "end_date", "instructors", "self_enrolment"]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "instructors": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instructors"].queryset = instructor_choices()
        for name in ("start_date", "end_date"):
            self.fields[name].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The class cannot end before it starts."))
        return cleaned


class BulkEnrolForm(forms.Form):
    unit = UnitPickerField(label=_("Unit (with its sub-units)"), queryset=Unit.objects.none())
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
            apply_service_errors(self, exc)
        return cleaned


class EnrolListForm(forms.Form):
    file = forms.FileField(label=_("List of people (.xlsx or .csv)"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "One row per person with a column “Số CCCD”, “Email” or “Tên đăng nhập”; a “Họ và tên” column is "
            "shown for reference. At most %(size)s."
        ) % {"size": human_size(settings.HOCSO_IMPORT_MAX_BYTES)}

    def clean_file(self):
        return clean_upload_size(self.cleaned_data["file"], settings.HOCSO_IMPORT_MAX_BYTES)
