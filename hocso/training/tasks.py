"""Background tasks of the training app (django-tasks; `hocso db_worker` runs them in production).

The task's import path is what the queue stores: it stays here whatever module does the work.
"""

from __future__ import annotations

from django.conf import settings
from django_tasks import task


@task()
def issue_class_certificates(batch_id: int, base_url: str) -> None:
    """Issue certificates (and store their PDFs) for a class's learners who completed the course."""
    from .certificates.services import batch_run  # that module enqueues this task: imported when it runs

    batch_run(batch_id, base_url, settings.HOCSO_PROVINCE_NAME)
