"""The assessment part of a person's personal-data copy: their quiz attempts and results."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import Attempt


def attempt_rows(subject) -> list[dict[str, Any]]:
    if subject.learner is None:
        return []
    attempts = Attempt.objects.filter(learner=subject.learner).select_related("quiz", "unit").order_by("started_at")
    return [
        {
            "quiz": attempt.quiz.title,
            "number": attempt.number,
            "unit": attempt.unit.name if attempt.unit_id else "",
            "started_at": attempt.started_at,
            "submitted_at": attempt.submitted_at,
            "state": attempt.get_state_display(),
            "score": attempt.score,
            "max_score": attempt.max_score,
            "percent": attempt.percent,
            "passed": attempt.passed,
        }
        for attempt in attempts
    ]


def register() -> None:
    from hocso.people.privacy import Column, register_section

    register_section(
        "attempts", _("Quiz attempts"), order=60, rows=attempt_rows,
        columns=[
            Column("quiz", _("Quiz")), Column("number", _("Attempt")), Column("unit", _("Unit")),
            Column("started_at", _("Started")), Column("submitted_at", _("Submitted")),
            Column("state", _("State")), Column("score", _("Score")), Column("max_score", _("Out of")),
            Column("percent", _("Percentage")), Column("passed", _("Passed")),
        ],
    )
