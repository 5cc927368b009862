"""Find the unit and the target group a cell names: by code or by name, ignoring case and diacritics.

Both are loaded once per import (a province has a few thousand units), and each distinct cell text is resolved
once, however many rows repeat it.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict

from django.utils.translation import gettext as _

from hocso.core.scoping import UnitScope
from hocso.core.text import fold
from hocso.org.models import AGENCY_CODE_RE, TargetGroup, Unit

# Abbreviations that staff lists use in unit names ("Trường TH Đại Phúc", "Phòng GD&ĐT"), folded.
ABBREVIATIONS = {
    "th": "tieu hoc", "thcs": "trung hoc co so", "thpt": "trung hoc pho thong", "mn": "mam non",
    "ptdtbt": "pho thong dan toc ban tru", "ptdtnt": "pho thong dan toc noi tru", "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan", "tyt": "tram y te", "ttyt": "trung tam y te", "bv": "benh vien",
    "bvdk": "benh vien da khoa", "gd": "giao duc", "dt": "dao tao", "khcn": "khoa hoc va cong nghe",
    "tnmt": "tai nguyen va moi truong", "ldtbxh": "lao dong thuong binh va xa hoi", "vh": "van hoa",
}
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def unit_key(text: str) -> str:
    """How unit names are compared: no case, diacritics or punctuation, abbreviations spelled out, and "và" / "&"
    / "-" between two names all alike."""
    words = _NOT_WORD.sub(" ", fold(text)).split()
    return " ".join(w for word in words for w in ABBREVIATIONS.get(word, word).split() if w != "va")


def unit_labels(units: list[Unit]) -> dict[int, str]:
    """How each current unit is written in a file: its name, or "name (parent name)" when names repeat."""
    by_pk = {u.pk: u for u in units}
    counts: dict[str, int] = defaultdict(int)
    for unit in units:
        if unit.valid_to is None:
            counts[unit_key(unit.name)] += 1
    labels = {}
    for unit in units:
        parent = by_pk.get(unit.parent_id)
        if counts[unit_key(unit.name)] > 1 and parent is not None:
            labels[unit.pk] = f"{unit.name} ({parent.name})"
        else:
            labels[unit.pk] = unit.name
    return labels


def load_units() -> list[Unit]:
    return list(
        Unit.objects.only(
            "pk", "name", "short_name", "code", "admin_unit_code", "path", "parent_id", "valid_to", "successor_id"
        ).order_by("path")
    )


class UnitResolver:
    def __init__(self, *, scope: UnitScope, default_unit: Unit | None, units: list[Unit] | None = None) -> None:
        self.scope = scope
        self.default_unit = default_unit
        units = load_units() if units is None else units
        self.by_pk = {u.pk: u for u in units}
        self.labels = unit_labels(units)
        self.by_code: dict[str, Unit] = {}
        self.by_name: dict[str, list[Unit]] = defaultdict(list)
        self.by_label: dict[str, Unit] = {}
        for unit in units:
            if unit.code:
                self.by_code[unit.code.upper()] = unit
            if unit.admin_unit_code and unit.valid_to is None:
                self.by_code.setdefault(unit.admin_unit_code.upper(), unit)
            self.by_name[unit_key(unit.name)].append(unit)
            if unit.short_name and unit_key(unit.short_name) != unit_key(unit.name):
                self.by_name[unit_key(unit.short_name)].append(unit)
            if unit.valid_to is None:
                self.by_label[unit_key(self.labels[unit.pk])] = unit
        self._cache: dict[tuple[str, str], tuple[Unit | None, str]] = {}

    def label(self, unit: Unit | None) -> str:
        return self.labels.get(unit.pk, unit.name) if unit is not None else ""

    def resolve(self, name: str = "", code: str = "") -> tuple[Unit | None, str]:
        """(unit, "") or (None, a message saying why no unit could be chosen)."""
        key = (name, code)
        if key not in self._cache:
            self._cache[key] = self._resolve(name.strip(), code.strip())
        return self._cache[key]

    def _resolve(self, name: str, code: str) -> tuple[Unit | None, str]:
        if code or AGENCY_CODE_RE.match(name.upper()):
            wanted = (code or name).upper()
            unit = self.by_code.get(wanted)
            if unit is None:
                return None, _("No unit has the code %(code)s.") % {"code": code or name}
            return self._current(unit)
        folded = unit_key(name)
        if folded in self.by_label:
            return self._current(self.by_label[folded])
        candidates = self.by_name.get(folded, [])
        current = [u for u in candidates if u.valid_to is None]
        if not current and candidates:
            return self._current(candidates[0])
        if len(current) > 1:
            narrowed = self._narrow(current)
            if len(narrowed) == 1:
                return narrowed[0], ""
            examples = ", ".join(f"“{self.labels[u.pk]}”" for u in (narrowed or current)[:3])
            return None, _("Several units are called “%(name)s”: %(examples)s. Write the unit's code or its name "
                           "as shown here.") % {"name": name, "examples": examples}
        if current:
            return current[0], ""
        suggestion = self._suggest(folded)
        if suggestion is not None:
            return None, _("No unit is called “%(name)s”. Did you mean “%(suggestion)s”?") % {
                "name": name, "suggestion": self.labels[suggestion.pk]}
        return None, _("No unit is called “%(name)s”.") % {"name": name}

    def _current(self, unit: Unit) -> tuple[Unit | None, str]:
        if unit.valid_to is None:
            return unit, ""
        successor = self.by_pk.get(unit.successor_id) if unit.successor_id else None
        if successor is not None:
            return None, _("%(unit)s no longer exists since %(date)s; its people now belong to %(successor)s.") % {
                "unit": unit.name, "date": unit.valid_to.strftime("%d/%m/%Y"), "successor": self.label(successor)}
        return None, _("%(unit)s no longer exists since %(date)s.") % {
            "unit": unit.name, "date": unit.valid_to.strftime("%d/%m/%Y")}

    def _narrow(self, units: list[Unit]) -> list[Unit]:
        """Among units with the same name, prefer the one under the chosen unit, then those the actor manages."""
        if self.default_unit is not None:
            inside = [u for u in units if u.path.startswith(self.default_unit.path)]
            if inside:
                return inside
        return [u for u in units if self.scope.covers(u.path)]

    def _suggest(self, folded: str) -> Unit | None:
        choices: dict[str, Unit] = {}
        for unit in self.by_pk.values():
            if unit.valid_to is None and self.scope.covers(unit.path):
                choices.setdefault(unit_key(unit.name), unit)
        if self.default_unit is not None:  # names under the chosen unit win ties
            for unit in self.by_pk.values():
                if unit.valid_to is None and unit.path.startswith(self.default_unit.path):
                    choices[unit_key(unit.name)] = unit
        match = difflib.get_close_matches(folded, list(choices), n=1, cutoff=0.75)
        return choices[match[0]] if match else None


class TargetGroupResolver:
    def __init__(self) -> None:
        self.groups = list(TargetGroup.objects.filter(is_active=True).order_by("position", "name"))
        self.by_key: dict[str, TargetGroup] = {}
        for group in self.groups:
            self.by_key[fold(group.name)] = group
            self.by_key[fold(group.code)] = group
            self.by_key[fold(group.code.replace("_", " "))] = group
        self._cache: dict[str, tuple[TargetGroup | None, str]] = {}

    def resolve(self, text: str) -> tuple[TargetGroup | None, str]:
        if text not in self._cache:
            self._cache[text] = self._resolve(text)
        return self._cache[text]

    def _resolve(self, text: str) -> tuple[TargetGroup | None, str]:
        folded = fold(text)
        group = self.by_key.get(folded)
        if group is not None:
            return group, ""
        containing = [g for g in self.groups if f" {folded}" in f" {fold(g.name)}"]
        if len(containing) == 1:  # "Công chức" for "Cán bộ, công chức hành chính"
            return containing[0], ""
        names = "; ".join(g.name for g in self.groups)
        return None, _("Unknown target group; use one of: %(names)s.") % {"names": names}
