"""Background tasks for campaigns (django-tasks; `hocso db_worker` runs them in production)."""

from __future__ import annotations

from django_tasks import task

from .services import send_campaign_reminders


@task()
def send_reminders() -> int:
    """Send the due campaign reminders (idempotent: each person gets each reminder at most once)."""
    return send_campaign_reminders()
