"""Each role's home page through HTTP: the panels it gets, and their figures checked against the fixture's data
(conftest.py: World)."""

from __future__ import annotations

import re

from django.utils import timezone

from hocso.access.models import Role
from hocso.access.services import role_assign
from hocso.assessment.tests.factories import make_quiz
from hocso.campaigns.services import AudienceLine, campaign_create
from hocso.core.actors import SYSTEM
from hocso.tests.factories import make_user

# A learner's home page (no role, a test open to everyone, no campaign open), the page every learner opens before
# an exam: the session with its account, the account's roles and staff profile (one statement), their quizzes, and
# their courses, sessions and certificates in one statement; which campaigns are open comes from a one-minute cache
# after the first visit. Was 9 (each list of the learning panel its own ORM query, and the open campaigns read on
# every visit), then 6 (the session, the account, its roles and the profile read apart).
LEARNER_HOME = 3


def text(response) -> str:
    """The page's text, tags removed and white space collapsed, so figures can be matched as read."""
    assert response.status_code == 200
    body = response.content.decode()
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", body)


def section(response, panel: str) -> str:
    html = response.content.decode()
    match = re.search(rf'<section class="home-panel" id="panel-{panel}".*?</section>', html, re.S)
    assert match, f"no {panel} panel"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))).replace(" :", ":")


def panels(response) -> list[str]:
    return re.findall(r'<section class="home-panel" id="panel-([a-z]+)"', response.content.decode())


def test_province_admin_home(client, english, world, province_admin, django_assert_max_num_queries):
    client.force_login(province_admin)
    with django_assert_max_num_queries(18):
        response = client.get("/")
    assert panels(response) == ["province", "imports"]
    province = section(response, "province")
    # The plan this year: civil servants 1 achieved (Ánh's certificate) of 4.
    assert f"Training plan, {world.today.year}" in province
    assert re.search(r"Cán bộ, công chức hành chính [^/]* 1 / 4 \(25\.0%\)", province)
    # The open campaign: 4 people in the audience, 2 started (50.0%), 1 of the 2 with a result passed (50.0%).
    assert "Đợt Quý IV" in province
    assert "Participation: 2 of 4 people started the test. Pass rate: 1 of the 2 with a result passed." in province
    assert "Not started: 2" in province and "Failed: 1" in province and "Passed: 1" in province
    # The agencies furthest behind: commune B (nobody started) before commune A (2 of 3).
    behind = province[province.index("Agencies furthest behind"):]
    assert behind.index("Xã Yên Trạch: participation 0.0%") < behind.index("Xã Đại Phúc: participation 66.7%")
    # Sessions in the next two weeks, not the one in 20 days.
    assert "Buổi 1" in province and "Buổi 2" in province and "Buổi 9" not in province
    html = response.content.decode()
    assert f'href="/dao-tao/buoi/{world.sessions["today"].pk}/"' in html
    # Imports: the admin's own question import waits for confirmation; the focal point's staff import is not theirs.
    imports = section(response, "imports")
    assert "cau-hoi.xml" in imports and "can-bo-dai-phuc.xlsx" not in imports
    # A second visit reads the cached figures.
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200


def test_focal_point_home(client, english, world, focal_a, django_assert_max_num_queries):
    client.force_login(focal_a)
    with django_assert_max_num_queries(20):
        response = client.get("/")
    assert panels(response) == ["unit", "imports"]
    unit = section(response, "unit")
    # Their subtree only: Ánh (passed), Cường (failed), Lan (not started); Bình of commune B is not theirs.
    assert "Participation: 2 of 3 people started the test. Pass rate: 1 of the 2 with a result passed." in unit
    assert "Not started: 1" in unit and "Failed: 1" in unit and "In progress: 0" in unit
    follow = unit[unit.index("Not started or not passed"):]
    assert follow.index("Ngô Thị Lan") < follow.index("Lê Văn Cường")
    assert "Dương Văn Bình" not in unit
    # Behind: the commune's own people (Cường failed, Lan not started); the school, where Ánh passed, is not behind.
    behind = unit[unit.index("Units furthest behind"):unit.index("Not started or not passed")]
    assert "Xã Đại Phúc (its own people): participation 50.0%, pass rate 0.0%" in behind
    assert "Trường Tiểu học Đại Phúc" not in behind
    html = response.content.decode()
    follow_up = f"/dot-kiem-tra/{world.campaign.pk}/theo-doi/"
    assert f'href="{follow_up}?status=not_started"' in html
    assert f'href="{follow_up}?status=not_started&amp;format=xlsx"' in html
    # Recent changes: Lan joined five days ago; the people who joined in 2024 are not recent.
    changes = unit[unit.index("Recent changes to your people"):]
    assert "Ngô Thị Lan — Joined: Xã Đại Phúc" in changes and "Lê Văn Cường" not in changes
    # Their units with the people counted in the subtree: Ánh (in the school), Cường, Lan.
    assert re.search(r"Xã Đại Phúc 3 people in this unit and its sub-units", unit)
    # Their own staff import waits for confirmation.
    assert "can-bo-dai-phuc.xlsx" in section(response, "imports")
    assert f'href="/can-bo/nhap/{world.people_import.pk}/"' in html
    # The export and the follow-up list the home page links to answer.
    assert client.get(f"{follow_up}?status=not_started&format=xlsx").status_code == 200


def test_instructor_home(client, english, world, instructor, django_assert_max_num_queries):
    client.force_login(instructor)
    with django_assert_max_num_queries(14):
        response = client.get("/")
    assert panels(response) == ["teaching"]
    teaching = section(response, "teaching")
    today = teaching[teaching.index("Today"):teaching.index("Next sessions")]
    assert "08:00–11:00 Lớp kỹ năng số 01 · Hội trường xã Take attendance" in today
    after = teaching[teaching.index("Next sessions"):teaching.index("Essays waiting")]
    assert "Lớp kỹ năng số 01" in after and "Phòng máy" in after
    assert re.search(r"Bài tập soạn thảo văn bản ?: 1 attempt\b", teaching)
    assert "1 of 2 graded attempts passed" in teaching
    assert "Lớp kỹ năng số 01" in teaching[teaching.index("Your classes"):] and "1 enrolled" in teaching
    html = response.content.decode()
    assert f'href="/dao-tao/buoi/{world.sessions["today"].pk}/"' in html
    quiz = world.campaign.quiz.__class__.objects.get(title="Bài tập soạn thảo văn bản")
    assert f'href="/kiem-tra/de-thi/{quiz.pk}/ket-qua/?state=needs_grading"' in html
    # The campaign's quiz is not theirs.
    assert "Kiểm tra Quý IV" not in teaching


def test_learner_home(client, english, world, learner_user, django_assert_max_num_queries):
    client.force_login(learner_user)
    # Was 20: the learning panel's lists are one statement, the open campaign's status another (11 on this first
    # visit, which also reads the open campaigns and compiles the status; 8 on the next).
    with django_assert_max_num_queries(11):
        response = client.get("/")
    assert panels(response) == ["learning"]
    learning = section(response, "learning")
    html = response.content.decode()
    # Open tests: the campaign's quiz (passed already: no button) and the one with an open attempt (Resume).
    tests = learning[learning.index("Open tests"):learning.index("Courses in progress")]
    assert "Kiểm tra Quý IV (Đợt Quý IV)" in tests
    assert f"Closes on {world.campaign.closes_on:%d/%m/%Y} Passed" in tests
    assert "Luyện tập an toàn thông tin" in tests and "Resume" in tests
    assert f'href="/kiem-tra/bai-lam/{world.open_attempt.pk}/"' in html
    assert f'href="/kiem-tra/{world.quiz.pk}/"' not in html  # passed: nothing to start
    assert "Kỹ năng số cơ bản Continue" in learning
    assert f'href="/dao-tao/bai-hoc/{world.lesson.pk}/"' in html
    sessions = learning[learning.index("Your next sessions"):]
    assert f"{world.sessions['today'].date:%d/%m/%Y} 08:00–11:00 · Lớp kỹ năng số 01" in sessions
    assert "An toàn thông tin cơ bản" in learning and 'href="/dao-tao/chung-chi/HS-ABC123/tai-ve/"' in html
    with django_assert_max_num_queries(8):
        assert section(client.get("/"), "learning") == learning


def test_learner_home_statements(client, english, province, learner_user, django_assert_num_queries):
    quiz = make_quiz(title="Thi đầu giờ")
    client.force_login(learner_user)
    client.get("/")  # the first visit reads which campaigns are open today
    with django_assert_num_queries(LEARNER_HOME):
        response = client.get("/")
    tests = section(response, "learning")
    assert "Thi đầu giờ No deadline Start" in tests
    assert f'href="/kiem-tra/{quiz.pk}/"' in response.content.decode()
    assert "No course in progress." in tests and "No certificate yet." in tests
    # A campaign opened since: the cache is forgotten, so the next visit shows it.
    today = timezone.localdate()
    campaign_create(actor=SYSTEM, title="Đợt thi đầu giờ", quiz=quiz, opens_on=today, closes_on=today,
                    lines=[AudienceLine(unit=province)])
    assert "Thi đầu giờ (Đợt thi đầu giờ)" in section(client.get("/"), "learning")
    # On exam day, with the campaign open: one statement more, the learner's status in it (compiled once).
    with django_assert_num_queries(LEARNER_HOME + 1):
        assert "Thi đầu giờ (Đợt thi đầu giờ) Closes on" in section(client.get("/"), "learning")


def test_learner_start_button_for_an_open_campaign(client, english, world, learner_in_b, django_assert_max_num_queries):
    user = make_user(username="binh")
    learner_in_b.user = user
    learner_in_b.save(update_fields=["user"])
    client.force_login(user)
    response = client.get("/")
    tests = section(response, "learning")
    assert "Kiểm tra Quý IV (Đợt Quý IV)" in tests and "Not started Start" in tests
    assert f'href="/kiem-tra/{world.quiz.pk}/"' in response.content.decode()


def test_coordinator_home_without_a_site_says_whom_to_ask(client, english, commune_a):
    coordinator = make_user(Role.COORDINATOR, commune_a, username="diemcau")
    client.force_login(coordinator)
    response = client.get("/")
    assert panels(response) == ["bridge"]
    bridge = section(response, "bridge")
    assert "Bridge-site coordinator: Xã Đại Phúc" in bridge
    assert "No bridge site lists your account yet" in bridge


def test_each_panel_once_for_several_roles(client, english, world, focal_a, learner_user, province_admin, commune_a):
    # The learner is also a focal point and an instructor: unit, imports, teaching and learning, once each.
    role_assign(actor=province_admin, user=learner_user, role=Role.FOCAL_POINT, unit=commune_a)
    role_assign(actor=province_admin, user=learner_user, role=Role.INSTRUCTOR, unit=commune_a)
    client.force_login(learner_user)
    assert panels(client.get("/")) == ["unit", "imports", "teaching", "learning"]
    # An administrator who is also a focal point sees the province, not the unit panel besides.
    role_assign(actor=SYSTEM, user=province_admin, role=Role.FOCAL_POINT, unit=commune_a)
    client.force_login(province_admin)
    assert panels(client.get("/")) == ["province", "imports"]


def test_no_role_no_profile(client, english, db):
    client.force_login(make_user(username="khach"))
    body = text(client.get("/"))
    assert "not yet linked to a staff profile" in body


def test_failed_background_jobs_for_the_administrator_only(client, english, settings, province_admin, focal_a):
    import datetime as dt

    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    now = timezone.now()
    common = {"args_kwargs": {"args": [], "kwargs": {}}, "backend_name": "default", "exception_class_path": "",
              "traceback": ""}
    DBTaskResult.objects.create(status=TaskResultStatus.FAILED, task_path="hocso.people.tasks.import_preview",
                                run_after=now, finished_at=now - dt.timedelta(hours=2), **common)
    DBTaskResult.objects.create(status=TaskResultStatus.READY, task_path="hocso.campaigns.tasks.send_reminders",
                                run_after=now - dt.timedelta(hours=3), **common)
    DBTaskResult.objects.create(status=TaskResultStatus.FAILED, task_path="hocso.old.task", run_after=now,
                                finished_at=now - dt.timedelta(days=30), **common)  # too old to show
    DBTaskResult.objects.create(status=TaskResultStatus.READY, task_path="hocso.just.queued", run_after=now,
                                **common)  # waiting a moment is normal
    client.force_login(province_admin)
    imports = section(client.get("/"), "imports")
    assert "2 background jobs failed or are waiting for a worker" in imports
    assert "hocso.people.tasks.import_preview" in imports and "hocso.campaigns.tasks.send_reminders" in imports
    assert "hocso.old.task" not in imports and "hocso.just.queued" not in imports
    client.force_login(focal_a)
    assert "No import or background job needs your attention." in section(client.get("/"), "imports")
