"""A spreadsheet cell as the text a person typed, for every reader of uploaded lists."""

from __future__ import annotations

import datetime as dt
import unicodedata

from hocso.core.exporting import strip_csv_guard


def clean_text(text: str) -> str:
    """`hocso.core.text.normalize` (NFC, single spaces), with fast paths: most cells are already clean."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


def cell_text(value) -> str:
    """The cell as text: whole numbers without '.0', dates as dd/mm/yyyy, NFC with single spaces.

    The apostrophe our CSV exports put before a text that could read as a formula ('+84…) is taken off again, so
    an exported list imports unchanged.
    """
    if type(value) is str:
        return clean_text(strip_csv_guard(value))
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return clean_text(str(value))
