"""Helpers of the unit pages' tests (a helper module, not a test module)."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.messages import get_messages

from hocso.org.models import Unit

MERGE_DAY = dt.date(2025, 7, 1)  # the 2025 reorganisation, the date the tests merge units on


def html(response) -> str:
    return response.content.decode()


def learners_shown(response, unit: Unit) -> int:
    """The learner count a tree row shows for `unit` (rows carry it in data-learners)."""
    match = re.search(rf'data-unit="{unit.pk}" data-learners="(\d+)"', html(response))
    assert match, f"{unit.name} is not in the tree"
    return int(match.group(1))


def success_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]
