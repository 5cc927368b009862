"""What the audit log says, in plain words: a sentence for each action, the object by its name with a link to its
page, and the changes as "Trạng thái: — → Đang hoạt động" with fields' names and choices' labels.

core knows no domain app, so each app describes its own actions, objects and change keys in its
`AppConfig.ready()` (as it registers its personal-data sections with `people.privacy.register_section`):

    from hocso.core import audit_actions as log
    log.register("certificate.issue", _("{actor} issued certificate {object}"),
                 label=_("Certificate issued"), group=_("Training"))
    log.register_object("training.certificate", links=log.links_by_pk("training.certificate", "training:…"),
                        in_units=lambda scope: Certificate.objects.filter(scope.q("learner__unit__path")))
    log.register_key("klass", _("Class"), model="training.courseclass")

A sentence names the actor `{actor}` and the object `{object}` (a translated msgid; the Vietnamese keeps both).
A change key is named, in this order, by a key registered for the object's type, the field of the object's model,
a key registered for every type, or else its own words. A value that is a model field's choice shows its label;
the ids of a foreign key (or of a key registered with `model=`) show the related objects' names, fetched with one
query per related model for a whole page of entries (`present`). Every query here is bounded by the page.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import formatting
from .scoping import NOTHING

NO_UNITS = NOTHING  # the scope of a unit filter that found nothing

if TYPE_CHECKING:
    from .models import AuditEntry
    from .scoping import UnitScope

Text = str | Promise
HIDDEN = "***"


@dataclass(frozen=True)
class Action:
    code: str
    sentence: Text  # "{actor} … {object}"
    label: Text  # a short name, for the filter
    group: Text  # what the filter groups it under


@dataclass(frozen=True)
class ObjectType:
    object_type: str
    links: Callable[[list[str]], dict[str, str]] | None = None  # ids -> {id: url} of those that still exist
    in_units: Callable[[UnitScope], QuerySet] | None = None  # the objects under a scope (any queryset of them)


@dataclass(frozen=True)
class Key:
    label: Text
    model: str | None = None  # the values are ids of this model ("org.unit"): shown by name
    many: bool = False  # the value is a list of them, not an [old, new] pair
    show: Callable[[Any], str] | None = None  # how to say a value (each side of a change) when names will not do
    nested: bool = False  # with `many`: each item is itself a list ([unit, subtree, excluded])


_actions: dict[str, Action] = {}
_objects: dict[str, ObjectType] = {}
_keys: dict[tuple[str, str], Key] = {}  # (object type or "", key)
_unit_finders: list[Callable[[Any, str], tuple[str, UnitScope] | None]] = []
_subtree_readers: list[Callable[[Any], bool]] = []


def register(code: str, sentence: Text, *, label: Text, group: Text) -> None:
    """Describe one action the code writes (`audit(actor, code, …)`)."""
    _actions[code] = Action(code=code, sentence=sentence, label=label, group=group)


def register_object(object_type: str, *, links: Callable[[list[str]], dict[str, str]] | None = None,
                    in_units: Callable[[UnitScope], QuerySet] | None = None) -> None:
    """How to link to an object of this type (`app_label.model`), and which of them lie under a unit scope."""
    _objects[object_type] = ObjectType(object_type=object_type, links=links, in_units=in_units)


def register_key(key: str, label: Text, *, model: str | None = None, many: bool = False, nested: bool = False,
                 show: Callable[[Any], str] | None = None, object_type: str = "") -> None:
    """Name a change key that is not a (translated) field of the object's model, for every object type or for
    `object_type` only (where it wins over the model's field)."""
    _keys[(object_type, key)] = Key(label=label, model=model, many=many or nested, show=show, nested=nested)


def register_unit_finder(finder: Callable[[Any, str], tuple[str, UnitScope] | None]) -> None:
    """org: (viewer, "code or name") -> (the unit's name, the scope of its subtree), within the viewer's scope."""
    _unit_finders.append(finder)


def register_subtree_reader(predicate: Callable[[Any], bool]) -> None:
    """access: who, besides the province administrators, reads the log of their own units (focal points)."""
    _subtree_readers.append(predicate)


def reads_own_subtree(actor) -> bool:
    return any(predicate(actor) for predicate in _subtree_readers)


def unregister(code: str) -> None:
    _actions.pop(code, None)


def actions() -> dict[str, Action]:
    return dict(_actions)


def action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The actions for a select, grouped and sorted by their names in the active language."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for action in _actions.values():
        groups[str(action.group)].append((action.code, str(action.label)))
    return [(group, sorted(items, key=lambda item: item[1])) for group, items in sorted(groups.items())]


def links_by_pk(object_type: str, url_name: str) -> Callable[[list[str]], dict[str, str]]:
    """A `links` for pages addressed by the object's primary key: one query for which of the ids still exist."""

    def links(ids: list[str]) -> dict[str, str]:
        model = apps.get_model(object_type)
        found = model._default_manager.filter(pk__in=_valid_ids(model, ids)).values_list("pk", flat=True)
        return {str(pk): reverse(url_name, args=[pk]) for pk in found}

    return links


def find_unit(viewer, text: str) -> tuple[str, UnitScope] | None:
    for finder in _unit_finders:
        found = finder(viewer, text)
        if found is not None:
            return found
    return None


def in_units_q(scope: UnitScope) -> Q:
    """Entries about an object that lies under `scope` (for the object types that say where theirs lie)."""
    condition = Q(pk__in=[])
    for object_type in _objects.values():
        if object_type.in_units is None:
            continue
        ids = object_type.in_units(scope).annotate(audit_key=Cast("pk", output_field=CharField())).values("audit_key")
        condition |= Q(object_type=object_type.object_type, object_id__in=ids)
    return condition


# --- reading the entries ---------------------------------------------------------------------------------------------


@dataclass
class Change:
    label: str
    new: str
    old: str | None = None  # None: a value, not a change
    created: bool = False  # the old value was nothing at all

    @property
    def text(self) -> str:
        value = self.new if self.old is None else f"{self.old} → {self.new}"
        return f"{self.label}: {value}"


@dataclass
class Row:
    entry: AuditEntry
    action: str  # the action's short name
    sentence: SafeString  # with the object linked
    text: str  # the same sentence as plain text
    actor: str
    object_name: str
    object_url: str | None
    changes: list[Change] = field(default_factory=list)

    @property
    def changes_text(self) -> str:
        return "; ".join(change.text for change in self.changes)


def _model(label: str | None):
    if not label:
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _valid_ids(model, ids: Iterable[Any]) -> list[Any]:
    valid = []
    for value in ids:
        try:
            valid.append(model._meta.pk.to_python(value))
        except (ValueError, TypeError, ValidationError):  # an id the log kept from an older schema: not looked up
            continue
    return valid


def _key(object_type: str, key: str) -> tuple[Key | None, models.Field | None]:
    """The registered description of a key and/or the model field it names."""
    registered = _keys.get((object_type, key))
    model = _model(object_type)
    model_field = None
    if model is not None:
        try:
            model_field = model._meta.get_field(key)
        except FieldDoesNotExist:
            model_field = None
        if model_field is not None and not hasattr(model_field, "verbose_name"):
            model_field = None  # a reverse relation ("enrolments" of a course) is no field of the entry's
    if registered is None and (model_field is None or not isinstance(model_field.verbose_name, Promise)):
        registered = _keys.get(("", key))  # a field named by Django from its name ("learner") is not a label
    return registered, model_field


def _target(registered: Key | None, model_field) -> str | None:
    if registered is not None and registered.model:
        return registered.model
    if model_field is not None and model_field.is_relation and model_field.related_model is not None:
        return model_field.related_model._meta.label_lower
    return None


def _is_pair(value: Any, registered: Key | None, model_field) -> bool:
    if not isinstance(value, list) or len(value) != 2:
        return False
    many = (registered is not None and registered.many) or (model_field is not None and model_field.many_to_many)
    if not many:
        return True
    if registered is not None and registered.nested:  # [[line, …], [line, …]], not two lines
        return all(isinstance(part, list) and all(isinstance(item, list) for item in part) for part in value)
    return all(isinstance(part, list) for part in value)


def _normal(value: Any, registered: Key | None) -> Any:
    """A list the writer stored as its text ("[62, 63]": `audit`'s extra values are plain) as a list again."""
    if registered is not None and registered.many and isinstance(value, str) and value.startswith("["):
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return value
        return parsed if isinstance(parsed, list) else value
    return value


def _label(key: str, registered: Key | None, model_field) -> str:
    if registered is not None:
        return str(registered.label)
    if model_field is not None and hasattr(model_field, "verbose_name"):
        name = str(model_field.verbose_name)
        return name[:1].upper() + name[1:]
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ISO_TIME = re.compile(r"^\d{2}:\d{2}:\d{2}(\.\d+)?$")
_LONG_TEXT = 160


def _value(value: Any, model_field, target: str | None, names: dict[str, dict[str, str]],
           show: Callable[[Any], str] | None = None, key: str = "") -> str:
    if value == HIDDEN:
        return _("(hidden)")
    if value is None or value == "" or value == []:
        return formatting.MISSING
    if show is not None:
        return show(value)
    if isinstance(value, list):
        return ", ".join(_value(item, model_field, target, names) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value(v, None, None, names)}" for k, v in value.items())
    if target is not None:
        name = names.get(target, {}).get(str(value))
        return name if name is not None else _("no. %(id)s (deleted)") % {"id": value}
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    choices = getattr(model_field, "flatchoices", None) if model_field is not None else None
    if choices:
        shown = dict(choices).get(value)
        if shown is not None:
            return str(shown)
    if isinstance(value, int | float):
        if "year" in key:
            return str(value)
        return formatting.number(value, 1 if value % 1 else 0)
    if isinstance(value, str):
        if _ISO_TIME.match(value):
            return value[:5]
        if _ISO_MOMENT.match(value) and (moment := parse_datetime(value)) is not None:
            return formatting.moment(moment)
        if _ISO_DATE.match(value) and (day := parse_date(value)) is not None:
            return formatting.day(day)
        if len(value) > _LONG_TEXT:
            return value[:_LONG_TEXT].rstrip() + "…"
    return str(value)


def _collect_ids(entries: Sequence[AuditEntry]) -> dict[str, set[str]]:
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        for key, value in (entry.changes or {}).items():
            registered, model_field = _key(entry.object_type, key)
            target = _target(registered, model_field)
            if target is None:
                continue
            stack = [_normal(value, registered)]
            while stack:
                item = stack.pop()
                if isinstance(item, list):
                    stack.extend(item)
                elif item not in (None, "", HIDDEN) and not isinstance(item, dict | bool):
                    wanted[target].add(str(item))
    return wanted


def _names(wanted: dict[str, set[str]]) -> dict[str, dict[str, str]]:
    names: dict[str, dict[str, str]] = {}
    for label, ids in wanted.items():
        model = _model(label)
        if model is None:
            continue
        objects = model._default_manager.filter(pk__in=_valid_ids(model, ids))
        names[label] = {str(obj.pk): str(obj) for obj in objects}
    return names


def _links(entries: Sequence[AuditEntry]) -> dict[str, dict[str, str]]:
    by_type: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.object_type and entry.object_id:
            by_type[entry.object_type].add(entry.object_id)
    links: dict[str, dict[str, str]] = {}
    for object_type, ids in by_type.items():
        described = _objects.get(object_type)
        if described is None or described.links is None:
            continue
        try:
            links[object_type] = described.links(sorted(ids))
        except NoReverseMatch:
            links[object_type] = {}
    return links


_COMMAND = re.compile(r"^[a-z_]+(?: \(.*\))?$")  # SystemActor("import_staff (command line)")


def actor_name(entry: AuditEntry) -> str:
    """Who acted: their name as it was (anonymised where the person was); the system, or the operator's command."""
    label = entry.actor_label or ""
    if not label or label == "system":
        return _("The system")
    if entry.actor_id is None and _COMMAND.match(label):
        return _("The system (command %(command)s)") % {"command": label.split(" ")[0]}
    return label


def action_label(code: str) -> str:
    action = _actions.get(code)
    return str(action.label) if action is not None else code


def present(entries: Iterable[AuditEntry]) -> list[Row]:
    """The entries of one page (or one export) in plain words."""
    entries = list(entries)
    names = _names(_collect_ids(entries))
    links = _links(entries)
    rows = []
    for entry in entries:
        action = _actions.get(entry.action)
        actor = actor_name(entry)
        object_name = entry.object_repr or (_("(no object)") if not entry.object_type else formatting.MISSING)
        url = links.get(entry.object_type, {}).get(entry.object_id)
        if action is not None:
            sentence = str(action.sentence)
        else:
            sentence = _("{actor} did “%(action)s” to {object}") % {"action": entry.action}
        linked = format_html('<a href="{}">{}</a>', url, object_name) if url else format_html("<strong>{}</strong>",
                                                                                                object_name)
        html = format_html(sentence, actor=format_html("<strong>{}</strong>", actor), object=linked)
        text = sentence.format(actor=actor, object=object_name)
        changes = []
        for key, value in (entry.changes or {}).items():
            registered, model_field = _key(entry.object_type, key)
            target = _target(registered, model_field)
            label = _label(key, registered, model_field)
            show = registered.show if registered is not None else None
            value = _normal(value, registered)
            if _is_pair(value, registered, model_field):
                old = _value(value[0], model_field, target, names, show, key)
                new = _value(value[1], model_field, target, names, show, key)
                if old != new:
                    changes.append(Change(label=label, old=old, new=new, created=value[0] is None))
            else:
                changes.append(Change(label=label, new=_value(value, model_field, target, names, show, key)))
        if changes and all(change.created for change in changes if change.old is not None):
            for change in changes:  # a new object: its values, not "— → value" for each of them
                change.old = None
        rows.append(Row(entry=entry, action=action_label(entry.action), sentence=html, text=text, actor=actor,
                        object_name=object_name, object_url=url, changes=changes))
    return rows


EXPORT_HEADER = (gettext_lazy("Time"), gettext_lazy("Who"), gettext_lazy("Action"), gettext_lazy("What happened"),
                 gettext_lazy("Object"), gettext_lazy("Changes"), gettext_lazy("IP address"))


def export_rows(rows: Iterable[Row]) -> Iterable[list[Any]]:
    for row in rows:
        yield [row.entry.created_at, row.actor, row.action, row.text, row.object_name, row.changes_text,
               row.entry.ip_address or ""]
