"""Helpers shared by the question bank's tests (not a test module)."""

from __future__ import annotations

import io
from pathlib import Path

from django.urls import reverse
from openpyxl import load_workbook

from hocso.assessment.bank.formats import xlsx

DATA = Path(__file__).parent / "data"


def url(name: str, *args) -> str:
    return reverse(f"assessment:{name}", args=args)


def page(response) -> str:
    return response.content.decode()


def filled_template(rows: list[dict]) -> bytes:
    """The template with `rows` ({column key: value}) typed into its Questions sheet."""
    workbook = load_workbook(io.BytesIO(xlsx.template()))
    sheet = workbook.worksheets[0]
    keys = [key for key, _label, _aliases in xlsx.COLUMNS]
    for row in rows:
        sheet.append([row.get(key) for key in keys])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
