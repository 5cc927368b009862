"""Fixtures of the home page tests: one small province where every panel has something to show (the province, its
people and one user per role come from the repository's root conftest.py)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from hocso.access.models import Role
from hocso.assessment.models import Attempt, AttemptState, QuestionImport
from hocso.assessment.tests.factories import make_quiz
from hocso.campaigns.services import AudienceLine, campaign_create
from hocso.core.actors import SYSTEM
from hocso.org.models import TargetGroup
from hocso.people.models import ImportJob, ImportJobStatus
from hocso.tests.factories import make_learner, make_user
from hocso.training.classes.services import session_create
from hocso.training.models import Certificate, CourseMode, EnrolmentStatus
from hocso.training.plans.services import plan_create
from hocso.training.tests.factories import enrol, make_class, make_course, make_lesson, make_module


@pytest.fixture(autouse=True)
def fresh_cache():
    """The home page caches its heavier figures: each test starts without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def instructor(db):
    return make_user(Role.INSTRUCTOR, username="giangvien", full_name="Giảng Viên")


def attempt(quiz, learner, *, state: str, percent: int | None = None, number: int = 1, started=None) -> Attempt:
    now = timezone.now()
    graded = state == AttemptState.GRADED
    return Attempt.objects.create(
        quiz=quiz, learner=learner, unit=learner.unit, number=number, token=secrets.token_hex(16), state=state,
        started_at=started or now, submitted_at=now if state != AttemptState.IN_PROGRESS else None,
        percent=Decimal(percent) if graded else None, passed=(percent >= quiz.pass_percent) if graded else None,
        score=Decimal(percent) if graded else None, max_score=Decimal(100),
    )


@dataclass
class World:
    today: dt.date
    campaign: object
    quiz: object
    other_quiz: object
    people: dict
    klass: object
    sessions: dict
    plan: object
    open_attempt: object
    lesson: object
    certificate: object
    people_import: object
    question_import: object


@pytest.fixture
def world(province, commune_a, commune_b, school_a, learner_in_a, learner_in_b, learner_user, focal_a,
          province_admin, instructor) -> World:
    """Commune A: Ánh (the learner, passed), Cường (failed), Lan (not started, joined 5 days ago); commune B: Bình
    (not started). An open campaign on the whole province; a plan for this year (civil servants: target 4, Ánh has a
    certificate: 1 achieved); a class taught by the instructor with a session today and one in three days, Ánh
    enrolled; the instructor's quiz with two graded attempts (one passed) and one waiting for an essay grade."""
    today = timezone.localdate()
    # get_or_create: a browser test's transactional database may have flushed the migrations' target groups.
    civil, _ = TargetGroup.objects.get_or_create(code="civil_servants",
                                                 defaults={"name": "Cán bộ, công chức hành chính"})
    anh = learner_in_a
    anh.target_group = civil
    anh.save(update_fields=["target_group"])
    cuong = make_learner(commune_a, "Lê Văn Cường")
    lan = make_learner(commune_a, "Ngô Thị Lan", start_date=today - dt.timedelta(days=5))
    binh = learner_in_b
    quiz = make_quiz(title="Kiểm tra Quý IV", pass_percent=Decimal(50))
    campaign = campaign_create(actor=SYSTEM, title="Đợt Quý IV", quiz=quiz, opens_on=today - dt.timedelta(days=3),
                               closes_on=today + dt.timedelta(days=10), lines=[AudienceLine(unit=province)])
    attempt(quiz, anh, state=AttemptState.GRADED, percent=80)
    attempt(quiz, cuong, state=AttemptState.GRADED, percent=40)
    # The instructor's own quiz: two graded (one passed) and one waiting for an essay to be graded.
    own_quiz = make_quiz(title="Bài tập soạn thảo văn bản", owner=instructor, pass_percent=Decimal(50))
    attempt(own_quiz, cuong, state=AttemptState.GRADED, percent=70)
    attempt(own_quiz, lan, state=AttemptState.GRADED, percent=30)
    attempt(own_quiz, binh, state=AttemptState.NEEDS_GRADING)
    # Ánh has an attempt open on another published quiz: "Resume".
    other_quiz = make_quiz(title="Luyện tập an toàn thông tin")
    open_attempt = attempt(other_quiz, anh, state=AttemptState.IN_PROGRESS)
    course = make_course("Kỹ năng số cơ bản")
    lesson = make_lesson(make_module(course), title="Bài 1")
    enrol(anh, course, status=EnrolmentStatus.ACTIVE, last_lesson=lesson, last_opened_at=timezone.now())
    klass = make_class(make_course("Kỹ năng số tại lớp", mode=CourseMode.IN_PERSON, self_enrolment=False),
                       name="Lớp kỹ năng số 01", instructors=[instructor], start_date=today,
                       end_date=today + dt.timedelta(days=30))
    enrol(anh, klass.course, klass=klass, status=EnrolmentStatus.ACTIVE)
    sessions = {
        "today": session_create(actor=SYSTEM, klass=klass, title="Buổi 1", date=today, start_time=dt.time(8),
                                end_time=dt.time(11), place="Hội trường xã"),
        "soon": session_create(actor=SYSTEM, klass=klass, title="Buổi 2", date=today + dt.timedelta(days=3),
                               start_time=dt.time(14), end_time=dt.time(16, 30), place="Phòng máy"),
        "later": session_create(actor=SYSTEM, klass=klass, title="Buổi 9", date=today + dt.timedelta(days=20),
                                start_time=dt.time(8), end_time=dt.time(11), place="Nhà văn hoá"),
    }
    done = make_course("An toàn thông tin cơ bản")
    certificate = Certificate.objects.create(code="HS-ABC123", learner=anh, course=done, learner_name=anh.full_name,
                                             course_title=done.title, issued_at=timezone.now())
    plan = plan_create(actor=province_admin, title="Kế hoạch bồi dưỡng 2026–2027", start_year=today.year,
                       end_year=today.year + 1, targets={(today.year, civil.pk): 4})
    people_import = ImportJob.objects.create(created_by=focal_a, file_name="can-bo-dai-phuc.xlsx",
                                             effective_date=today, status=ImportJobStatus.PREVIEW)
    question_import = QuestionImport.objects.create(owner=province_admin, filename="cau-hoi.xml", file_format="moodle")
    return World(today=today, campaign=campaign, quiz=quiz, other_quiz=other_quiz,
                 people={"anh": anh, "cuong": cuong, "lan": lan, "binh": binh}, klass=klass, sessions=sessions,
                 plan=plan, open_attempt=open_attempt, lesson=lesson, certificate=certificate,
                 people_import=people_import, question_import=question_import)
