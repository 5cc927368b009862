from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from .actors import Actor
from .audit_actions import in_units_q
from .models import AuditEntry
from .permissions import can_read_audit_log, ensure
from .scoping import UnitScope, scope_of


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
