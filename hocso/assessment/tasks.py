"""Background tasks of the assessment app (django-tasks; `hocso db_worker` runs them in production).

This module's path is the tasks' published name (docs/exam-day.md; queued rows of django-tasks-db refer to it), so
it stays at the app's level, thin over the sub-packages' services."""

from __future__ import annotations

from django_tasks import task

from .exam import services as exam_services


@task()
def submit_overdue_attempts() -> int:
    """Submit and grade attempts whose time ran out while the learner was away. Idempotent: run it as often as
    you like (a scheduler may enqueue it every minute, or `hocso submit_overdue_attempts --every 60` loops)."""
    return exam_services.submit_overdue_attempts()
