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

from hocso.assessment.models import Quiz
from hocso.core.audit import audit, snapshot
from hocso.identity.scoping import ensure, is_province_admin
from hocso.org.models import TargetGroup, Unit

from .models import Campaign, CampaignUnit, Reminder, Snapshot, SnapshotRow
from .selectors import Status, audience, effective_pass_percent, results_all_units

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
    *, actor, title: str, quiz: Quiz, opens_on: dt.date, closes_on: dt.date, lines: list[AudienceLine],
    target_groups: list[TargetGroup] = (), attempts_allowed: int | None = None, pass_percent: Decimal | None = None,
    reminder_days: int = 3,
) -> Campaign:
    ensure(is_province_admin(actor), _("Only province administrators can create test campaigns."))
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
    *, actor, campaign: Campaign, lines: list[AudienceLine], target_groups: list[TargetGroup] = (), **changes
) -> Campaign:
    ensure(is_province_admin(actor), _("Only province administrators can change test campaigns."))
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
    """E-mail everyone in an open campaign's audience who has not passed yet, once the campaign is within its
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
            .exclude(status=Status.PASSED)
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
def campaign_publish(*, actor, campaign: Campaign) -> Snapshot:
    """Freeze the campaign's current results into a new snapshot version (the older versions stay)."""
    ensure(is_province_admin(actor), _("Only province administrators can publish results."))
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # serialise concurrent publishes
    version = (campaign.snapshots.aggregate(v=Max("version"))["v"] or 0) + 1
    snap = Snapshot.objects.create(
        campaign=campaign, version=version, period=campaign.title, opens_on=campaign.opens_on,
        closes_on=campaign.closes_on, pass_percent=effective_pass_percent(campaign),
        published_by=actor if getattr(actor, "pk", None) else None,
    )
    SnapshotRow.objects.bulk_create(
        SnapshotRow(
            snapshot=snap, unit=r.unit, unit_name=r.unit.name, agency_code=r.unit.code or "",
            admin_unit_code=r.unit.admin_unit_code, parent_unit_id=r.unit.parent_id, path=r.unit.path,
            depth=r.unit.depth, own=r.own.as_dict(), total=r.total.as_dict(),
        )
        for r in results_all_units(campaign)
    )
    audit(actor, "campaign.publish", campaign, extra={"snapshot": snap.pk, "version": version})
    return snap
