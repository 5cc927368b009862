from collections.abc import Callable, Mapping
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .audit_actions import action_choices

Result = TypeVar("Result")


def apply_service_errors(form: forms.Form, exc: ValidationError, field_map: dict[str, str] | None = None,
                         labels: Mapping[str, str] | None = None) -> None:
    """Show a service's ValidationError on the form: on the field where the form has it (`field_map` renames the
    service's keys to the form's fields), otherwise at the top of the form, prefixed with `labels[key]` when given
    ("Agency code: …", so that a message about a field the form does not show still says which); a message
    already shown is not repeated."""
    field_map = field_map or {}
    labels = labels or {}
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for key, messages in exc.message_dict.items():
        name = field_map.get(key, key)
        target = name if name in form.fields else None
        for message in messages:
            if target is None and key in labels:
                message = f"{labels[key]}: {message}"
            if target is None or not form.has_error(target) or message not in form.errors[target]:
                form.add_error(target, message)


def call_service(form: forms.Form, service: Callable[..., Result], /, *args,
                 field_map: dict[str, str] | None = None, error_labels: Mapping[str, str] | None = None,
                 **kwargs) -> Result | None:
    """The view's form → service step: run the service; if it refuses (ValidationError), show why on the form and
    return None. `form.is_valid()` must have been checked first. For a service that returns nothing, look at
    `form.errors` afterwards instead of the result. `field_map` and `error_labels` are apply_service_errors's.

        if form.is_valid() and (unit := call_service(form, services.unit_create, actor=..., **form.cleaned_data)):
            return redirect(unit)
    """
    try:
        return service(*args, **kwargs)
    except ValidationError as exc:
        apply_service_errors(form, exc, field_map, error_labels)
        return None


class AuditFilterForm(forms.Form):
    """The audit log's filters. The actions are the ones the apps described (`core.audit_actions`), by group."""

    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Who"), required=False, max_length=200,
                            widget=forms.TextInput(attrs={"placeholder": _("Name or user name")}))
    unit = forms.CharField(label=_("Unit (and its sub-units)"), required=False, max_length=200,
                           widget=forms.TextInput(attrs={"placeholder": _("Unit code or name")}))
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    object_type = forms.CharField(required=False, widget=forms.HiddenInput)
    object_id = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *action_choices()]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned
