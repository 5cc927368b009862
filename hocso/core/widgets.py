"""Pickers for long lists: a <select> that Tom Select (vendored, static/hocso/vendor/tom-select/) turns into a
search-as-you-type box. Domain-free: org, people and assessment give it the address of their own search.

A picker with a `url` whose choices are more than `local_limit` renders only the chosen options: the page never
carries the 1,135 units of a province, and the browser asks `url?q=…` for suggestions as the user types (the JSON
of `picker_results`). With few choices, or no url, it keeps its options and searches them in the page. Without
JavaScript it is a plain <select> and the form still submits what is chosen (real <option>s).

`local_limit=-1` always asks the server (a person picker: people are found by what is typed, never listed).

Its scripts come with the form's media: a page that shows a picker puts `{{ form.media }}` in its head block.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.forms.models import ModelChoiceIterator
from django.http import JsonResponse
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext

LOCAL_LIMIT = 50  # up to this many choices a picker keeps them all in the page and searches there
RESULTS_LIMIT = 20  # suggestions per request of a search endpoint
QUERY_MAX = 100


class DeferredScript:
    """A form media script loaded with `defer` (the page's own scripts are deferred too)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __html__(self) -> str:
        return format_html('<script src="{}" defer></script>', static(self.path))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DeferredScript) and other.path == self.path

    def __hash__(self) -> int:
        return hash(self.path)


PICKER_MEDIA = forms.Media(
    css={"all": ["hocso/vendor/tom-select/tom-select.default.min.css", "hocso/picker.css"]},
    js=[DeferredScript("hocso/vendor/tom-select/tom-select.complete.min.js"), DeferredScript("hocso/picker.js")],
)


class _PickerMixin:
    """Shared by the single and multiple pickers (mixed into Select / SelectMultiple)."""

    def __init__(self, attrs=None, *, url: str = "", placeholder: str = "", local_limit: int = LOCAL_LIMIT) -> None:
        super().__init__(attrs)
        self.url = url
        self.placeholder = placeholder
        self.local_limit = local_limit

    @property
    def media(self) -> forms.Media:
        return PICKER_MEDIA

    def is_remote(self) -> bool:
        """True when the choices are too many for the page: only the chosen ones are rendered."""
        return bool(self.url) and len(self.choices) > self.local_limit

    def get_context(self, name, value, attrs):
        self._remote = self.is_remote()  # one count of the choices per rendering, read again by optgroups
        context = super().get_context(name, value, attrs)
        extra = {"data-picker": "remote" if self._remote else "local",
                 "data-picker-none": gettext("Nothing found"), "data-picker-loading": gettext("Searching…"),
                 "data-picker-remove": gettext("Remove this choice"), "data-picker-clear": gettext("Clear the choice")}
        if self._remote:
            extra["data-picker-url"] = str(self.url)
        if self.placeholder:
            extra["data-placeholder"] = str(self.placeholder)
        context["widget"]["attrs"].update(extra)
        return context

    def optgroups(self, name, value, attrs=None):
        if not getattr(self, "_remote", False):
            return super().optgroups(name, value, attrs)
        chosen = {str(v) for v in value if v not in (None, "")}
        groups = []
        for index, (option_value, label) in enumerate(self._chosen_choices(chosen)):
            selected = str(option_value) in chosen
            option = self.create_option(name, option_value, label, selected, index, attrs=attrs)
            groups.append((None, [option], index))
        return groups

    def _chosen_choices(self, chosen: set[str]) -> Iterable[tuple]:
        """The empty choice (if any) and the chosen ones, without iterating a queryset of every choice."""
        choices = self.choices
        if isinstance(choices, ModelChoiceIterator):
            field = choices.field
            if field.empty_label is not None and not self.allow_multiple_selected:
                yield "", field.empty_label
            keys = [v for v in chosen if v.isdecimal()]
            if keys:
                queryset = choices.queryset.filter(**{f"{field.to_field_name or 'pk'}__in": keys})
                yield from (choices.choice(obj) for obj in queryset)
            return
        for option_value, label in choices:
            empty = option_value in (None, "")
            if (empty and not self.allow_multiple_selected) or (not empty and str(option_value) in chosen):
                yield option_value, label


class Picker(_PickerMixin, forms.Select):
    """One choice among many, searched as the user types."""


class MultiplePicker(_PickerMixin, forms.SelectMultiple):
    """Several choices among many, searched as the user types."""


def picker_query(request) -> tuple[str, int]:
    """The typed text (`q`) and the page (`page`, from 1) of a search endpoint's request."""
    query = request.GET.get("q", "").strip()[:QUERY_MAX]
    raw = request.GET.get("page", "1")
    page = int(raw) if raw.isdecimal() and 0 < int(raw) < 1000 else 1
    return query, page


def picker_results(rows: list[dict], *, more: bool) -> JsonResponse:
    """A search endpoint's answer: [{"value", "text", "detail"}] (text is what a chosen option shows, detail the
    line that tells namesakes apart) and whether a next page exists."""
    return JsonResponse({"results": rows, "more": more})


def page_of(queryset, page: int, limit: int = RESULTS_LIMIT) -> tuple[list, bool]:
    """One page of a queryset and whether another follows (one query: a row more than the page)."""
    start = (page - 1) * limit
    rows = list(queryset[start:start + limit + 1])
    return rows[:limit], len(rows) > limit
