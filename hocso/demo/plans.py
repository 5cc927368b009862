"""The demo training plan 2025–2026: targets per year and target group, so the plan dashboard shows progress."""

from __future__ import annotations

from django.db.models import Count

from hocso.org.models import Unit
from hocso.people.models import Learner
from hocso.training.models import TrainingPlan
from hocso.training.plans.services import plan_create

DEMO_PLAN_TITLE = "Kế hoạch bồi dưỡng chuyển đổi số đến năm 2026"
# Targets: this share of each target group's people in the demo province, per year: half of them in 2025 (one
# quarterly test was published that year), everyone by the end of the plan.
TARGET_SHARES = {2025: 0.5, 2026: 1.0}


def seed_plan(*, admin, root: Unit) -> TrainingPlan:
    TrainingPlan.objects.filter(title=DEMO_PLAN_TITLE).delete()
    sizes = (Learner.objects.filter(unit__path__startswith=root.path, target_group__isnull=False)
             .values("target_group_id").annotate(n=Count("pk")).order_by())
    targets = {(year, row["target_group_id"]): max(1, round(row["n"] * share))
               for year, share in TARGET_SHARES.items() for row in sizes}
    return plan_create(
        actor=admin, title=DEMO_PLAN_TITLE, start_year=2025, end_year=2026, targets=targets,
        description="Bồi dưỡng kiến thức, kỹ năng chuyển đổi số cho cán bộ, công chức, viên chức trên địa bàn tỉnh.",
    )
