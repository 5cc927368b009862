"""Background tasks for campaigns (django-tasks; `hocso db_worker` runs them in production)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_reminders() -> int:
    """Send the due campaign reminders (idempotent: each person gets each reminder at most once)."""
    from .services import send_campaign_reminders

    return send_campaign_reminders()
