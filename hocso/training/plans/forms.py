"""The training plan's form: the plan and its grid of targets per year and target group."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from hocso.org.models import TargetGroup

from ..models import TrainingPlan
from .services import MAX_PLAN_YEARS, validate_plan


def _year(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class PlanForm(forms.Form):
    """The plan and a grid of targets: one number per year of the plan and target group."""

    title = forms.CharField(label=_("Title"), max_length=255,
                            help_text=_("For example: Digital transformation training plan to 2026"))
    start_year = forms.IntegerField(label=_("Start year"))
    end_year = forms.IntegerField(label=_("End year"))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data=None, *, plan: TrainingPlan | None = None) -> None:
        initial: dict = {}
        this_year = dt.date.today().year
        start, end = this_year, this_year + 1
        if plan is not None:
            initial = {"title": plan.title, "start_year": plan.start_year, "end_year": plan.end_year,
                       "description": plan.description}
            start, end = plan.start_year, plan.end_year
            initial.update({f"target_{t.year}_{t.target_group_id}": t.target_count for t in plan.targets.all()})
        if data is not None:
            # The grid follows the years being submitted, so a changed range is shown at once.
            posted_start, posted_end = _year(data.get("start_year")), _year(data.get("end_year"))
            if posted_start and posted_end and 0 <= posted_end - posted_start < MAX_PLAN_YEARS:
                start, end = posted_start, posted_end
        super().__init__(data, initial=initial)
        groups = TargetGroup.objects.filter(is_active=True)
        if plan is not None:
            groups = TargetGroup.objects.filter(pk__in=plan.targets.values("target_group_id")) | groups
        self.groups = list(groups.distinct().order_by("position", "name"))
        self.years = list(range(start, end + 1))
        self.grid: list[tuple[int, list[forms.BoundField]]] = []
        for year in self.years:
            for group in self.groups:
                self.fields[f"target_{year}_{group.pk}"] = forms.IntegerField(
                    label=f"{group.name} ({year})", required=False, min_value=0)
        for year in self.years:
            self.grid.append((year, [self[f"target_{year}_{group.pk}"] for group in self.groups]))

    def clean(self) -> dict:
        data = super().clean()
        # The service's rules, checked here too so every problem shows in one round.
        problems = validate_plan(title=data.get("title", self.data.get("title", "")), start_year=data.get("start_year"),
                                 end_year=data.get("end_year"), targets={})
        for name, messages in problems.items():
            for message in messages:
                if name == "__all__":
                    self.add_error(None, message)
                elif not self.has_error(name):
                    self.add_error(name, message)
        return data

    @property
    def plan_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("title", "start_year", "end_year", "description")]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        targets = {(year, group.pk): data.get(f"target_{year}_{group.pk}") or 0
                   for year in self.years for group in self.groups}
        return {"title": data["title"], "start_year": data["start_year"], "end_year": data["end_year"],
                "description": data.get("description") or "", "targets": targets}
