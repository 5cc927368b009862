from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

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
