"""Forms for the unit pages. They only parse input; the services decide and validate the business rules."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Unit, UnitKind, validate_agency_code
from .selectors import unit_label
from .widgets import UnitMultiplePicker, UnitPicker

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def date_field(label, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=DATE_WIDGET, help_text=help_text,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )


class UnitPickerField(forms.ModelChoiceField):
    """One unit, chosen in a picker that searches the units as the user types (org.widgets.UnitPicker). The
    queryset says which units the form accepts; the page carries only the chosen one."""

    widget = UnitPicker

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("— Choose a unit —"))
        super().__init__(*args, **kwargs)

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset.select_related("parent") if queryset is not None else None)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def label_from_instance(self, obj: Unit) -> str:
        return unit_label(obj, parent_name=obj.parent.name if obj.parent_id else "")


class UnitsPickerField(forms.ModelMultipleChoiceField):
    """Several units, chosen in a picker (org.widgets.UnitMultiplePicker)."""

    widget = UnitMultiplePicker

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset.select_related("parent") if queryset is not None else None)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def label_from_instance(self, obj: Unit) -> str:
        return unit_label(obj, parent_name=obj.parent.name if obj.parent_id else "")


# A service's error about a unit field the form does not show goes on top of the form, named by its label.
UNIT_ERROR_LABELS = {field.name: field.verbose_name for field in Unit._meta.concrete_fields}


class UnitFieldsMixin(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    code = forms.CharField(
        label=_("Agency code"), max_length=20, required=False, validators=[validate_agency_code],
        help_text=_("QCVN 102:2016 pattern, e.g. 000.00.00.H55"),
    )
    admin_unit_code = forms.CharField(
        label=_("Administrative unit code"), max_length=10, required=False,
        help_text=_("Official code of the province, commune or ward, where it applies"),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices, initial=UnitKind.OTHER)

    def clean_code(self) -> str:
        return (self.cleaned_data.get("code") or "").strip().upper()


class UnitCreateForm(UnitFieldsMixin):
    valid_from = date_field(_("Valid from"), required=False, help_text=_("Leave empty for today."))


class UnitEditForm(UnitFieldsMixin):
    on = date_field(
        _("Effective date of a new name"), required=False,
        help_text=_(
            "Only used when the name changes; the rename is recorded in the unit's history. Empty means today."
        ),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    @classmethod
    def for_unit(cls, unit: Unit, data=None) -> UnitEditForm:
        initial = {
            "name": unit.name, "short_name": unit.short_name, "code": unit.code or "",
            "admin_unit_code": unit.admin_unit_code, "kind": unit.kind,
        }
        return cls(data, initial=initial)

    def changes(self, unit: Unit) -> dict[str, str | None]:
        """Only the fields that differ, so an unchanged form writes nothing."""
        data = self.cleaned_data
        current = {
            "name": unit.name, "short_name": unit.short_name, "code": unit.code or "",
            "admin_unit_code": unit.admin_unit_code, "kind": unit.kind,
        }
        return {key: (data[key] or None) if key == "code" else data[key]
                for key in current if data[key] != current[key]}


class UnitMoveForm(forms.Form):
    new_parent = UnitPickerField(label=_("New parent unit"), queryset=Unit.objects.none())
    on = date_field(_("Effective date"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, unit: Unit, parents, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["new_parent"].queryset = parents

    def clean_new_parent(self) -> Unit:
        parent = self.cleaned_data["new_parent"]
        if parent.pk == self.unit.parent_id:
            raise ValidationError(_("The unit is already under %(unit)s.") % {"unit": parent})
        return parent


class MergeForm(forms.Form):
    MODE_EXISTING = "existing"
    MODE_NEW = "new"

    others = forms.ModelMultipleChoiceField(
        label=_("Units to merge with this one"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple,
    )
    mode = forms.ChoiceField(
        label=_("Merge into"), widget=forms.RadioSelect, initial=MODE_EXISTING,
        choices=[(MODE_EXISTING, _("Into one of the units being merged")), (MODE_NEW, _("Into a new unit"))],
    )
    into = forms.ModelChoiceField(label=_("Unit that continues"), queryset=Unit.objects.none(), required=False)
    new_name = forms.CharField(label=_("Name of the new unit"), max_length=255, required=False)
    new_kind = forms.ChoiceField(label=_("Kind of the new unit"), choices=UnitKind.choices, required=False)
    new_code = forms.CharField(
        label=_("Agency code of the new unit"), max_length=20, required=False, validators=[validate_agency_code],
    )
    new_admin_unit_code = forms.CharField(
        label=_("Administrative unit code of the new unit"), max_length=10, required=False,
    )
    on = date_field(_("Effective date"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, unit: Unit, candidates, **kwargs):
        kwargs.setdefault("initial", {}).update({"on": timezone.localdate(), "into": unit.pk, "new_kind": unit.kind})
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["others"].queryset = candidates
        # `into` may be this unit or any candidate; the clean step checks it is one of the chosen ones.
        self.fields["into"].queryset = Unit.objects.filter(pk=unit.pk) | candidates

    def clean_new_code(self) -> str:
        return (self.cleaned_data.get("new_code") or "").strip().upper()

    def clean(self):
        data = super().clean()
        mode, others = data.get("mode"), data.get("others")
        if mode == self.MODE_EXISTING:
            into = data.get("into")
            if into is None:
                self.add_error("into", _("Choose the unit that continues."))
            elif others is not None and into != self.unit and into not in others:
                self.add_error("into", _("The unit that continues must be one of the units being merged."))
        elif mode == self.MODE_NEW and not data.get("new_name", "").strip():
            self.add_error("new_name", _("Give the new unit a name."))
        return data

    @property
    def sources(self) -> list[Unit]:
        return [self.unit, *self.cleaned_data["others"]]

    @property
    def target(self) -> Unit | None:
        return self.cleaned_data["into"] if self.cleaned_data["mode"] == self.MODE_EXISTING else None


class SplitPartForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Same as the old unit")), *UnitKind.choices],
                             required=False)
    code = forms.CharField(label=_("Agency code"), max_length=20, required=False, validators=[validate_agency_code])

    def clean_code(self) -> str:
        return (self.cleaned_data.get("code") or "").strip().upper()


SplitPartFormSet = forms.formset_factory(SplitPartForm, extra=0, min_num=2, validate_min=True, max_num=20)


class SplitForm(forms.Form):
    """The settings of a split, plus one choice per current member: which new unit they go to."""

    keep_source = forms.BooleanField(
        label=_("The old unit continues"), required=False,
        help_text=_("If ticked, people not assigned to a new unit stay in the old unit."),
    )
    on = date_field(_("Effective date"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    default_part = forms.ChoiceField(
        label=_("Send everyone not chosen below to"), required=False,
        help_text=_("Saves choosing a unit for each person: only pick those who go elsewhere."),
    )

    STAY = "stay"

    def __init__(self, *args, members: list, part_labels: list[str], **kwargs):
        kwargs.setdefault("initial", {}).setdefault("on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.members = members
        parts = [(str(i), label) for i, label in enumerate(part_labels)]
        self.fields["default_part"].choices = [("", _("— no default —")), *parts]
        person_choices = [("", _("— as set above —")), *parts, (self.STAY, _("Stays in the old unit"))]
        self.member_fields = []
        for learner in members:
            name = f"person_{learner.pk}"
            self.fields[name] = forms.ChoiceField(label=learner.full_name, choices=person_choices, required=False)
            self.member_fields.append((learner, name))

    def assignments(self, part_count: int) -> list[list[int]]:
        """Learner ids per part, applying the default part to everyone left unchosen."""
        result: list[list[int]] = [[] for _i in range(part_count)]
        default = self.cleaned_data.get("default_part") or ""
        for learner, name in self.member_fields:
            choice = self.cleaned_data.get(name) or default
            if choice not in ("", self.STAY) and int(choice) < part_count:
                result[int(choice)].append(learner.pk)
        return result

    def member_rows(self):
        return [(learner, self[name]) for learner, name in self.member_fields]


class TargetGroupForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("Letters, digits and underscores, e.g. leaders"))
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    position = forms.IntegerField(label=_("Order"), min_value=0, initial=0)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class TreeFilterForm(forms.Form):
    q = forms.CharField(label=_("Find a unit"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    former = forms.BooleanField(label=_("Show former units"), required=False)
