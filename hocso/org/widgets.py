"""The unit pickers: search-as-you-type boxes (hocso.core.widgets) that ask the unit search (`org:picker`,
/don-vi/tim/?q=) for suggestions, scoped to whoever is signed in."""

from __future__ import annotations

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from hocso.core.widgets import MultiplePicker, Picker

PLACEHOLDER = _("Type part of a name or a code")


class UnitPicker(Picker):
    def __init__(self, attrs=None, **kwargs) -> None:
        kwargs.setdefault("url", reverse_lazy("org:picker"))
        kwargs.setdefault("placeholder", PLACEHOLDER)
        super().__init__(attrs, **kwargs)


class UnitMultiplePicker(MultiplePicker):
    def __init__(self, attrs=None, **kwargs) -> None:
        kwargs.setdefault("url", reverse_lazy("org:picker"))
        kwargs.setdefault("placeholder", PLACEHOLDER)
        super().__init__(attrs, **kwargs)
