"""Forms of the results pages: filters, the item analysis's choice of attempts, the essay grade."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from hocso.core.formatting import points
from hocso.org.models import Unit
from hocso.people.forms import UnitChoiceField

from ..quizzes.forms import plain_number
from .item_analysis import WHICH_ATTEMPTS
from .selectors import STATE_CHOICES

PASSED_CHOICES = [("", _("Everyone")), ("yes", _("Passed")), ("no", _("Not passed"))]


class ResultFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or CCCD number")}))
    unit = forms.Field(required=False)  # replaced in __init__
    unit_only = forms.BooleanField(label=_("Without its sub-units"), required=False)  # the unit's own people
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All")), *STATE_CHOICES])
    passed = forms.ChoiceField(label=_("Result"), required=False, choices=PASSED_CHOICES)

    def __init__(self, *args, units: list[Unit], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(units=units, label=_("Unit"), required=False,
                                              empty_label=_("All units"))
        self.order_fields(["q", "unit", "unit_only", "state", "passed"])

    def passed_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("passed") or "")


class EssayGradeForm(forms.Form):
    score = forms.DecimalField(label=_("Score"), min_value=Decimal(0), max_digits=9, decimal_places=3)
    comment = forms.CharField(label=_("Comment for the person"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, mark: Decimal, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["score"].validators.append(MaxValueValidator(mark))
        self.fields["score"].widget.attrs.update({"max": plain_number(mark), "step": "0.25"})
        self.fields["score"].help_text = _("From 0 to %(mark)s") % {"mark": points(mark)}


class RegradeForm(forms.Form):
    question = forms.TypedChoiceField(label=_("Question whose key was corrected"), coerce=int, choices=[])

    def __init__(self, *args, questions: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = {q.pk: q for q in questions}
        self.fields["question"].choices = [
            (q.pk, _("%(name)s (now version %(number)s)") % {"name": q.name, "number": q.current_version.number})
            for q in questions
        ]

    def clean_question(self):
        return self.questions[self.cleaned_data["question"]]


class StatisticsForm(forms.Form):
    which = forms.ChoiceField(label=_("Attempts analysed"), required=False, choices=list(WHICH_ATTEMPTS.items()))
