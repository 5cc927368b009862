"""The training plan: achieved figures on a hand-computed fixture, focal point scoping, permissions, the form."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from hocso.assessment.models import Attempt, AttemptState
from hocso.assessment.tests.factories import make_quiz
from hocso.campaigns.models import Campaign, Snapshot
from hocso.core.models import AuditEntry
from hocso.tests.factories import make_learner, target_group
from hocso.training.models import Certificate, PlanTarget, TrainingPlan
from hocso.training.plans.selectors import achieved_counts, plan_progress
from hocso.training.plans.services import plan_create
from hocso.training.tests.factories import make_course

PASSWORD = "mat-khau-demo-2026"
_seq = itertools.count(1)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def certificate(learner, course, day: dt.date, *, revoked: bool = False) -> Certificate:
    return Certificate.objects.create(
        code=f"C{next(_seq):06d}", learner=learner, course=course, learner_name="x", course_title=course.title,
        issued_at=at(day), revoked_at=at(day, 15) if revoked else None,
    )


def attempt(quiz, learner, day: dt.date, *, passed: bool, unit=None) -> Attempt:
    n = next(_seq)
    return Attempt.objects.create(
        quiz=quiz, learner=learner, unit=unit or learner.unit, number=n, token=f"plan-{n}", started_at=at(day),
        submitted_at=at(day, 10), state=AttemptState.GRADED, percent=Decimal(80 if passed else 20), passed=passed,
    )


def campaign(quiz, admin, *, published: bool) -> Campaign:
    c = Campaign.objects.create(title="Quý IV/2026", quiz=quiz, opens_on=dt.date(2026, 10, 1),
                                closes_on=dt.date(2026, 12, 31), created_by=admin)
    if published:
        Snapshot.objects.create(campaign=c, version=1, period=c.title, opens_on=c.opens_on, closes_on=c.closes_on,
                                pass_percent=Decimal(50), published_by=admin)
    return c


@pytest.fixture
def world(province, commune_a, commune_b, school_a, province_admin):
    civil, health = target_group("civil_servants"), target_group("health")
    course = make_course()
    published_quiz, draft_quiz = make_quiz(title="Đợt công bố"), make_quiz(title="Đợt chưa công bố")
    campaign(published_quiz, province_admin, published=True)
    campaign(draft_quiz, province_admin, published=False)
    a1 = make_learner(school_a, "Nguyễn Văn An", target_group=civil)
    a2 = make_learner(commune_a, "Trần Thị Bích", target_group=civil)
    b1 = make_learner(commune_b, "Lê Văn Cường", target_group=health)
    b2 = make_learner(commune_b, "Phạm Thị Dung", target_group=civil)
    b3 = make_learner(commune_b, "Hoàng Văn Em", target_group=health)
    # a1: certificate and a passed campaign attempt in 2026 -> counted once.
    certificate(a1, course, dt.date(2026, 3, 5))
    attempt(published_quiz, a1, dt.date(2026, 11, 2), passed=True)
    # a2: passed a published campaign while working in commune B (the attempt remembers it) -> 2026, unit B.
    attempt(published_quiz, a2, dt.date(2026, 11, 3), passed=True, unit=commune_b)
    # b1: passed an unpublished campaign, revoked certificate -> nothing.
    attempt(draft_quiz, b1, dt.date(2026, 11, 4), passed=True)
    certificate(b1, course, dt.date(2026, 4, 1), revoked=True)
    # b2: certificate in 2025 -> 2025.
    certificate(b2, course, dt.date(2025, 6, 1))
    # b3: failed the campaign; passed the same quiz outside the campaign's dates -> nothing.
    attempt(published_quiz, b3, dt.date(2026, 11, 5), passed=False)
    attempt(published_quiz, b3, dt.date(2026, 5, 5), passed=True)
    plan = plan_create(actor=province_admin, title="Kế hoạch bồi dưỡng chuyển đổi số đến năm 2026",
                       start_year=2025, end_year=2026,
                       targets={(2026, civil.pk): 4, (2026, health.pk): 2, (2025, civil.pk): 1})
    return {"plan": plan, "civil": civil, "health": health}


def cell(progress, year: int, group):
    row = next(r for r in progress.years if r.year == year)
    return next(c for g, c in row.cells if g.pk == group.pk)


def test_achieved_matches_the_hand_computed_fixture(world, province_admin, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        progress = plan_progress(actor=province_admin, plan=world["plan"])
    civil, health = world["civil"], world["health"]
    assert (cell(progress, 2026, civil).target, cell(progress, 2026, civil).achieved) == (4, 2)
    assert cell(progress, 2026, civil).percent == 50
    assert (cell(progress, 2026, health).target, cell(progress, 2026, health).achieved) == (2, 0)
    assert cell(progress, 2025, civil).achieved == 1
    assert cell(progress, 2025, civil).percent == 100
    assert (progress.total.target, progress.total.achieved) == (7, 3)
    assert not progress.scoped


def test_the_plan_total_counts_only_years_with_a_target_and_says_so(world, client, province_admin):
    """A year without a target (2025 here: b2's certificate) is shown but counts towards no rate: the total is
    the people achieved in the targeted years against those targets, and the page says what each figure counts."""
    civil, health = world["civil"], world["health"]
    plan = plan_create(actor=province_admin, title="Kế hoạch chỉ có chỉ tiêu năm 2026", start_year=2025,
                       end_year=2026, targets={(2026, civil.pk): 4, (2026, health.pk): 2})
    progress = plan_progress(actor=province_admin, plan=plan)
    assert cell(progress, 2025, civil).achieved == 1 and cell(progress, 2025, civil).percent is None
    assert (progress.total.achieved, progress.total.target) == (2, 6)  # not 3 / 6: 2025 had no target
    assert progress.total.percent == pytest.approx(33.3)
    assert (progress.targeted_years, progress.untargeted_years) == ([2026], [2025])

    client.cookies["hocso_language"] = "en"
    client.force_login(province_admin)
    html = client.get(reverse("training:plan_progress") + f"?plan={plan.pk}").content.decode()
    assert 'id="plan-total">2 / 6</strong> (33.3%)' in html
    assert "People who achieved in the years with a target (2026)" in html
    assert "No target was set for 2025" in html
    assert "Rate = achieved / target for 2026." in html and "Total 2026" in html


def test_focal_points_see_their_subtree(world, focal_a, focal_b):
    civil = world["civil"]
    a = plan_progress(actor=focal_a, plan=world["plan"])
    b = plan_progress(actor=focal_b, plan=world["plan"])
    # a1 (certificate, current unit in A); a2's attempt was recorded in commune B.
    assert cell(a, 2026, civil).achieved == 1
    assert cell(a, 2025, civil).achieved == 0
    assert cell(b, 2026, civil).achieved == 1
    assert cell(b, 2025, civil).achieved == 1
    assert a.scoped and b.scoped


def test_achieved_counts_is_aggregated(world, django_assert_max_num_queries):
    from hocso.core.scoping import EVERYTHING
    with django_assert_max_num_queries(2):
        counts = achieved_counts(scope=EVERYTHING, years=[2025, 2026])
    assert counts == {(2025, world["civil"].pk): 1, (2026, world["civil"].pk): 2}


def test_dashboard_page_for_admin_and_focal_point(world, client, province_admin, focal_a):
    client.cookies["hocso_language"] = "en"
    client.force_login(province_admin)
    response = client.get(reverse("training:plan_progress"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="plan-total">3 / 7<' in html
    assert "<progress" in html and "style=" not in html.split("<main", 1)[-1]
    assert "How the figures are counted" in html
    assert reverse("training:plan_edit", args=[world["plan"].pk]) in html
    client.force_login(focal_a)
    html = client.get(reverse("training:plan_progress")).content.decode()
    assert 'id="plan-total">1 / 7<' in html
    assert "restricted to the units you manage" in html
    assert reverse("training:plan_edit", args=[world["plan"].pk]) not in html


def test_nav_entry(client, province_admin, learner_user):
    client.force_login(province_admin)
    assert reverse("training:plan_progress") in client.get(reverse("core:home")).content.decode()
    client.force_login(learner_user)
    assert reverse("training:plan_progress") not in client.get(reverse("core:home")).content.decode()


def test_permissions(world, client, learner_user, focal_a):
    plan = world["plan"]
    client.force_login(learner_user)
    assert client.get(reverse("training:plan_progress")).status_code == 403
    assert client.get(reverse("training:plan_create")).status_code == 403
    client.force_login(focal_a)
    assert client.get(reverse("training:plan_create")).status_code == 403
    assert client.post(reverse("training:plan_edit", args=[plan.pk]), {"title": "x"}).status_code == 403
    assert TrainingPlan.objects.get(pk=plan.pk).title != "x"
    client.logout()
    assert client.get(reverse("training:plan_progress")).status_code == 302


def test_form_reports_every_problem_at_once(client, province_admin):
    client.cookies["hocso_language"] = "en"
    client.force_login(province_admin)
    civil = target_group("civil_servants")
    response = client.post(reverse("training:plan_create"), {
        "title": "", "start_year": "2026", "end_year": "2024", f"target_2026_{civil.pk}": "-3",
    })
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"title", "end_year"}
    assert "The end year cannot be before the start year." in form.errors["end_year"]
    assert not TrainingPlan.objects.exists()
    response = client.post(reverse("training:plan_create"), {
        "title": "Kế hoạch 2026", "start_year": "2026", "end_year": "2026", f"target_2026_{civil.pk}": "-3",
    })
    assert f"target_2026_{civil.pk}" in response.context["form"].errors
    assert not TrainingPlan.objects.exists()


def test_create_and_edit_plan_is_audited(client, province_admin):
    client.force_login(province_admin)
    civil = target_group("civil_servants")
    response = client.post(reverse("training:plan_create"), {
        "title": "Kế hoạch bồi dưỡng chuyển đổi số đến năm 2026", "start_year": "2025", "end_year": "2026",
        f"target_2025_{civil.pk}": "10", f"target_2026_{civil.pk}": "20",
    })
    plan = TrainingPlan.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"?plan={plan.pk}")
    assert dict(PlanTarget.objects.values_list("year", "target_count")) == {2025: 10, 2026: 20}
    response = client.post(reverse("training:plan_edit", args=[plan.pk]), {
        "title": "Kế hoạch bồi dưỡng chuyển đổi số đến năm 2026", "start_year": "2026", "end_year": "2026",
        f"target_2026_{civil.pk}": "25",
    })
    assert response.status_code == 302
    assert dict(PlanTarget.objects.values_list("year", "target_count")) == {2026: 25}
    assert list(AuditEntry.objects.filter(action__startswith="training_plan.").values_list("action", flat=True)
                .order_by("pk")) == ["training_plan.create", "training_plan.update"]


def test_demo_seeds_a_plan_with_targets_for_each_year(db):
    from io import StringIO

    from django.core.management import call_command

    from hocso.access.models import Role, RoleAssignment
    from hocso.demo.plans import DEMO_PLAN_TITLE

    call_command("seed_demo", learners=150, stdout=StringIO())
    plan = TrainingPlan.objects.get(title=DEMO_PLAN_TITLE)
    targets = list(plan.targets.all())
    assert targets and {t.year for t in targets} == {2025, 2026}
    assert sum(t.target_count for t in targets) > 0
    admin = RoleAssignment.objects.filter(role=Role.PROVINCE_ADMIN).first().user
    progress = plan_progress(actor=admin, plan=plan)
    for year in (2025, 2026):  # well on the way, not yet there: the plan page has something to say
        total = next(r for r in progress.years if r.year == year).total
        assert 0.5 * total.target < total.achieved < total.target
