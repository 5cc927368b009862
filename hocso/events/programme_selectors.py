"""Reads about programmes, scoped: a host (administrator or focal point) sees the programmes hosted by units in
their scope; a coordinator those their sites take part in. Also the audience, and who is expected at which site."""

from __future__ import annotations

from collections import defaultdict

from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.scoping import scope_of
from hocso.core.text import search_terms
from hocso.people.models import Learner, LearnerStatus
from hocso.training.models import Certificate

from .models import BridgeSite, Programme, ProgrammeSession, ProgrammeSite, SiteSession
from .webhooks import connections


def programmes_visible(*, actor: Actor | None) -> QuerySet[Programme]:
    scope = scope_of(actor)
    if scope.everything:
        return Programme.objects.all()
    condition = scope.q("host_unit__path")
    if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None):
        condition |= Q(programme_sites__site__coordinators=actor.pk)
    return Programme.objects.filter(condition).distinct()


def programme_list(*, actor: Actor | None, query: str = "") -> QuerySet[Programme]:
    # Counted in subqueries: a coordinator's filter joins the sites, and a Count over that join would count
    # only theirs.
    sessions = ProgrammeSession.objects.filter(programme=OuterRef("pk")).order_by().values("programme")
    sites = ProgrammeSite.objects.filter(programme=OuterRef("pk")).order_by().values("programme")
    qs = programmes_visible(actor=actor).select_related("host_unit").annotate(
        session_count=Coalesce(Subquery(sessions.annotate(n=Count("pk")).values("n")), 0),
        site_count=Coalesce(Subquery(sites.annotate(n=Count("pk")).values("n")), 0))
    for term in search_terms(query):
        qs = qs.filter(search_key__contains=term)
    return qs.order_by("-created_at", "-id")


def programme_get(*, actor: Actor | None, pk: int) -> Programme:
    programme = programmes_visible(actor=actor).select_related("host_unit").filter(pk=pk).first()
    if programme is None:
        raise Http404(_("Programme not found."))
    return programme


def session_get(*, programme: Programme, pk: int) -> ProgrammeSession:
    session = programme.sessions.filter(pk=pk).first()
    if session is None:
        raise Http404(_("Session not found."))
    return session


def programme_sites(programme: Programme, *, coordinator=None) -> list[ProgrammeSite]:
    """The programme's sites; with `coordinator`, only those whose coordinator accounts include them."""
    rows = programme.programme_sites.select_related("site__unit")
    if coordinator is not None:
        rows = rows.filter(site__coordinators=coordinator.pk)
    return list(rows.order_by("site__unit__sort_key", "site__sort_key"))


def programme_site_get(*, programme: Programme, site_pk: int) -> ProgrammeSite:
    found = programme.programme_sites.select_related("site__unit").filter(site_id=site_pk).first()
    if found is None:
        raise Http404(_("This site does not take part in the programme."))
    return found


def audience(programme: Programme) -> QuerySet[Learner]:
    """The people the programme is for: working people of its audience units' subtrees (the host unit's when none
    is named), of its target groups (every group when none is named)."""
    units = list(programme.audience_units.all()) or [programme.host_unit]
    where = Q()
    for unit in units:
        where |= Q(unit__path__startswith=unit.path)
    people = Learner.objects.filter(where, status=LearnerStatus.ACTIVE)
    groups = list(programme.audience_groups.values_list("pk", flat=True))
    return people.filter(target_group_id__in=groups) if groups else people


def _nearest(site_paths: list[str], unit_path: str) -> str | None:
    """The deepest site unit path at or above `unit_path` (site_paths sorted longest first)."""
    return next((path for path in site_paths if unit_path.startswith(path)), None)


def expected_counts(programme: Programme) -> tuple[dict[int, int], int]:
    """{site pk: people expected}, and how many people of the audience no site serves. Each person goes to the site
    of their nearest unit that has one (a school's teachers to the commune's hall unless the school has a site of
    its own); a unit's several sites share its people evenly."""
    sites_by_path: dict[str, list[int]] = defaultdict(list)
    for site_pk, path in programme.programme_sites.order_by("site_id").values_list("site_id", "site__unit__path"):
        sites_by_path[path].append(site_pk)
    site_paths = sorted(sites_by_path, key=len, reverse=True)
    per_path: dict[str, int] = defaultdict(int)
    unassigned = 0
    for unit_path, count in audience(programme).order_by().values("unit__path").annotate(n=Count("id")).values_list(
            "unit__path", "n"):
        nearest = _nearest(site_paths, unit_path or "")
        if nearest is None:
            unassigned += count
        else:
            per_path[nearest] += count
    counts: dict[int, int] = {}
    for path, site_pks in sites_by_path.items():
        share, extra = divmod(per_path.get(path, 0), len(site_pks))
        for index, site_pk in enumerate(site_pks):
            counts[site_pk] = share + (1 if index < extra else 0)
    return counts, unassigned


def site_people(programme: Programme, site: BridgeSite) -> QuerySet[Learner]:
    """The people expected at `site`: the audience in its unit's subtree, less the subtrees of deeper units that
    have a site of their own in the programme."""
    deeper = [path for path in programme.programme_sites.values_list("site__unit__path", flat=True)
              if path != site.unit.path and path.startswith(site.unit.path)]
    people = audience(programme).filter(unit__path__startswith=site.unit.path)
    for path in deeper:
        people = people.exclude(unit__path__startswith=path)
    return people


def readiness_map(session: ProgrammeSession) -> dict[int, SiteSession]:
    return {r.site_id: r for r in session.site_sessions.all()}


def upcoming_for_coordinator(*, user, limit: int = 5) -> list[tuple[ProgrammeSession, ProgrammeSite]]:
    """The next sessions at the sites `user` coordinates (their home page), each with the site's row."""
    rows: dict[int, list[ProgrammeSite]] = defaultdict(list)
    for row in ProgrammeSite.objects.filter(site__coordinators=user.pk).select_related("site"):
        rows[row.programme_id].append(row)
    if not rows:
        return []
    sessions = (ProgrammeSession.objects.filter(programme_id__in=rows, ends_at__gte=timezone.now())
                .select_related("programme").order_by("starts_at", "id")[:limit])
    return [(session, row) for session in sessions for row in rows[session.programme_id]][:limit]


def named_counts(session: ProgrammeSession) -> dict[int, int]:
    """{site pk: people checked in by name} for a session, in one grouped query."""
    return dict(session.check_ins.order_by().values("site_id").annotate(n=Count("id")).values_list("site_id", "n"))


def attendance(named: int, head_count: int | None) -> int:
    """A site's attendance: everyone its coordinator counted in the room, or its named check-ins if more (a walk-in
    counted by head who later checks in by name is one person, not two)."""
    return max(named, head_count or 0)


def board(session: ProgrammeSession) -> dict:
    """The live board of a session: every site's expected, named check-ins, head count and attendance, each unit's
    sums and the totals, in three queries. A site is reporting once it has a check-in or a head count."""
    named = named_counts(session)
    heads = dict(session.site_sessions.exclude(head_count=None).values_list("site_id", "head_count"))
    video, video_total = connections(session)
    sites, units = [], {}
    for row in session.programme.programme_sites.select_related("site__unit").order_by(
            "site__unit__sort_key", "site__sort_key", "site_id"):
        site = row.site
        count, head = named.get(site.pk, 0), heads.get(site.pk)
        item = {"id": site.pk, "name": site.name, "unit": site.unit.name, "expected": row.expected,
                "named": count, "head": head, "attendance": attendance(count, head),
                "reporting": bool(count or head is not None), "video": video.get(site.pk, 0)}
        sites.append(item)
        unit = units.setdefault(site.unit_id, {"unit": site.unit.name, "sites": 0, "reporting": 0, "expected": 0,
                                                "attendance": 0})
        unit["sites"] += 1
        unit["reporting"] += item["reporting"]
        unit["expected"] += item["expected"]
        unit["attendance"] += item["attendance"]
    totals = {"sites": len(sites), "reporting": sum(s["reporting"] for s in sites),
              "expected": sum(s["expected"] for s in sites), "named": sum(s["named"] for s in sites),
              "attendance": sum(s["attendance"] for s in sites), "video": video_total}
    return {"session": session.pk, "totals": totals, "units": list(units.values()), "sites": sites,
            "at": timezone.localtime().isoformat()}


BOARD_SECONDS = 5  # the board's figures are shared by everyone polling it for this long


def shared_board(session: ProgrammeSession) -> dict:
    """`board(session)`, computed at most once every BOARD_SECONDS for everyone polling it (the host's page, the
    wall screen, every site's screen)."""
    key = f"events:board:{session.pk}"
    data = cache.get(key)
    if data is None:
        data = board(session)
        cache.set(key, data, BOARD_SECONDS)
    return data


def published_programmes(*, query: str = "") -> QuerySet[Programme]:
    """Programmes whose hosts published their attendance: for everyone, no sign-in."""
    qs = Programme.objects.filter(published_at__isnull=False).select_related("host_unit")
    for term in search_terms(query):
        qs = qs.filter(search_key__contains=term)
    return qs.order_by("-published_at", "-id")


def published_programme(pk: int) -> Programme:
    programme = published_programmes().filter(pk=pk).first()
    if programme is None:
        raise Http404(_("Programme not found."))
    return programme


def certificates_issued(programme: Programme) -> int:
    """Certificates of participation issued for the programme (training's, found by their source)."""
    return Certificate.objects.filter(source=f"programme:{programme.pk}").count()
