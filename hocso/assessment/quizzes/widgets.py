"""The quiz picker: a search-as-you-type box (hocso.core.widgets) asking the quiz search (`assessment:quiz_picker`,
/kiem-tra/de-thi/tim/?q=) for suggestions, scoped to whoever is signed in."""

from __future__ import annotations

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from hocso.core.widgets import Picker


class QuizPicker(Picker):
    def __init__(self, attrs=None, **kwargs) -> None:
        kwargs.setdefault("url", reverse_lazy("assessment:quiz_picker"))
        kwargs.setdefault("placeholder", _("Type part of the title"))
        super().__init__(attrs, **kwargs)
