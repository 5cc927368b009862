"""Writes about programmes, their sessions, sites and readiness: keyword-only, transactional, scope-checked,
audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocso.core.actors import Actor
from hocso.core.audit import audit, snapshot
from hocso.core.permissions import ensure
from hocso.core.scoping import acts_for_whole_province, scope_of
from hocso.core.text import normalize, search_key
from hocso.org.models import TargetGroup, Unit
from hocso.training.certificates.services import participation_certificate
from hocso.training.models import Certificate

from .models import BridgeSite, CheckIn, CheckInMethod, Programme, ProgrammeSession, ProgrammeSite, SiteSession
from .permissions import can_act_for_site, can_manage_programme
from .programme_selectors import expected_counts
from .tasks import issue_programme_certificates

NOT_YOURS = gettext_lazy("Only the host unit's focal points and the province administrators manage this programme.")
SESSION_FIELDS = ("title", "topic", "speakers", "starts_at", "ends_at", "meeting_url", "meeting_id", "materials")


@transaction.atomic
def programme_save(*, actor: Actor, programme: Programme | None = None, title: str, description: str = "",
                   host_unit: Unit, audience_units: Iterable[Unit] = (), audience_groups: Iterable[TargetGroup] = (),
                   counts_toward_plan: bool | None = None) -> Programme:
    """Create or edit a programme. `counts_toward_plan` (None: unchanged) is the province administrators' to set:
    whoever attends then counts as trained in the plan's progress."""
    scope = scope_of(actor)
    ensure(scope.covers(host_unit.path), NOT_YOURS)
    if programme is not None:
        ensure(can_manage_programme(actor, programme), NOT_YOURS)
    audience_units = list(audience_units)
    outside = [unit.name for unit in audience_units if not scope.covers(unit.path)]
    if outside:
        raise ValidationError({"audience_units": _("These units are outside your scope: %(units)s.")
                               % {"units": ", ".join(outside)}})
    title = normalize(title)
    if not title:
        raise ValidationError({"title": _("Give the programme a title.")})
    creating = programme is None
    before = snapshot(programme, ("title", "host_unit_id", "counts_toward_plan")) if programme else {}
    programme = programme or Programme(created_by=actor if getattr(actor, "pk", None) else None)
    programme.title, programme.description, programme.host_unit = title, description.strip(), host_unit
    programme.search_key = search_key(title, host_unit.name)
    if counts_toward_plan is not None and counts_toward_plan != programme.counts_toward_plan:
        ensure(acts_for_whole_province(actor),
               _("Only province administrators decide which programmes count towards the training plan."))
        programme.counts_toward_plan = counts_toward_plan
    programme.save()
    programme.audience_units.set(audience_units)
    programme.audience_groups.set(list(audience_groups))
    expected_recompute(programme=programme)
    audit(actor, "programme.create" if creating else "programme.update", programme, before=before,
          after=snapshot(programme, ("title", "host_unit_id", "counts_toward_plan")),
          extra={"audience_units": ", ".join(u.name for u in audience_units)} if audience_units else None)
    return programme


def expected_recompute(*, programme: Programme, actor: Actor | None = None) -> int:
    """Write each site's computed head count from the staff lists as they are now (a coordinator's own figure
    stays); returns how many people of the audience no site serves. With `actor`, a host asked for it: checked
    and audited."""
    if actor is not None:
        ensure(can_manage_programme(actor, programme), NOT_YOURS)
        audit(actor, "programme.expected_recompute", programme)
    counts, unassigned = expected_counts(programme)
    rows = list(programme.programme_sites.all())
    for row in rows:
        row.expected_computed = counts.get(row.site_id, 0)
    ProgrammeSite.objects.bulk_update(rows, ["expected_computed"])
    return unassigned


@transaction.atomic
def programme_sites_add(*, actor: Actor, programme: Programme, sites: Iterable[BridgeSite]) -> int:
    """Add sites (the actor's own, in use) to the programme; returns how many were new."""
    ensure(can_manage_programme(actor, programme), NOT_YOURS)
    scope = scope_of(actor)
    wanted = [site for site in sites if site.is_active and scope.covers(site.unit.path)]
    have = set(programme.programme_sites.values_list("site_id", flat=True))
    new = [ProgrammeSite(programme=programme, site=site) for site in wanted if site.pk not in have]
    ProgrammeSite.objects.bulk_create(new)
    if new:
        expected_recompute(programme=programme)
        audit(actor, "programme.sites_add", programme, extra={"sites": len(new)})
    return len(new)


@transaction.atomic
def programme_site_remove(*, actor: Actor, programme_site: ProgrammeSite) -> None:
    programme = programme_site.programme
    ensure(can_manage_programme(actor, programme), NOT_YOURS)
    audit(actor, "programme.site_remove", programme, extra={"site": programme_site.site.name})
    programme_site.delete()
    expected_recompute(programme=programme)


@transaction.atomic
def expected_set(*, actor: Actor, programme_site: ProgrammeSite, expected: int | None) -> ProgrammeSite:
    """The coordinator's (or a manager's) own head count for the site; None goes back to the computed one."""
    ensure(can_act_for_site(actor, programme_site.site),
           _("Only the site's coordinators and the programme's hosts set its expected head count."))
    if expected is not None and expected < 0:
        raise ValidationError({"expected": _("The head count cannot be negative.")})
    before = programme_site.expected
    programme_site.expected_override = expected
    programme_site.save(update_fields=["expected_override"])
    audit(actor, "programme.expected_set", programme_site.programme,
          extra={"site": programme_site.site.name, "expected": [before, programme_site.expected]})
    return programme_site


@transaction.atomic
def session_save(*, actor: Actor, programme: Programme, session: ProgrammeSession | None = None, title: str,
                 starts_at: dt.datetime, ends_at: dt.datetime, topic: str = "", speakers: str = "",
                 meeting_url: str = "", meeting_id: str = "", materials: str = "") -> ProgrammeSession:
    ensure(can_manage_programme(actor, programme), NOT_YOURS)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A session ends after it starts.")})
    title = normalize(title)
    if not title:
        raise ValidationError({"title": _("Give the session a title.")})
    creating = session is None
    before = snapshot(session, SESSION_FIELDS) if session else {}
    session = session or ProgrammeSession(programme=programme)
    session.title, session.topic, session.speakers = title, topic.strip(), normalize(speakers)
    session.starts_at, session.ends_at = starts_at, ends_at
    session.meeting_url, session.materials = meeting_url.strip(), materials.strip()
    session.meeting_id = meeting_id.strip()
    session.save()
    audit(actor, "programme.session_create" if creating else "programme.session_update", programme,
          before=before, after=snapshot(session, SESSION_FIELDS), extra={"session": session.title})
    return session


READINESS_STEPS = ("connection", "list")


@transaction.atomic
def readiness_confirm(*, actor: Actor, session: ProgrammeSession, site: BridgeSite, step: str,
                      done: bool = True) -> SiteSession:
    """The site's coordinator confirms (or withdraws) a preparation step for a session: the test connection
    ("connection") or the attendee list ("list")."""
    if step not in READINESS_STEPS:
        raise ValidationError(_("Unknown preparation step."))
    ensure(can_act_for_site(actor, site), _("Only the site's coordinators confirm its preparations."))
    if not session.programme.programme_sites.filter(site=site).exists():
        raise ValidationError(_("This site does not take part in the programme."))
    if done and timezone.now() >= session.ends_at:
        raise ValidationError(_("The session is over."))
    readiness, _created = SiteSession.objects.select_for_update().get_or_create(session=session, site=site)
    moment, by = (timezone.now(), actor if getattr(actor, "pk", None) else None) if done else (None, None)
    if step == "connection":
        readiness.connection_tested_at, readiness.connection_tested_by = moment, by
    else:
        readiness.list_confirmed_at, readiness.list_confirmed_by = moment, by
    readiness.save()
    audit(actor, "programme.readiness", session.programme,
          extra={"session": session.title, "site": site.name, "step": step, "done": done})
    return readiness


@transaction.atomic
def programme_publish(*, actor: Actor, programme: Programme, publish: bool) -> Programme:
    """Put the programme's attendance on the public pages (aggregates by unit, small groups withheld), or take it
    off again."""
    ensure(can_manage_programme(actor, programme), NOT_YOURS)
    programme.published_at = timezone.now() if publish else None
    programme.save(update_fields=["published_at"])
    audit(actor, "programme.publish" if publish else "programme.unpublish", programme)
    return programme


def programme_certificates_issue(*, actor: Actor, programme: Programme) -> None:
    """Queue certificates of participation for the programme's attendees (run by a background task once this
    request's transaction commits)."""
    ensure(can_manage_programme(actor, programme), NOT_YOURS)
    audit(actor, "programme.certificates", programme)
    actor_id = getattr(actor, "pk", None)
    transaction.on_commit(lambda: issue_programme_certificates.enqueue(programme.pk, actor_id))


def certificates_run(*, programme: Programme, actor: Actor) -> tuple[int, int]:
    """A certificate of participation (the training certificates' PDF and verification) for everyone who checked in
    by name at an ended session (signed in, or ticked by the site's coordinator: a number typed on the QR page could
    be anyone's), with the hours of the sessions they attended. Returns (issued now, held already); running it again
    issues nothing twice (a task run twice does no harm)."""
    now = timezone.now()
    hours: dict[int, dt.timedelta] = {}
    people: dict[int, object] = {}
    for check_in in (CheckIn.objects.filter(session__programme=programme, session__ends_at__lte=now)
                     .exclude(method=CheckInMethod.IDENTITY).select_related("session", "learner")):
        span = check_in.session.ends_at - check_in.session.starts_at
        hours[check_in.learner_id] = hours.get(check_in.learner_id, dt.timedelta()) + span
        people[check_in.learner_id] = check_in.learner
    source = f"programme:{programme.pk}"
    # Those who hold one already are counted, not asked for again (one query, not one per person).
    holders = set(Certificate.objects.filter(source=source).values_list("learner_id", flat=True))
    held, issued = len(holders & people.keys()), 0
    for learner_id, learner in people.items():
        if learner_id in holders:
            continue
        _certificate, created = participation_certificate(
            actor=actor, learner=learner, source=source, title=programme.title,
            hours=Decimal(hours[learner_id].total_seconds() / 3600).quantize(Decimal("0.1")))
        issued += created
        held += not created
    return issued, held
