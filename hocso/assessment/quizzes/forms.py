"""Forms for quiz authoring. They parse input; the quiz services validate the rest."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from hocso.org.models import TargetGroup, Unit
from hocso.people.forms import UnitChoiceField

from ..models import Category, Difficulty, GradingMethod, Layout, Quiz, QuizOverride, QuizSlot, ReviewWhen, Tag

DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def plain_number(value: Decimal) -> str:
    """1.500 -> "1.5", 10.000 -> "10" (Decimal.normalize would give 1E+1)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def datetime_field(label, *, required: bool = False, help_text="") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=required, input_formats=DATETIME_INPUT_FORMATS, help_text=help_text,
        widget=forms.DateTimeInput(format="%d/%m/%Y %H:%M", attrs={"placeholder": "dd/mm/yyyy hh:mm"}),
        error_messages={"invalid": _("Enter a date and time as dd/mm/yyyy hh:mm, e.g. 15/12/2026 08:00.")},
    )


def mark_field(label=None, *, help_text="") -> forms.DecimalField:
    return forms.DecimalField(
        label=label or _("Mark per question"), required=False, max_digits=7, decimal_places=3,
        help_text=help_text or _("Empty: the question's default mark"),
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0"}),
    )


def category_choices(categories: list[Category]) -> list[tuple[int, str]]:
    """Categories in tree order (they come ordered by path), indented by depth."""
    return [(c.pk, f"{chr(160) * 3 * c.depth}{c.name}") for c in categories]


class QuizForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    audience_unit = forms.Field(required=False)  # replaced in __init__
    audience_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups"), queryset=TargetGroup.objects.filter(is_active=True), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every target group"),
    )
    open_at = datetime_field(_("Opens"), help_text=_("Empty: open as soon as it is published"))
    close_at = datetime_field(_("Closes"), help_text=_("Empty: never closes"))
    time_limit_minutes = forms.IntegerField(label=_("Time limit (minutes)"), required=False, min_value=1,
                                            help_text=_("Empty: no time limit"))
    attempts_allowed = forms.IntegerField(label=_("Attempts allowed"), min_value=0, initial=1,
                                          help_text=_("0 means unlimited"))
    grading_method = forms.ChoiceField(label=_("Grading method"), choices=GradingMethod.choices,
                                       initial=GradingMethod.HIGHEST,
                                       help_text=_("Which attempts make the final grade when there are several"))
    pass_percent = forms.DecimalField(label=_("Pass mark (%)"), min_value=Decimal(0), max_value=Decimal(100),
                                      max_digits=5, decimal_places=2, initial=Decimal(50))
    shuffle_questions = forms.BooleanField(label=_("Shuffle the questions"), required=False, initial=True)
    shuffle_options = forms.BooleanField(label=_("Shuffle the options within questions"), required=False,
                                         initial=True)
    layout = forms.ChoiceField(label=_("Layout"), choices=Layout.choices, initial=Layout.ALL)
    review_when = forms.ChoiceField(label=_("People may review their attempt"), choices=ReviewWhen.choices,
                                    initial=ReviewWhen.AFTER_SUBMIT)
    review_shows_answers = forms.BooleanField(label=_("The review shows the correct answers"), required=False,
                                              initial=True)
    review_shows_feedback = forms.BooleanField(label=_("The review shows the feedback"), required=False,
                                               initial=True)

    CHECKBOXES = ("shuffle_questions", "shuffle_options", "review_shows_answers", "review_shows_feedback")

    def __init__(self, *args, units: list[Unit], instance: Quiz | None = None, **kwargs) -> None:
        self.instance = instance
        if instance is not None:
            initial = {name: getattr(instance, name) for name in (
                "title", "description", "open_at", "close_at", "time_limit_minutes", "attempts_allowed",
                "grading_method", "pass_percent", "layout", "review_when", *self.CHECKBOXES)}
            initial["audience_unit"] = instance.audience_unit_id
            initial["audience_groups"] = list(instance.audience_groups.values_list("pk", flat=True))
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        if instance is not None and instance.audience_unit_id and all(u.pk != instance.audience_unit_id
                                                                      for u in units):
            units = [*units, instance.audience_unit]
        self.fields["audience_unit"] = UnitChoiceField(
            units=units, label=_("For the people of"), required=False, empty_label=_("Everyone in the province"),
            help_text=_("The unit (with its sub-units) whose people may take the quiz"),
        )
        self.order_fields(["title", "description", "audience_unit", "audience_groups"])

    def clean(self):
        data = super().clean()
        if data.get("open_at") and data.get("close_at") and data["close_at"] <= data["open_at"]:
            self.add_error("close_at", _("The quiz must close after it opens."))
        return data

    def settings(self) -> dict:
        """Keyword arguments for quiz_create / quiz_update (without the audience groups)."""
        names = ("title", "description", "audience_unit", "open_at", "close_at", "time_limit_minutes",
                 "attempts_allowed", "grading_method", "pass_percent", "layout", "review_when", *self.CHECKBOXES)
        return {name: self.cleaned_data.get(name) for name in names}


class FixedSlotForm(forms.Form):
    question = forms.IntegerField(widget=forms.HiddenInput)
    mark = mark_field()


class RandomSlotForm(forms.Form):
    category = forms.TypedChoiceField(label=_("Category"), coerce=int, choices=[])
    include_subcategories = forms.BooleanField(label=_("Include sub-categories"), required=False, initial=True)
    count = forms.IntegerField(label=_("Number of questions"), min_value=1, max_value=200, initial=5)
    difficulty = forms.TypedChoiceField(label=_("Difficulty"), required=False, coerce=int, empty_value=None,
                                        choices=[("", _("Any difficulty")), *Difficulty.choices])
    tag = forms.ModelChoiceField(label=_("Tag"), queryset=Tag.objects.none(), required=False,
                                 empty_label=_("Any tag"))
    mark = mark_field()

    def __init__(self, *args, categories: list[Category], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.categories = {c.pk: c for c in categories}
        self.fields["category"].choices = [("", "—"), *category_choices(categories)]
        self.fields["tag"].queryset = Tag.objects.order_by("name")

    def clean_category(self):
        return self.categories[self.cleaned_data["category"]]


class SlotEditForm(forms.Form):
    """A random slot's draw rule and mark, or only the mark of a fixed question."""

    count = forms.IntegerField(label=_("Number of questions"), min_value=1, max_value=200)
    include_subcategories = forms.BooleanField(label=_("Include sub-categories"), required=False)
    difficulty = forms.TypedChoiceField(label=_("Difficulty"), required=False, coerce=int, empty_value=None,
                                        choices=[("", _("Any difficulty")), *Difficulty.choices])
    tag = forms.ModelChoiceField(label=_("Tag"), queryset=Tag.objects.none(), required=False,
                                 empty_label=_("Any tag"))
    mark = mark_field()

    def __init__(self, *args, slot: QuizSlot, **kwargs) -> None:
        kwargs.setdefault("initial", {"count": slot.count, "include_subcategories": slot.include_subcategories,
                                      "difficulty": slot.difficulty, "tag": slot.tag_id, "mark": slot.mark})
        super().__init__(*args, **kwargs)
        self.slot = slot
        self.fields["tag"].queryset = Tag.objects.order_by("name")
        if not slot.is_random:
            for name in ("count", "include_subcategories", "difficulty", "tag"):
                del self.fields[name]

    def changes(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields}


class OverrideForm(forms.Form):
    learner = forms.IntegerField(widget=forms.HiddenInput,
                                 error_messages={"required": _("Find and choose a person first.")})
    extra_minutes = forms.IntegerField(label=_("Extra time (minutes)"), required=False, min_value=0,
                                       help_text=_("Added to the time limit"))
    open_at = datetime_field(_("Opens"), help_text=_("Empty: as for everyone"))
    close_at = datetime_field(_("Closes"), help_text=_("Empty: as for everyone"))
    attempts_allowed = forms.IntegerField(label=_("Attempts allowed"), required=False, min_value=0,
                                          help_text=_("Empty: as for everyone; 0 means unlimited"))

    def __init__(self, *args, instance: QuizOverride | None = None, **kwargs) -> None:
        if instance is not None:
            kwargs.setdefault("initial", {"learner": instance.learner_id, "extra_minutes": instance.extra_minutes,
                                          "open_at": instance.open_at, "close_at": instance.close_at,
                                          "attempts_allowed": instance.attempts_allowed})
        super().__init__(*args, **kwargs)

    def values(self) -> dict:
        data = self.cleaned_data
        return {"extra_minutes": data.get("extra_minutes") or 0, "open_at": data.get("open_at"),
                "close_at": data.get("close_at"), "attempts_allowed": data.get("attempts_allowed")}


class QuizFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Words of the title")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("All")), ("published", _("Published")), ("draft", _("Not published"))])
