from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from .actors import Actor
from .models import AuditEntry
from .permissions import can_read_audit_log, ensure


def audit_entries(
    *,
    actor: Actor,
    action: str = "",
    actor_query: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    ensure(can_read_audit_log(actor))
    qs = AuditEntry.objects.select_related("actor")
    if action:
        qs = qs.filter(action__startswith=action)
    if actor_query:
        qs = qs.filter(actor_label__icontains=actor_query)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs.order_by("-created_at", "-id")


def background_tasks_needing_attention(*, actor: Actor, days: int = 7, stuck_minutes: int = 30,
                                       limit: int = 5) -> tuple[int, list[DBTaskResult]]:
    """Background tasks (django-tasks' database queue) that failed in the last `days` days or have waited longer than
    `stuck_minutes` to run (no worker?): (how many, the newest `limit`). For whoever reads the audit log; nothing
    when the tasks run inside the request (tests, demo)."""
    if not can_read_audit_log(actor) or not isinstance(task_backends["default"], DatabaseBackend):
        return 0, []
    now = timezone.now()
    failed = Q(status=TaskResultStatus.FAILED, finished_at__gte=now - dt.timedelta(days=days))
    stuck = Q(status=TaskResultStatus.READY, run_after__lte=now - dt.timedelta(minutes=stuck_minutes))
    qs = DBTaskResult.objects.filter(failed | stuck).defer("args_kwargs", "return_value", "traceback")
    rows = list(qs.order_by("-enqueued_at")[:limit])
    return (len(rows) if len(rows) < limit else qs.count()), rows
