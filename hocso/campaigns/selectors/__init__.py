"""Reads for campaigns: who is in the audience and where each person is counted. The results per unit are
`selectors.results`; the published snapshots, public boards and their rows `selectors.boards`.

Audience rule (also shown on the campaign page and in docs/campaigns.md): a person belongs to a campaign's
audience if they had a membership in an audience unit at any time during the window (and are in one of the
campaign's target groups, if any are chosen). Someone who moved during the window is counted once, in the
audience unit of their latest membership that overlaps the window: the unit they belonged to when the window
closed, or, if they left or moved out of the audience before that, the unit they were in when they left.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from hocso.assessment.models import Attempt, AttemptState
from hocso.assessment.quizzes.selectors import audience_overlap_q
from hocso.core.prepared import prepared_cursor
from hocso.core.scoping import UnitScope, scope_of
from hocso.org.models import SEGMENT_WIDTH, Unit
from hocso.people.models import Learner, Membership

from ..models import Campaign, CampaignUnit

STEP = SEGMENT_WIDTH + 1  # characters per level of a unit path
BINS = 10


class Status:
    """Where a person of the audience stands: a grade decides passed/failed; without one, an attempt submitted and
    waiting for an essay to be graded is "awaiting grading", one still open "in progress"."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    AWAITING_GRADING = "awaiting_grading"
    FAILED = "failed"
    PASSED = "passed"
    ALL = (NOT_STARTED, IN_PROGRESS, AWAITING_GRADING, FAILED, PASSED)


# --- campaigns ------------------------------------------------------------------------------------------


def _ancestor_prefixes(path: str) -> list[str]:
    return [path[:i] for i in range(STEP, len(path) + 1, STEP)]


def campaign_scope_q(scope: UnitScope) -> Q:
    """Campaigns whose audience touches the scope: an audience unit inside it, or above it with its subtree."""
    return audience_overlap_q(scope, "audience_units__unit__path", inside=Q(audience_units__excluded=False),
                              above=Q(audience_units__excluded=False, audience_units__include_subtree=True))


def campaigns_visible(*, actor) -> QuerySet[Campaign]:
    scope = scope_of(actor)
    qs = Campaign.objects.all()
    if not scope.everything:
        ids = Campaign.objects.filter(campaign_scope_q(scope)).values("pk")
        qs = qs.filter(pk__in=ids)
    return qs.select_related("quiz")


def campaign_get(*, actor, pk: int) -> Campaign:
    campaign = campaigns_visible(actor=actor).filter(pk=pk).first()
    if campaign is None:
        raise Http404("campaign")
    return campaign


def campaign_lines(campaign: Campaign) -> list[CampaignUnit]:
    return list(campaign.audience_units.select_related("unit").order_by("excluded", "unit__path"))


def effective_pass_percent(campaign: Campaign) -> Decimal:
    return campaign.pass_percent if campaign.pass_percent is not None else campaign.quiz.pass_percent


def effective_attempts(campaign: Campaign) -> int:
    return campaign.attempts_allowed if campaign.attempts_allowed is not None else campaign.quiz.attempts_allowed


def window_bounds(campaign: Campaign) -> tuple[dt.datetime, dt.datetime]:
    """[start of the opening day, start of the day after closing) in the site's time zone."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(campaign.opens_on, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(campaign.closes_on + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def is_open(campaign: Campaign, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return campaign.opens_on <= today <= campaign.closes_on


# --- the audience ---------------------------------------------------------------------------------------


def _audience_unit_q(lines: list[CampaignUnit]) -> Q:
    include = Q(pk__in=[])
    exclude = Q(pk__in=[])
    for line in lines:
        target = Q(unit__path__startswith=line.unit.path) if line.include_subtree else Q(unit_id=line.unit_id)
        if line.excluded:
            exclude |= target
        else:
            include |= target
    return include & ~exclude


def _window_memberships(campaign: Campaign, lines: list[CampaignUnit]) -> QuerySet[Membership]:
    qs = Membership.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=campaign.opens_on),
        start_date__lte=campaign.closes_on,
    ).filter(_audience_unit_q(lines))
    group_ids = [g.pk for g in campaign.target_groups.all()]
    if group_ids:
        qs = qs.filter(learner__target_group_id__in=group_ids)
    return qs


def _attempts(campaign: Campaign) -> QuerySet[Attempt]:
    start, end = window_bounds(campaign)
    return Attempt.objects.filter(
        quiz_id=campaign.quiz_id, learner_id=OuterRef("learner_id"), started_at__gte=start, started_at__lt=end
    )


def _grade_subquery(campaign: Campaign) -> Subquery:
    """The learner's grade for the campaign, by the quiz's grading method, from graded attempts in the window."""
    graded = _attempts(campaign).filter(state=AttemptState.GRADED)
    if campaign.attempts_allowed is not None:
        # The campaign's own limit: only the first N attempts started in the window count.
        start, end = window_bounds(campaign)
        earlier = (
            Attempt.objects.filter(quiz_id=campaign.quiz_id, learner_id=OuterRef("learner_id"),
                                   started_at__gte=start, started_at__lt=end, number__lt=OuterRef("number"))
            .order_by().values("learner_id").annotate(n=Count("pk")).values("n")
        )
        graded = graded.annotate(earlier=Coalesce(Subquery(earlier), 0)).filter(
            earlier__lt=campaign.attempts_allowed)
    method = campaign.quiz.grading_method
    if method == "first":
        return Subquery(graded.order_by("number").values("percent")[:1])
    if method == "last":
        return Subquery(graded.order_by("-number").values("percent")[:1])
    aggregate = Avg("percent") if method == "average" else Max("percent")
    return Subquery(graded.values("learner_id").annotate(g=aggregate).values("g")[:1])


def audience(campaign: Campaign, *, lines: list[CampaignUnit] | None = None) -> QuerySet[Membership]:
    """One Membership row per person in the audience: the one they are counted in, annotated with
    `grade` (percent or None), `started` (any attempt in the window), `awaiting` (a submitted attempt in the window
    waits for grading) and `status`."""
    lines = campaign_lines(campaign) if lines is None else lines
    base = _window_memberships(campaign, lines)
    later = base.filter(learner_id=OuterRef("learner_id")).filter(
        Q(start_date__gt=OuterRef("start_date")) | Q(start_date=OuterRef("start_date"), pk__gt=OuterRef("pk"))
    )
    pass_mark = effective_pass_percent(campaign)
    return (
        base.filter(~Exists(later))
        .annotate(grade=_grade_subquery(campaign), started=Exists(_attempts(campaign)),
                  awaiting=Exists(_attempts(campaign).filter(state=AttemptState.NEEDS_GRADING)))
        .annotate(
            status=Case(
                When(grade__gte=pass_mark, then=Value(Status.PASSED)),
                When(grade__isnull=False, then=Value(Status.FAILED)),
                When(awaiting=True, then=Value(Status.AWAITING_GRADING)),
                When(started=True, then=Value(Status.IN_PROGRESS)),
                default=Value(Status.NOT_STARTED),
                output_field=CharField(),
            )
        )
    )


def in_audience(campaign: Campaign, learner: Learner) -> bool:
    return audience(campaign).filter(learner_id=learner.pk).exists()


def campaign_limit_reached(*, quiz_id: int, learner: Learner, now: dt.datetime) -> Campaign | None:
    """An open campaign on this quiz, with its own attempts limit, that the learner (in its audience) has used
    up: the attempts they started in the campaign's window reached `attempts_allowed`. The start service refuses
    a new attempt then, so the rule shown on the campaign page is the rule the learner meets."""
    today = timezone.localdate(now)
    limited = Campaign.objects.filter(quiz_id=quiz_id, opens_on__lte=today, closes_on__gte=today,
                                      attempts_allowed__isnull=False).select_related("quiz")
    for campaign in limited:
        start, end = window_bounds(campaign)
        used = Attempt.objects.filter(quiz_id=quiz_id, learner_id=learner.pk, started_at__gte=start,
                                      started_at__lt=end).count()
        if used >= campaign.attempts_allowed and in_audience(campaign, learner):
            return campaign
    return None


# Which campaigns are open today (with their quizzes), kept a minute: every learner's home page asks, and on most
# days none is open. Saving a campaign or a quiz forgets the list in this process (`forget_open_campaigns`, connected
# in apps.py); another worker sees the change within the minute. The learner's status is read fresh every time.
OPEN_CACHE_SECONDS = 60
_open_generation = [0]  # bumped by forget_open_campaigns: new keys for everything kept here


def open_campaigns(today: dt.date) -> list[Campaign]:
    key = f"campaigns:open:{_open_generation[0]}:{today.isoformat()}"
    campaigns = cache.get(key)
    if campaigns is None:
        campaigns = list(Campaign.objects.filter(opens_on__lte=today, closes_on__gte=today).select_related("quiz"))
        cache.set(key, campaigns, OPEN_CACHE_SECONDS)
    return campaigns


def forget_open_campaigns(**_kwargs) -> None:
    """A campaign or a quiz was saved or deleted: its dates may open it, its settings change the statements kept
    (a signal receiver). Again once the transaction commits, so a page read meanwhile does not keep the old ones."""

    def forget() -> None:
        _open_generation[0] += 1

    forget()
    transaction.on_commit(forget)


# Where the learner's id goes in a campaign's compiled status statement: a learner id no row has.
_LEARNER_SENTINEL = -7_654_321


def _status_statement(campaign: Campaign) -> tuple[str, list]:
    """The statement giving one learner's status in the campaign (no row: not in its audience), compiled from
    `audience` with a stand-in for the learner's id. Compiling the audience's query cost twenty times the rest
    of a learner's home page, and every learner of an open campaign opens the page on exam day, so the statement
    is kept as long as the list of open campaigns: until a campaign is saved, or a minute. It depends on the
    campaign (dates, lines, groups, limits: all saved with it) and on the quiz's grading, which is in the key."""
    quiz = campaign.quiz
    key = (f"campaigns:status:{_open_generation[0]}:{campaign.pk}:{quiz.pk}:{quiz.grading_method}:"
           f"{quiz.pass_percent}")
    found = cache.get(key)
    if found is None:
        query = audience(campaign).filter(learner_id=_LEARNER_SENTINEL).values("status")[:1].query
        sql, params = query.sql_with_params()
        found = (sql, list(params))
        cache.set(key, found, OPEN_CACHE_SECONDS)
    return found


def open_campaigns_for(*, learner: Learner, today: dt.date | None = None) -> list[tuple[Campaign, str]]:
    """(campaign, status) for the open campaigns whose audience includes the learner: the rule of `audience`, in
    one compiled statement per campaign (see `_status_statement`)."""
    today = today or timezone.localdate()
    result = []
    for campaign in open_campaigns(today):
        sql, params = _status_statement(campaign)
        params = [learner.pk if type(p) is int and p == _LEARNER_SENTINEL else p for p in params]
        with prepared_cursor() as cursor:  # the same text for every learner: planned once per connection
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is not None:
            result.append((campaign, row[0]))
    return result


def follow_up(*, actor, campaign: Campaign, status: str = "", unit: Unit | None = None) -> QuerySet[Membership]:
    """The audience within the actor's scope (and `unit`'s subtree), people sorted by name."""
    qs = audience(campaign).filter(scope_of(actor).q("unit__path"))
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if status in Status.ALL:
        qs = qs.filter(status=status)
    return qs.select_related("learner", "unit", "learner__target_group").order_by("learner__sort_key", "pk")


def campaign_warnings(campaign: Campaign, lines: list[CampaignUnit]) -> list[str]:
    """Settings of the quiz that would stop people in the audience from taking it (the quiz decides who may
    start an attempt; the campaign only counts)."""
    from django.utils.translation import gettext as _

    quiz = campaign.quiz
    warnings = []
    if not quiz.is_published:
        warnings.append(_("The quiz is not published: nobody can take it yet."))
    if quiz.audience_unit_id is not None:
        outside = [line.unit.name for line in lines if not line.excluded
                   and not line.unit.path.startswith(quiz.audience_unit.path)]
        if outside:
            warnings.append(_("The quiz is limited to %(unit)s, so people in %(units)s cannot take it.") % {
                "unit": quiz.audience_unit.name, "units": ", ".join(outside)})
    start, end = window_bounds(campaign)
    if quiz.open_at is not None and quiz.open_at > start:
        warnings.append(_("The quiz opens after the campaign starts."))
    if quiz.close_at is not None and quiz.close_at < end:
        warnings.append(_("The quiz closes before the campaign ends."))
    if not quiz.time_limit_minutes and quiz.close_at is None:
        # Attempts past a deadline are submitted by the overdue worker and before every snapshot; these have none.
        warnings.append(_("The quiz has neither a time limit nor a closing time, so an attempt left open never ends "
                          "by itself: its learner counts as taking part, without a result, until they submit it. "
                          "Give the quiz a time limit or a closing time."))
    return warnings
