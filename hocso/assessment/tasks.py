"""Background tasks of the assessment app (django-tasks; `hocso db_worker` runs them in production)."""

from __future__ import annotations

from django_tasks import task


@task()
def submit_overdue_attempts() -> int:
    """Submit and grade attempts whose time ran out while the learner was away. Idempotent: run it as often as
    you like (a scheduler may enqueue it every minute, or `hocso submit_overdue_attempts --every 60` loops)."""
    from .attempts import submit_overdue_attempts as submit

    return submit()
