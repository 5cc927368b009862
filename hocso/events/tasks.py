"""Background tasks of awareness programmes (django-tasks; `hocso db_worker` runs them in production). The task's
import path is what the queue stores: it stays here whatever module does the work."""

from __future__ import annotations

from django_tasks import task


@task()
def issue_programme_certificates(programme_id: int, actor_id: int | None) -> None:
    """Certificates of participation for a programme's attendees (thousands at a time: never in a request)."""
    from django.contrib.auth import get_user_model

    from hocso.core.actors import SYSTEM

    from .models import Programme
    from .programme_services import certificates_run  # that module enqueues this task: imported when it runs

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    certificates_run(programme=Programme.objects.get(pk=programme_id), actor=actor or SYSTEM)
