"""Writes for the training plan and its targets: province administrators only, one transaction, audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.audit import audit, snapshot
from hocso.core.permissions import ensure
from hocso.org.models import TargetGroup

from ..models import PlanTarget, TrainingPlan
from ..permissions import can_edit_plans

PLAN_FIELDS = ["title", "start_year", "end_year", "description"]
# Plans are multi-year documents; anything outside this range is a typing mistake.
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_PLAN_YEARS = 10


def _ensure_admin(actor: Actor) -> None:
    ensure(can_edit_plans(actor), _("Only province administrators can change training plans."))


def validate_plan(*, title: str, start_year: int | None, end_year: int | None,
              targets: dict[tuple[int, int], int]) -> dict[str, list[str]]:
    """Every problem at once, keyed by field name."""
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors.setdefault("title", []).append(_("Enter a title."))
    for name, year in (("start_year", start_year), ("end_year", end_year)):
        if year is None:
            errors.setdefault(name, []).append(_("Enter a year."))
        elif not MIN_YEAR <= year <= MAX_YEAR:
            errors.setdefault(name, []).append(
                _("Enter a year between %(first)s and %(last)s.") % {"first": MIN_YEAR, "last": MAX_YEAR})
    if start_year is not None and end_year is not None and "start_year" not in errors and "end_year" not in errors:
        if end_year < start_year:
            errors.setdefault("end_year", []).append(_("The end year cannot be before the start year."))
        elif end_year - start_year + 1 > MAX_PLAN_YEARS:
            errors.setdefault("end_year", []).append(
                _("A plan covers at most %(count)s years.") % {"count": MAX_PLAN_YEARS})
    for (year, _group_id), count in targets.items():
        if count is not None and count < 0:
            errors.setdefault(f"target_{year}_{_group_id}", []).append(_("A target cannot be negative."))
        if start_year is not None and end_year is not None and not start_year <= year <= end_year and count:
            errors.setdefault("__all__", []).append(
                _("Year %(year)s is outside the plan's years.") % {"year": year})
    return errors


def _write_targets(plan: TrainingPlan, targets: dict[tuple[int, int], int]) -> None:
    """Replace the plan's targets; years outside the plan and empty or zero targets are dropped."""
    group_ids = set(TargetGroup.objects.filter(pk__in={g for _y, g in targets}).values_list("pk", flat=True))
    plan.targets.all().delete()
    PlanTarget.objects.bulk_create([
        PlanTarget(plan=plan, year=year, target_group_id=group_id, target_count=count)
        for (year, group_id), count in sorted(targets.items())
        if count and group_id in group_ids and plan.start_year <= year <= plan.end_year
    ])


def _target_map(plan: TrainingPlan) -> dict[str, int]:
    return {f"{t.year}/{t.target_group_id}": t.target_count for t in plan.targets.all()}


@transaction.atomic
def plan_create(*, actor: Actor, title: str, start_year: int | None, end_year: int | None, description: str = "",
                targets: dict[tuple[int, int], int] | None = None) -> TrainingPlan:
    _ensure_admin(actor)
    targets = targets or {}
    errors = validate_plan(title=title, start_year=start_year, end_year=end_year, targets=targets)
    if errors:
        raise ValidationError(errors)
    plan = TrainingPlan.objects.create(title=title.strip(), start_year=start_year, end_year=end_year,
                                       description=description.strip())
    _write_targets(plan, targets)
    audit(actor, "training_plan.create", plan, after={**snapshot(plan, PLAN_FIELDS), "targets": _target_map(plan)})
    return plan


@transaction.atomic
def plan_update(*, actor: Actor, plan: TrainingPlan, title: str, start_year: int | None, end_year: int | None,
                description: str = "", targets: dict[tuple[int, int], int] | None = None) -> TrainingPlan:
    _ensure_admin(actor)
    targets = targets or {}
    errors = validate_plan(title=title, start_year=start_year, end_year=end_year, targets=targets)
    if errors:
        raise ValidationError(errors)
    plan = TrainingPlan.objects.select_for_update().get(pk=plan.pk)
    before = {**snapshot(plan, PLAN_FIELDS), "targets": _target_map(plan)}
    plan.title, plan.start_year, plan.end_year = title.strip(), start_year, end_year
    plan.description = description.strip()
    plan.save()
    _write_targets(plan, targets)
    audit(actor, "training_plan.update", plan, before=before,
          after={**snapshot(plan, PLAN_FIELDS), "targets": _target_map(plan)})
    return plan
