"""Vietnamese text helpers: normalisation, accent-folded search keys and collation keys.

PyICU has no wheels, so the Vietnamese alphabetical order (CLDR `vi`) is implemented as a small key
function whose result is stored in an indexed column. The key uses only the digits 0-9, so it sorts
the same under any database collation (SQLite BINARY, PostgreSQL C or a locale).
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")

# Vietnamese alphabet (CLDR vi), with f j w z placed where the Latin alphabet puts them.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Each letter gets a two-digit primary weight (10-99); digits sort before letters. "02" separates the parts
# of a key (given | family | middle), "03" separates words, and "00" ends the primary weights so that a
# shorter string sorts first whatever its tones.
_PRIMARY = {ch: f"{i + 30:02d}" for i, ch in enumerate(_ALPHABET)}
_PRIMARY.update({str(d): f"{d + 10:02d}" for d in range(10)})

# Tone marks (combining characters) in CLDR vi secondary order: none, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
# Letter-forming marks: breve (ă), circumflex (â ê ô), horn (ơ ư).
_SHAPES = {"\u0306", "\u0302", "\u031b"}


def normalize(text: str | None) -> str:
    """NFC-normalise and collapse white space: what every text input is stored as."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def is_digits(text: str) -> bool:
    """Only ASCII digits 0-9: str.isdigit() also takes "²" and other digits that int() refuses or that no
    CCCD, phone number or row number is written with."""
    return text.isascii() and text.isdigit()


def fold(text: str | None) -> str:
    """Lower-case, strip diacritics (đ -> d), collapse spaces: the search form of a text."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.replace("đ", "d")).strip()


def search_key(*texts: str | None) -> str:
    """Stored search form: folded words, each preceded by a space, so a query term matches word starts."""
    words = " ".join(fold(t) for t in texts if t)
    return " " + words if words else ""


def search_terms(query: str | None) -> list[str]:
    """The query's words as they must occur in a `search_key`: at the start of a word."""
    return [" " + term for term in fold(query).split(" ") if term]


def _split_letter(char: str) -> tuple[str, str]:
    """Split one character into (base letter incl. shape marks, tone digit)."""
    decomposed = unicodedata.normalize("NFD", char)
    tone = "0"
    base = []
    for part in decomposed:
        if part in _TONES:
            tone = _TONES[part]
        elif unicodedata.combining(part) and part not in _SHAPES:
            continue
        else:
            base.append(part)
    return unicodedata.normalize("NFC", "".join(base)), tone


def collation_key(*words: str) -> str:
    """Key that orders strings like CLDR `vi`: letters first (a ă â … đ …), then tones.

    Several arguments are compared in turn (e.g. given name, then family name, then middle name).
    """
    primary: list[str] = []
    secondary: list[str] = []
    for part_index, text in enumerate(words):
        if part_index:
            primary.append("02")
        for word_index, word in enumerate(normalize(text).lower().split(" ")):
            if word_index:
                primary.append("03")
            for char in word:
                base, tone = _split_letter(char)
                weight = _PRIMARY.get(base)
                if weight is None:
                    continue  # punctuation and symbols do not affect order
                primary.append(weight)
                secondary.append(tone)
    return "".join(primary) + "00" + "".join(secondary)


def person_sort_key(family_name: str, middle_name: str, given_name: str) -> str:
    """Vietnamese people are sorted by given name, then family name, then middle name."""
    return collation_key(given_name, family_name, middle_name)


def split_full_name(full_name: str) -> tuple[str, str, str]:
    """'Nguyễn Thị Minh Khai' -> ('Nguyễn', 'Thị Minh', 'Khai')."""
    parts = normalize(full_name).split(" ")
    if not parts or parts == [""]:
        return "", "", ""
    if len(parts) == 1:
        return "", "", parts[0]
    return parts[0], " ".join(parts[1:-1]), parts[-1]
