"""Background tasks of the people app (django-tasks; `hocso db_worker` runs them in production)."""

from __future__ import annotations

from django_tasks import task


@task()
def import_preview(job_id: str) -> None:
    """Read and check an uploaded staff list; the job then waits for confirmation."""
    from .importing.jobs import run_preview

    run_preview(job_id)


@task()
def import_apply(job_id: str) -> None:
    """Write a confirmed staff list in one transaction."""
    from .importing.jobs import run_apply

    run_apply(job_id)
