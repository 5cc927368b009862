from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from .actors import Actor
from .audit_actions import in_units_q
from .models import AuditEntry
from .permissions import can_read_audit_log, ensure
from .scoping import UnitScope, acts_for_whole_province, scope_of


def audit_entries(
    *,
    actor: Actor,
    action: str = "",
    actor_query: str = "",
    unit_scope: UnitScope | None = None,
    object_type: str = "",
    object_id: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """The log, newest first. `action` is one action's code; `actor_query` part of a name or user name;
    `unit_scope` keeps the entries about objects under those units (the types whose apps say where they lie).
    A reader whose scope is not the whole province sees only the entries about objects in their scope."""
    ensure(can_read_audit_log(actor))
    qs = AuditEntry.objects.all()
    own = scope_of(actor)
    if not own.everything:  # a focal point: the entries about what lies in their subtree, nothing else
        qs = qs.filter(in_units_q(own))
    if action:
        qs = qs.filter(action=action)
    if actor_query:
        qs = qs.filter(Q(actor_label__icontains=actor_query) | Q(actor__username__iexact=actor_query))
    if unit_scope is not None and not unit_scope.everything:
        qs = qs.filter(in_units_q(unit_scope))
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
    `stuck_minutes` to run (no worker?): (how many, the newest `limit`). For those who act for the whole province
    (the jobs are everyone's: a focal point reads only their units' audit entries); nothing when the tasks run
    inside the request (tests, demo)."""
    if not acts_for_whole_province(actor) or not isinstance(task_backends["default"], DatabaseBackend):
        return 0, []
    now = timezone.now()
    failed = Q(status=TaskResultStatus.FAILED, finished_at__gte=now - dt.timedelta(days=days))
    stuck = Q(status=TaskResultStatus.READY, run_after__lte=now - dt.timedelta(minutes=stuck_minutes))
    qs = DBTaskResult.objects.filter(failed | stuck).defer("args_kwargs", "return_value", "traceback")
    rows = list(qs.order_by("-enqueued_at")[:limit])
    return (len(rows) if len(rows) < limit else qs.count()), rows
