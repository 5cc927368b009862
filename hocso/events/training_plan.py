"""What an awareness programme adds to the training plan's progress (registered in EventsConfig.ready()): the
people who attended a session of a programme the province counts towards the plan, in the session's year, where
the site they attended lies in the scope (as an attempt counts where it was sat)."""

from __future__ import annotations

from django.db.models import QuerySet

from hocso.core.scoping import UnitScope

from .models import CheckIn, CheckInMethod


def learners_attended(scope: UnitScope, year: int) -> QuerySet:
    # Signed in, or ticked by the site's coordinator: a CCCD or phone number typed on the QR page could be anyone's.
    return (CheckIn.objects.filter(scope.q("site__unit__path"), session__programme__counts_toward_plan=True,
                                   session__starts_at__year=year)
            .exclude(method=CheckInMethod.IDENTITY).values("learner_id"))
