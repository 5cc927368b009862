"""The one form → service → ValidationError step of the views (hocso.core.forms)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from hocso.core.forms import apply_service_errors, call_service


class NameForm(forms.Form):
    name = forms.CharField()


def _valid_form() -> NameForm:
    form = NameForm({"name": "Sở Y tế"})
    assert form.is_valid()
    return form


def test_a_field_error_lands_on_its_field_and_others_on_top_named_by_their_label():
    form = _valid_form()
    apply_service_errors(form, ValidationError({"name": ["Taken."], "code": ["Wrong pattern."]}),
                         labels={"code": "Agency code"})
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Agency code: Wrong pattern."]


def test_call_service_returns_the_result_or_none_with_the_errors_on_the_form():
    def service(*, name: str) -> str:
        if name == "bad":
            raise ValidationError({"title": ["Too short."]})
        return name.upper()

    form = _valid_form()
    assert call_service(form, service, name="ok") == "OK" and not form.errors
    assert call_service(form, service, name="bad", field_map={"title": "name"}) is None
    assert form.errors["name"] == ["Too short."]
