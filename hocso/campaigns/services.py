"""Writes for campaigns: create/edit (province admins), reminders, publishing. Audited, one transaction each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.assessment.exam.services import submit_overdue_attempts
from hocso.assessment.models import Quiz
from hocso.core.actors import Actor
from hocso.core.audit import audit, snapshot
from hocso.core.permissions import ensure
from hocso.org.models import TargetGroup, Unit

from .disclosure import min_group_size, suppression_masks
from .models import Campaign, CampaignUnit, Reminder, Snapshot, SnapshotRow
from .permissions import can_run_campaigns
from .selectors import Status, audience, effective_pass_percent
from .selectors.results import results_all_units

FIELDS = ["title", "quiz", "opens_on", "closes_on", "attempts_allowed", "pass_percent", "reminder_days"]


@dataclass(frozen=True)
class AudienceLine:
    unit: Unit
    include_subtree: bool = True
    excluded: bool = False


def _validate(campaign: Campaign, lines: list[AudienceLine]) -> None:
    errors: dict[str, list[str]] = {}
    if campaign.opens_on and campaign.closes_on and campaign.closes_on < campaign.opens_on:
        errors.setdefault("closes_on", []).append(_("The campaign must close on or after the day it opens."))
    if not campaign.title.strip():
        errors.setdefault("title", []).append(_("Give the campaign a title."))
    if not any(not line.excluded for line in lines):
        errors.setdefault("units", []).append(_("Choose at least one unit for the audience."))
    units = [line.unit.pk for line in lines]
    if len(units) != len(set(units)):
        errors.setdefault("units", []).append(_("A unit is listed more than once."))
    if campaign.pass_percent is not None and not (Decimal(0) <= campaign.pass_percent <= Decimal(100)):
        errors.setdefault("pass_percent", []).append(_("The pass mark must be between 0 and 100."))
    if errors:
        raise ValidationError(errors)


def _save_lines(campaign: Campaign, lines: list[AudienceLine]) -> None:
    campaign.audience_units.all().delete()
    CampaignUnit.objects.bulk_create(
        CampaignUnit(campaign=campaign, unit=line.unit, include_subtree=line.include_subtree, excluded=line.excluded)
        for line in lines
    )


def _lines_state(campaign: Campaign) -> list:
    return [[u.unit_id, u.include_subtree, u.excluded] for u in campaign.audience_units.order_by("unit_id")]


@transaction.atomic
def campaign_create(
    *, actor: Actor, title: str, quiz: Quiz, opens_on: dt.date, closes_on: dt.date, lines: list[AudienceLine],
    target_groups: list[TargetGroup] = (), attempts_allowed: int | None = None, pass_percent: Decimal | None = None,
    reminder_days: int = 3,
) -> Campaign:
    ensure(can_run_campaigns(actor), _("Only province administrators can create test campaigns."))
    campaign = Campaign(
        title=title.strip(), quiz=quiz, opens_on=opens_on, closes_on=closes_on, attempts_allowed=attempts_allowed,
        pass_percent=pass_percent, reminder_days=reminder_days,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _validate(campaign, lines)
    campaign.save()
    campaign.target_groups.set(target_groups)
    _save_lines(campaign, lines)
    audit(actor, "campaign.create", campaign, after={**snapshot(campaign, FIELDS)},
          extra={"units": _lines_state(campaign), "groups": sorted(g.pk for g in target_groups)})
    return campaign


@transaction.atomic
def campaign_update(
    *, actor: Actor, campaign: Campaign, lines: list[AudienceLine], target_groups: list[TargetGroup] = (), **changes
) -> Campaign:
    ensure(can_run_campaigns(actor), _("Only province administrators can change test campaigns."))
    before = {**snapshot(campaign, FIELDS), "units": _lines_state(campaign),
              "groups": sorted(campaign.target_groups.values_list("pk", flat=True))}
    for name, value in changes.items():
        if name not in FIELDS:
            raise TypeError(name)
        setattr(campaign, name, value.strip() if name == "title" else value)
    _validate(campaign, lines)
    campaign.save()
    campaign.target_groups.set(target_groups)
    _save_lines(campaign, lines)
    after = {**snapshot(campaign, FIELDS), "units": _lines_state(campaign),
             "groups": sorted(g.pk for g in target_groups)}
    audit(actor, "campaign.update", campaign, before=before, after=after)
    return campaign


# --- reminders ------------------------------------------------------------------------------------------


def reminder_kind(days: int) -> str:
    return f"before_close_{days}d"


def send_campaign_reminders(*, today: dt.date | None = None) -> int:
    """E-mail everyone in an open campaign's audience who has not passed yet (nor waits for an essay to be graded),
    once the campaign is within its
    `reminder_days` of closing. A Reminder row is written before each e-mail, so nobody gets the same reminder
    twice even if this runs again or on several workers at once. Returns how many e-mails were sent."""
    today = today or timezone.localdate()
    sent = 0
    campaigns = Campaign.objects.filter(opens_on__lte=today, closes_on__gte=today, reminder_days__gt=0)
    for campaign in campaigns.select_related("quiz"):
        if (campaign.closes_on - today).days > campaign.reminder_days:
            continue
        kind = reminder_kind(campaign.reminder_days)
        done = Reminder.objects.filter(campaign=campaign, kind=kind).values("learner_id")
        rows = (
            audience(campaign)
            .exclude(status__in=[Status.PASSED, Status.AWAITING_GRADING])
            .exclude(learner_id__in=done)
            .exclude(learner__email="")
            .values_list("learner_id", "learner__email", "learner__given_name")
        )
        for learner_id, email, given_name in rows:
            try:
                with transaction.atomic():
                    Reminder.objects.create(campaign=campaign, learner_id=learner_id, kind=kind)
                    send_mail(
                        _("Reminder: %(title)s closes on %(date)s") % {
                            "title": campaign.title, "date": campaign.closes_on.strftime("%d/%m/%Y")},
                        _("Hello %(name)s,\n\nThe test campaign \"%(title)s\" (%(quiz)s) closes on %(date)s and you "
                          "have not passed it yet. Sign in to Học Số to take the test.\n") % {
                            "name": given_name, "title": campaign.title, "quiz": campaign.quiz.title,
                            "date": campaign.closes_on.strftime("%d/%m/%Y")},
                        None,
                        [email],
                    )
            except IntegrityError:
                continue  # another worker got there first
            sent += 1
    return sent


# --- publishing -----------------------------------------------------------------------------------------


@transaction.atomic
def campaign_publish(*, actor: Actor, campaign: Campaign, now: dt.datetime | None = None) -> Snapshot:
    """Freeze the campaign's current results into a new snapshot version (the older versions stay).

    First every attempt at the campaign's quiz whose deadline has passed is submitted and graded as at its deadline
    (what the overdue worker does; the snapshot must not wait for it), so nobody whose time is up counts as still
    sitting the test. The rows store exact figures and, computed once here, which of them every public or keyed
    output withholds (campaigns/disclosure.py)."""
    ensure(can_run_campaigns(actor), _("Only province administrators can publish results."))
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # serialise concurrent publishes
    submitted = submit_overdue_attempts(now=now, quiz_id=campaign.quiz_id, limit=None)
    version = (campaign.snapshots.aggregate(v=Max("version"))["v"] or 0) + 1
    k = min_group_size()
    snap = Snapshot.objects.create(
        campaign=campaign, version=version, period=campaign.title, opens_on=campaign.opens_on,
        closes_on=campaign.closes_on, pass_percent=effective_pass_percent(campaign),
        published_by=actor if getattr(actor, "pk", None) else None, min_group_size=k,
    )
    results = [(r.unit, r.own.as_dict(), r.total.as_dict()) for r in results_all_units(campaign)]
    masks = suppression_masks(((unit.path, own, total) for unit, own, total in results), k)
    SnapshotRow.objects.bulk_create(
        SnapshotRow(
            snapshot=snap, unit=unit, unit_name=unit.name, agency_code=unit.code or "",
            admin_unit_code=unit.admin_unit_code, parent_unit_id=unit.parent_id, path=unit.path,
            depth=unit.depth, own=own, total=total, suppression=masks.get(unit.path, {}),
        )
        for unit, own, total in results
    )
    audit(actor, "campaign.publish", campaign,
          extra={"snapshot": snap.pk, "version": version, "min_group_size": k, "overdue_submitted": submitted})
    return snap


@transaction.atomic
def snapshot_protect(*, snapshot: Snapshot, k: int | None = None) -> bool:
    """Apply the minimum group size `k` (the setting by default) to a published snapshot again: after the setting
    changed (`hocso protect_snapshots`). Only which figures are withheld changes, never the figures. Returns whether
    anything was done."""
    k = k or min_group_size()
    snapshot = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
    if snapshot.min_group_size == k:
        return False
    rows = list(snapshot.rows.only("id", "path", "own", "total"))
    masks = suppression_masks(((r.path, r.own, r.total) for r in rows), k)
    for row in rows:
        row.suppression = masks.get(row.path, {})
    SnapshotRow.objects.bulk_update(rows, ["suppression"], batch_size=500)
    before = snapshot.min_group_size
    snapshot.min_group_size = k
    snapshot.save(update_fields=["min_group_size"])
    audit(None, "campaign.snapshot_protect", snapshot.campaign,
          before={"min_group_size": before}, after={"min_group_size": k}, extra={"snapshot": snapshot.pk})
    return True
