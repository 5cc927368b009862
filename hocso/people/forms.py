"""Forms for the people pages. They parse input; the services decide and validate the rest."""

from __future__ import annotations

import copy
from collections import defaultdict

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hocso.access.models import UNIT_ROLES, Role
from hocso.core.text import normalize, split_full_name
from hocso.core.widgets import LOCAL_LIMIT, Picker
from hocso.org.models import TargetGroup, Unit
from hocso.org.selectors import unit_label
from hocso.org.widgets import UnitPicker

from .models import Gender, Learner, LearnerStatus
from .services import NAME_FIELDS, PROFILE_FIELDS, prepare_learner

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]


def date_field(label, *, required: bool = True, initial=None) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, initial=initial, input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
        error_messages={"invalid": _("Enter a date as dd/mm/yyyy, e.g. 17/05/1985.")},
    )


def tree_choices(units: list[Unit]) -> list[tuple[int, str]]:
    """Units in tree order (siblings in Vietnamese alphabetical order), indented by depth below the top."""
    by_parent: dict[int | None, list[Unit]] = defaultdict(list)
    pks = {unit.pk for unit in units}
    for unit in units:
        by_parent[unit.parent_id if unit.parent_id in pks else None].append(unit)
    top_depth = min((unit.depth for unit in units), default=0)
    choices: list[tuple[int, str]] = []

    def walk(parent_id: int | None) -> None:
        for unit in sorted(by_parent.get(parent_id, []), key=lambda u: u.sort_key):
            indent = "\u00a0\u00a0\u00a0" * (unit.depth - top_depth)
            choices.append((unit.pk, f"{indent}{unit.name}"))
            walk(unit.pk)

    walk(None)
    return choices


def picker_choices(units: list[Unit]) -> list[tuple[int, str]]:
    """Units by level, each named with its code and parent (to tell namesakes apart), for a picker that shows
    only the chosen one: the parents are looked up among `units`, without a query."""
    by_pk = {unit.pk: unit for unit in units}
    ordered = sorted(units, key=lambda u: (u.depth, u.sort_key, u.pk))
    return [(u.pk, unit_label(u, parent_name=by_pk[u.parent_id].name if u.parent_id in by_pk else ""))
            for u in ordered]


class UnitChoiceField(forms.TypedChoiceField):
    """A choice among units the view already loaded (one query). A few are listed as an indented tree; many are
    searched as the user types (org.widgets.UnitPicker), and the page carries only the chosen one."""

    widget = UnitPicker

    def __init__(self, *, units: list[Unit], empty_label=None, **kwargs) -> None:
        self.units_by_pk = {unit.pk: unit for unit in units}
        listed = tree_choices(units) if len(units) <= LOCAL_LIMIT else picker_choices(units)
        empty = _("— Choose a unit —") if empty_label is None else empty_label
        super().__init__(choices=[("", empty), *listed], coerce=int, empty_value=None, **kwargs)

    def clean(self, value):
        pk = super().clean(value)
        return self.units_by_pk.get(pk) if pk is not None else None


class LearnerFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, email or CCCD number")}),
    )
    target_group = forms.ModelChoiceField(
        label=_("Target group"), queryset=TargetGroup.objects.filter(is_active=True), required=False,
        empty_label=_("All groups"),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *LearnerStatus.choices]
    )

    def __init__(self, *args, units: list[Unit] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            # Few enough units for a select; otherwise the view offers a search and keeps ?unit= hidden.
            self.fields["unit"] = UnitChoiceField(
                units=units, label=_("Unit (with sub-units)"), required=False, empty_label=_("All units")
            )
        else:
            self.fields["unit"] = forms.IntegerField(required=False, widget=forms.HiddenInput)
        self.order_fields(["q", "unit", "target_group", "status"])


class LearnerForm(forms.Form):
    """The profile. On creation a full name may be typed in one field instead of its three parts."""

    full_name = forms.CharField(
        label=_("Full name"), required=False, max_length=200,
        help_text=_("For example Nguyễn Thị Minh Khai. Or fill in the three parts below."),
    )
    family_name = forms.CharField(label=_("Family name"), required=False, max_length=50)
    middle_name = forms.CharField(label=_("Middle name"), required=False, max_length=100)
    given_name = forms.CharField(label=_("Given name"), required=False, max_length=50)
    cccd = forms.CharField(label=_("CCCD number"), required=False, max_length=20,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    date_of_birth = date_field(_("Date of birth"), required=False)
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=[("", "—"), *Gender.choices])
    position = forms.CharField(label=_("Position"), required=False, max_length=200)
    rank_code = forms.CharField(label=_("Rank code"), required=False, max_length=20,
                                help_text=_("For example 01.003 or V.07.03.29"))
    target_group = forms.ModelChoiceField(
        label=_("Target group"), queryset=TargetGroup.objects.filter(is_active=True), required=False,
        empty_label="—",
    )
    email = forms.EmailField(label=_("Email"), required=False, max_length=254)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20,
                            widget=forms.TextInput(attrs={"type": "tel"}))
    status = forms.ChoiceField(label=_("Status"), choices=[], required=False)
    start_date = date_field(_("Member of the unit since"), initial=timezone.localdate)

    def __init__(self, *args, actor, instance: Learner | None = None, units: list[Unit] | None = None,
                 **kwargs) -> None:
        self.actor = actor  # what a CCCD number already in use may reveal depends on who asks
        self.instance = instance
        if instance is not None:
            kwargs.setdefault("initial", {
                **{name: getattr(instance, name) for name in (*NAME_FIELDS, "date_of_birth", "gender", "position",
                                                              "rank_code", "email", "phone", "status")},
                "cccd": instance.cccd or "", "target_group": instance.target_group_id,
            })
        super().__init__(*args, **kwargs)
        if instance is None:
            self.fields["unit"] = UnitChoiceField(units=units or [], label=_("Unit"))
            self.order_fields(["unit"])
            del self.fields["status"]
        else:
            # Retiring and leaving go through their own action, which also ends the membership.
            allowed = {LearnerStatus.ACTIVE, LearnerStatus.ON_LEAVE, instance.status}
            self.fields["status"].choices = [c for c in LearnerStatus.choices if c[0] in allowed]
            self.fields["status"].required = True
            for name in ("full_name", "start_date"):
                del self.fields[name]
            self.fields["given_name"].required = True

    def clean(self):
        data = super().clean()
        full_name = normalize(data.get("full_name"))
        self._name_missing = not any(normalize(data.get(name)) for name in NAME_FIELDS)
        self._from_full_name = bool(full_name and self._name_missing)
        if self._from_full_name:
            data["family_name"], data["middle_name"], data["given_name"] = split_full_name(full_name)
            self._name_missing = False
        elif self._name_missing and "given_name" not in self.errors:
            self.add_error("full_name" if "full_name" in self.fields else "given_name", _("Enter the person's name."))
        self._check_with_model(data)
        return data

    def profile(self) -> dict:
        """Keyword arguments for learner_create / learner_update."""
        names = [*PROFILE_FIELDS] if "status" in self.fields else [f for f in PROFILE_FIELDS if f != "status"]
        return {name: self.cleaned_data.get(name) for name in names}

    def _check_with_model(self, data: dict) -> None:
        """Run the service's own validation now, so every problem shows at once (not first form, then model)."""
        learner = copy.copy(self.instance) if self.instance is not None else Learner()
        for name in PROFILE_FIELDS:
            if name in data and name not in self.errors:
                setattr(learner, name, data[name])
            elif name in self.errors and name in ("date_of_birth", "gender"):
                setattr(learner, name, None if name == "date_of_birth" else "")  # no cross-check on bad input
        try:
            prepare_learner(learner, actor=self.actor)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                if field in self.errors or (field in NAME_FIELDS and self._name_missing):
                    continue  # the form already reported this field
                if field in NAME_FIELDS and self._from_full_name:
                    field = "full_name"  # where the name was typed
                for message in messages:
                    if not self.has_error(field) or message not in self.errors.get(field, []):
                        self.add_error(field if field in self.fields else None, message)


class MoveForm(forms.Form):
    to_unit = forms.Field()  # replaced in __init__
    on = date_field(_("Date of transfer"), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), required=False, max_length=300,
                           help_text=_("For example the number of the transfer decision."))

    def __init__(self, *args, units: list[Unit], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_unit"] = UnitChoiceField(units=units, label=_("New unit"))
        self.order_fields(["to_unit", "on", "note"])


class LeaveForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Reason"),
        choices=[(LearnerStatus.RETIRED, LearnerStatus.RETIRED.label), (LearnerStatus.LEFT, LearnerStatus.LEFT.label)],
        widget=forms.RadioSelect, initial=LearnerStatus.RETIRED,
    )
    on = date_field(_("Last day in the unit"), initial=timezone.localdate)


class RoleFilterForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices])


class RoleAssignForm(forms.Form):
    username = forms.CharField(
        label=_("Person"), max_length=150,
        help_text=_("Type part of their name (or their username); without JavaScript, find the person above."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=[])
    unit = forms.Field(required=False)  # replaced in __init__

    def __init__(self, *args, users, units: list[Unit], can_assign_admin: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.users = users
        self._person_picker()
        roles = Role.choices if can_assign_admin else [c for c in Role.choices if c[0] != Role.PROVINCE_ADMIN]
        self.fields["role"].choices = roles
        self.fields["unit"] = UnitChoiceField(
            units=units, label=_("Unit"), required=False,
            help_text=_("Needed for every role except province administrator; the role covers its sub-units."),
        )

    def _person_picker(self) -> None:
        """The person is searched as one types (people with an account the actor manages, by name); the page
        carries only the chosen account, a real <option>, so the form also works without JavaScript."""
        chosen = (self.data.get(self.add_prefix("username")) if self.is_bound else self.initial.get("username")) or ""
        label = chosen
        user = self.users.filter(username=chosen).select_related("learner").first() if chosen else None
        if user is not None:
            learner = getattr(user, "learner", None)
            label = f"{(learner.full_name if learner is not None else '') or user.full_name or chosen} ({chosen})"
        widget = Picker(url=reverse_lazy("people:account_picker"), local_limit=-1,
                        placeholder=_("Type part of a name"))
        widget.choices = [("", _("— Choose a person —")), *([(chosen, label)] if chosen else [])]
        widget.is_required = True
        self.fields["username"].widget = widget

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = self.users.filter(username=username).first()
        if user is None:
            raise ValidationError(_("There is no account with this username among the people you manage."))
        return user

    def clean(self):
        data = super().clean()
        if data.get("role") in UNIT_ROLES and not data.get("unit") and "unit" not in self.errors:
            self.add_error("unit", _("This role needs a unit."))
        return data
