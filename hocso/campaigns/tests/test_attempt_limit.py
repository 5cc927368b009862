"""A campaign's rules meet the learner at the start of an attempt: its own attempts limit is enforced by the start
service (over the quiz's own setting), its pass mark decides the campaign status."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from hocso.assessment.exam.errors import ExamError
from hocso.assessment.exam.services import attempt_start, attempt_submit
from hocso.assessment.models import Attempt
from hocso.assessment.tests.factories import make_category, make_question, make_quiz
from hocso.campaigns.selectors import Status, audience
from hocso.campaigns.services import AudienceLine, campaign_create
from hocso.core.actors import SYSTEM

from .helpers import make_attempt


def _today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def quiz(db):
    return make_quiz(questions=[make_question(make_category())], attempts_allowed=3, title="Quý này")


def _campaign(quiz, unit, *, attempts_allowed=1, opens=-5, closes=5, **extra):
    return campaign_create(
        actor=SYSTEM, title="Đợt kiểm tra quý này", quiz=quiz, opens_on=_today() + dt.timedelta(days=opens),
        closes_on=_today() + dt.timedelta(days=closes), lines=[AudienceLine(unit=unit)],
        attempts_allowed=attempts_allowed, **extra,
    )


def _take(quiz, learner) -> Attempt:
    attempt = attempt_start(learner=learner, quiz=quiz)
    attempt_submit(attempt=attempt)
    return attempt


def test_campaign_limit_below_the_quiz_is_enforced_at_start(quiz, province, learner_in_a):
    _campaign(quiz, province, attempts_allowed=1)
    assert _take(quiz, learner_in_a).number == 1
    with translation.override("en"), pytest.raises(ExamError) as refused:
        attempt_start(learner=learner_in_a, quiz=quiz)
    assert refused.value.code == "campaign_attempts_used"
    assert "Đợt kiểm tra quý này" in refused.value.message
    assert refused.value.message.startswith("You have used the 1 attempt the test campaign")
    assert Attempt.objects.filter(quiz=quiz, learner=learner_in_a).count() == 1


def test_refusal_reaches_the_learner_on_the_page_and_in_the_api(quiz, province, learner_in_a, learner_user,
                                                                  client):
    _campaign(quiz, province, attempts_allowed=1)
    _take(quiz, learner_in_a)
    client.cookies["hocso_language"] = "en"
    client.force_login(learner_user)
    response = client.post(f"/kiem-tra/{quiz.pk}/bat-dau/", follow=True)
    assert response.redirect_chain[-1][0] == f"/kiem-tra/{quiz.pk}/"
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1 and "You have used the 1 attempt the test campaign" in shown[0]
    api = client.post(f"/api/v1/me/quizzes/{quiz.pk}/attempts", "{}", content_type="application/json")
    assert api.status_code == 409
    assert api.json()["error"]["code"] == "campaign_attempts_used"
    assert "Đợt kiểm tra quý này" in api.json()["error"]["message"]
    assert Attempt.objects.filter(quiz=quiz, learner=learner_in_a).count() == 1


def test_two_allowed_means_two(quiz, province, learner_in_a):
    _campaign(quiz, province, attempts_allowed=2)
    _take(quiz, learner_in_a)
    assert _take(quiz, learner_in_a).number == 2
    with translation.override("en"), pytest.raises(ExamError) as refused:
        attempt_start(learner=learner_in_a, quiz=quiz)
    assert refused.value.code == "campaign_attempts_used"
    assert refused.value.message.startswith("You have used all 2 attempts the test campaign")


def test_attempts_before_the_window_do_not_use_up_the_campaign(quiz, province, learner_in_a):
    make_attempt(quiz, learner_in_a, percent=30, day=_today() - dt.timedelta(days=30))  # attempt 1, last month
    _campaign(quiz, province, attempts_allowed=1)
    assert _take(quiz, learner_in_a).number == 2  # the campaign's one attempt
    with pytest.raises(ExamError) as refused:
        attempt_start(learner=learner_in_a, quiz=quiz)
    assert refused.value.code == "campaign_attempts_used"


def test_people_outside_the_audience_keep_the_quiz_setting(quiz, commune_b, learner_in_a):
    _campaign(quiz, commune_b, attempts_allowed=1)  # learner_in_a is in commune A
    _take(quiz, learner_in_a)
    assert _take(quiz, learner_in_a).number == 2


def test_closed_campaign_no_longer_limits(quiz, province, learner_in_a):
    _campaign(quiz, province, attempts_allowed=1, opens=-40, closes=-10)
    _take(quiz, learner_in_a)
    assert _take(quiz, learner_in_a).number == 2


def test_without_its_own_limit_the_quiz_setting_stops_a_campaign_learner(province, learner_in_a):
    quiz = make_quiz(questions=[make_question(make_category())], attempts_allowed=1)
    campaign = _campaign(quiz, province, attempts_allowed=None)
    _take(quiz, learner_in_a)
    with pytest.raises(ExamError) as refused:
        attempt_start(learner=learner_in_a, quiz=quiz)
    assert refused.value.code == "no_attempts_left"
    assert audience(campaign).get(learner_id=learner_in_a.pk).status == Status.FAILED  # 0 % on an empty paper


def test_campaign_pass_mark_decides_the_status_not_the_quiz_one(province, learner_in_a):
    quiz = make_quiz(pass_percent=Decimal(50))
    attempt = make_attempt(quiz, learner_in_a, percent=60, day=_today())
    assert attempt.passed is True  # by the quiz's mark
    strict = _campaign(quiz, province, attempts_allowed=None, pass_percent=Decimal(70))
    assert audience(strict).get(learner_id=learner_in_a.pk).status == Status.FAILED
    strict.pass_percent = None  # empty: the quiz's mark
    strict.save(update_fields=["pass_percent"])
    assert audience(strict).get(learner_id=learner_in_a.pk).status == Status.PASSED
