"""Check that the Vietnamese catalogue compiles and is complete: python scripts/check_catalogue.py [PO_FILE]

Complete means no untranslated and no fuzzy entries, and every msgstr keeps the placeholders of its msgid
(%(name)s, %s, {name}), since a lost placeholder breaks the page at run time. Exit status 1 lists each problem.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

DEFAULT = Path(__file__).resolve().parent.parent / "hocso" / "locale" / "vi" / "LC_MESSAGES" / "django.po"
SHOWN = 40
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdifr]|%[sdifr]|\{[A-Za-z_][A-Za-z0-9_]*\}")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def check(path: Path) -> list[str]:
    problems: list[str] = []
    try:
        catalogue = polib.pofile(str(path), check_for_duplicates=True)
    except (OSError, ValueError) as exc:
        return [f"{path}: cannot be read: {exc}"]

    def where(entry: polib.POEntry) -> str:
        return f"{path.name}:{entry.linenum}: {entry.msgid[:70]!r}"

    for entry in catalogue.untranslated_entries():
        problems.append(f"{where(entry)}: not translated")
    for entry in catalogue.fuzzy_entries():
        problems.append(f"{where(entry)}: marked fuzzy")
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            wanted = placeholders(entry.msgid_plural) or placeholders(entry.msgid)
            for index, text in sorted(entry.msgstr_plural.items()):
                # A singular form may drop the count (%(count)s), but never bring in one that does not exist.
                if not set(placeholders(text)) <= set(placeholders(entry.msgid) + wanted):
                    problems.append(f"{where(entry)}: msgstr[{index}] has placeholders the msgid does not have")
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            problems.append(f"{where(entry)}: placeholders {placeholders(entry.msgstr)} != {placeholders(entry.msgid)}")

    # Compile to .mo and load it as gettext would: what Django does at run time after compilemessages.
    with tempfile.TemporaryDirectory() as tmp:
        mo = Path(tmp) / "django.mo"
        try:
            catalogue.save_as_mofile(str(mo))
            with mo.open("rb") as handle:
                gettext.GNUTranslations(handle)
        except Exception as exc:  # any failure to compile or load is the finding
            problems.append(f"{path}: does not compile: {exc}")
    problems.extend(_check_msgfmt(path))
    problems.extend(_check_compiled(path, catalogue))
    return problems


def _check_msgfmt(path: Path) -> list[str]:
    """GNU msgfmt (what compilemessages runs) is stricter than polib, e.g. about "#| msgid_plural" comments."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return []
    result = subprocess.run([msgfmt, "--check", "-o", os.devnull, str(path)], capture_output=True, text=True)
    return [] if result.returncode == 0 else [f"{path}: msgfmt: {result.stderr.strip()}"]


def _check_compiled(path: Path, catalogue: polib.POFile) -> list[str]:
    """The committed .mo must be the compiled .po: Django reads the .mo, so a stale one shows old texts."""
    mo = path.with_suffix(".mo")
    if not mo.exists():
        return [f"{mo}: missing (run compilemessages)"]
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    stale = 0
    for entry in catalogue.translated_entries():
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            stale += compiled.get((key, 0)) != entry.msgstr_plural.get(0)
        else:
            stale += compiled.get(key) != entry.msgstr
    return [f"{mo}: {stale} entries differ from the .po (run compilemessages)"] if stale else []


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT
    if not path.exists():
        print(f"catalogue check skipped: {path} does not exist yet")
        return 0
    problems = check(path)
    if problems:
        print(f"{path}: {len(problems)} problem(s)")
        for problem in problems[:SHOWN]:
            print(f"  {problem}")
        if len(problems) > SHOWN:
            print(f"  … and {len(problems) - SHOWN} more")
        return 1
    entries = len(polib.pofile(str(path)).translated_entries())
    print(f"{path}: {entries} entries, all translated, none fuzzy, compiles")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
