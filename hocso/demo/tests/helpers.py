"""Seeding the demo in tests (a helper module, not a test module)."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

SMALL = 150  # people: enough for every demo scenario, quick to seed


def seed(**options) -> str:
    """Run `hocso seed_demo` with these options; its output."""
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()
