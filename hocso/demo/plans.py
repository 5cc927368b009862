"""The demo training plan: targets for 2026 per target group, so the plan dashboard shows something."""

from __future__ import annotations

from django.db.models import Count

from hocso.org.models import Unit
from hocso.people.models import Learner
from hocso.training.models import TrainingPlan
from hocso.training.plans.services import plan_create

DEMO_PLAN_TITLE = "Kế hoạch bồi dưỡng chuyển đổi số đến năm 2026"
# Targets: this share of each target group's people in the demo province, for 2026.
TARGET_SHARE = 0.6


def seed_plan(*, admin, root: Unit) -> TrainingPlan:
    TrainingPlan.objects.filter(title=DEMO_PLAN_TITLE).delete()
    sizes = (Learner.objects.filter(unit__path__startswith=root.path, target_group__isnull=False)
             .values("target_group_id").annotate(n=Count("pk")).order_by())
    targets = {(2026, row["target_group_id"]): max(1, round(row["n"] * TARGET_SHARE)) for row in sizes}
    return plan_create(
        actor=admin, title=DEMO_PLAN_TITLE, start_year=2025, end_year=2026, targets=targets,
        description="Bồi dưỡng kiến thức, kỹ năng chuyển đổi số cho cán bộ, công chức, viên chức trên địa bàn tỉnh.",
    )
