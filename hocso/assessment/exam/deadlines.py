"""When an attempt's time is up: its deadline plus a short grace for an answer already on its way."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from ..models import Attempt


def grace() -> dt.timedelta:
    # An answer given just before the deadline may arrive a moment after it.
    return dt.timedelta(seconds=getattr(settings, "HOCSO_EXAM_SAVE_GRACE_SECONDS", 5))


def is_overdue(attempt: Attempt, now: dt.datetime) -> bool:
    return attempt.deadline is not None and attempt.deadline + grace() <= now
