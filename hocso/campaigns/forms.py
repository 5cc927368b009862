"""Forms for the campaign pages. They only parse input; the services validate the business rules."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hocso.assessment.models import Quiz
from hocso.assessment.quizzes.widgets import QuizPicker
from hocso.org.forms import UnitsPickerField, date_field
from hocso.org.models import TargetGroup, Unit

from .services import AudienceLine


def _units_field(label, help_text) -> UnitsPickerField:
    # Searched as the user types (name or code, accents ignored): the page carries only the chosen units.
    return UnitsPickerField(label=label, required=False, help_text=help_text,
                            queryset=Unit.objects.current().order_by("path"))


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("For example: Quarter IV/2026"))
    quiz = forms.ModelChoiceField(label=_("Quiz"), queryset=Quiz.objects.order_by("title"), widget=QuizPicker,
                                  empty_label=_("— Choose a quiz —"))
    opens_on = date_field(_("Opens on"))
    closes_on = date_field(_("Closes on"), help_text=_("The last day of the campaign (inclusive)"))
    units_subtree = _units_field(_("Units, with their sub-units"), _("Everyone in these units and below them."))
    units_only = _units_field(_("Units on their own"), _("Only the people directly in these units."))
    units_excluded = _units_field(_("Excluded units"), _("Nobody in these units or below them is included."))
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups"), required=False, queryset=TargetGroup.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple, help_text=_("None selected: every group."),
    )
    attempts_allowed = forms.IntegerField(label=_("Attempts allowed"), required=False, min_value=1,
                                          help_text=_("Empty: the quiz's setting"))
    pass_percent = forms.DecimalField(label=_("Pass mark (%)"), required=False, min_value=0, max_value=100,
                                      decimal_places=2, help_text=_("Empty: the quiz's pass mark"))
    reminder_days = forms.IntegerField(
        label=_("Reminder (days before closing)"), min_value=0, max_value=60, initial=3,
        help_text=_("People who have not passed get an e-mail this many days before the campaign closes; 0: none"),
    )

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaign is not None:
            # A unit merged away since keeps its place in the audience instead of failing validation.
            kept = campaign.audience_units.values("unit_id")
            units = Unit.objects.filter(Q(valid_to__isnull=True) | Q(pk__in=kept)).order_by("path")
            for name in ("units_subtree", "units_only", "units_excluded"):
                self.fields[name].queryset = units

    def lines(self) -> list[AudienceLine]:
        data = self.cleaned_data
        return (
            [AudienceLine(unit=u, include_subtree=True) for u in data.get("units_subtree", [])]
            + [AudienceLine(unit=u, include_subtree=False) for u in data.get("units_only", [])]
            + [AudienceLine(unit=u, include_subtree=True, excluded=True) for u in data.get("units_excluded", [])]
        )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"], "quiz": data["quiz"], "opens_on": data["opens_on"],
            "closes_on": data["closes_on"], "attempts_allowed": data["attempts_allowed"],
            "pass_percent": data["pass_percent"], "reminder_days": data["reminder_days"],
        }

    @classmethod
    def initial_for(cls, campaign) -> dict:
        lines = list(campaign.audience_units.all())
        return {
            "title": campaign.title, "quiz": campaign.quiz_id, "opens_on": campaign.opens_on,
            "closes_on": campaign.closes_on, "attempts_allowed": campaign.attempts_allowed,
            "pass_percent": campaign.pass_percent, "reminder_days": campaign.reminder_days,
            "target_groups": list(campaign.target_groups.values_list("pk", flat=True)),
            "units_subtree": [u.unit_id for u in lines if u.include_subtree and not u.excluded],
            "units_only": [u.unit_id for u in lines if not u.include_subtree and not u.excluded],
            "units_excluded": [u.unit_id for u in lines if u.excluded],
        }
