"""Forms for the bridge-site pages. They parse input; the services decide and validate the rest."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hocso.core.phone import PhoneError, normalise_phone
from hocso.core.uploads import clean_upload_size
from hocso.org.forms import UnitPickerField, UnitsPickerField
from hocso.org.models import TargetGroup, Unit

_ACCOUNT_SPLIT = re.compile(r"[,;\s]+")
MAX_BYTES = 5 * 1024 * 1024  # a province's site list is a few hundred rows


class SiteForm(forms.Form):
    unit = UnitPickerField(label=_("Unit"), queryset=Unit.objects.none())
    name = forms.CharField(label=_("Site name"), max_length=255,
                           widget=forms.TextInput(attrs={"placeholder": _("e.g. Hội trường UBND xã Đại Phúc")}))
    address = forms.CharField(label=_("Address"), max_length=500, required=False)
    capacity = forms.IntegerField(label=_("Seats"), required=False, min_value=1, max_value=100_000)
    coordinator_name = forms.CharField(label=_("Person in charge"), max_length=150, required=False)
    coordinator_phone = forms.CharField(label=_("Phone of the person in charge"), max_length=30, required=False,
                                        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    technician_name = forms.CharField(label=_("Technician"), max_length=150, required=False)
    technician_phone = forms.CharField(label=_("Technician's phone"), max_length=30, required=False,
                                       widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    equipment = forms.CharField(label=_("Equipment notes"), required=False, max_length=2000,
                                widget=forms.Textarea(attrs={"rows": 3, "placeholder": _(
                                    "Screen, camera, microphones, connection, video-conference system")}))
    coordinator_accounts = forms.CharField(
        label=_("Coordinator accounts"), required=False, max_length=1000,
        help_text=_("User names or e-mails of the accounts that check people in at this site, separated by commas. "
                    "Each is given the coordinator role for the unit."))
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units

    def _phone(self, field: str) -> str:
        try:
            return normalise_phone(self.cleaned_data[field])
        except PhoneError as error:
            raise ValidationError(error.message) from None

    def clean_coordinator_phone(self) -> str:
        return self._phone("coordinator_phone")

    def clean_technician_phone(self) -> str:
        return self._phone("technician_phone")

    def clean_coordinator_accounts(self) -> list:
        names = [name for name in _ACCOUNT_SPLIT.split(self.cleaned_data["coordinator_accounts"]) if name]
        if not names:
            return []
        lowered = {name.lower() for name in names}
        users = list(get_user_model().objects.filter(is_active=True).filter(
            Q(username__in=lowered) | Q(email__in=lowered)))
        known = {user.username.lower() for user in users} | {user.email.lower() for user in users if user.email}
        missing = [name for name in names if name.lower() not in known]
        if missing:
            raise ValidationError(_("No active account is called %(names)s.") % {"names": ", ".join(missing)})
        return users


class SiteSearchForm(forms.Form):
    q = forms.CharField(label=_("Find a site"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"placeholder": _("Site, address, unit or person in charge")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("All")), ("active", _("In use")), ("inactive", _("Not in use"))])


class SiteImportForm(forms.Form):
    file = forms.FileField(label=_("Site list (.xlsx or .csv)"))

    def clean_file(self):
        return clean_upload_size(self.cleaned_data["file"], MAX_BYTES)


DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"]


def _datetime_field(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("Enter a date and time, e.g. 15/10/2026 08:00.")})


class ProgrammeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255, widget=forms.TextInput(attrs={
        "placeholder": _("e.g. Hội nghị trực tuyến phổ biến kiến thức chuyển đổi số năm 2026")}))
    description = forms.CharField(label=_("Description"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    host_unit = UnitPickerField(label=_("Host unit"), queryset=Unit.objects.none())
    audience_units = UnitsPickerField(label=_("Audience units (with their sub-units)"), required=False,
                                      queryset=Unit.objects.none(),
                                      help_text=_("Empty: the host unit and its sub-units."))
    audience_groups = forms.ModelMultipleChoiceField(
        label=_("Audience target groups"), required=False, queryset=TargetGroup.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every target group."))
    counts_toward_plan = forms.BooleanField(
        label=_("Counts towards the training plan"), required=False,
        help_text=_("Whoever attends a session counts as trained that year in the plan's progress."))

    def __init__(self, *args, units=None, plan_switch: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["host_unit"].queryset = units
            self.fields["audience_units"].queryset = units
        if not plan_switch:  # the province administrators' decision
            del self.fields["counts_toward_plan"]


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    starts_at = _datetime_field(_("Starts at"))
    ends_at = _datetime_field(_("Ends at"))
    speakers = forms.CharField(label=_("Speakers"), max_length=500, required=False)
    topic = forms.CharField(label=_("Topic"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    meeting_url = forms.URLField(label=_("Meeting link"), required=False, max_length=500, assume_scheme="https",
                                 help_text=_("The link of any video-conference system (Zoom, Jitsi, BigBlueButton…)."))
    meeting_id = forms.CharField(
        label=_("Meeting ID in the video system"), required=False, max_length=200,
        help_text=_("BigBlueButton's meetingID: its join and leave events then show on the live board. Each site "
                    "joins with the user ID diemcau-<site number>."))
    materials = forms.CharField(label=_("Materials"), required=False, max_length=5000,
                                widget=forms.Textarea(attrs={"rows": 3}),
                                help_text=_("One link or document name per line."))


class ExpectedForm(forms.Form):
    expected = forms.IntegerField(label=_("Expected head count"), required=False, min_value=0, max_value=100_000,
                                  help_text=_("Empty: the count computed from the units the site serves."))
