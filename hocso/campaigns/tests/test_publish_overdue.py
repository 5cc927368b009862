"""Figures that mean what they say: nobody whose time is up counts as still sitting the test in a snapshot.

Attempts are started through the real service (`attempt_start`); no answer is saved, so each is graded 0 % when
it is submitted (the option identifiers of the answer save are another part of issue 11 and stay out of this).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from hocso.assessment.exam.services import attempt_start
from hocso.assessment.models import Attempt, AttemptState
from hocso.assessment.tests.factories import make_category, make_question, make_quiz
from hocso.campaigns.selectors import Status, audience, campaign_lines, campaign_warnings
from hocso.campaigns.services import AudienceLine, campaign_create, campaign_publish
from hocso.core.actors import SYSTEM
from hocso.core.models import AuditEntry
from hocso.tests.factories import make_learner

GRACE = dt.timedelta(seconds=5)


def local(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def window():
    """A campaign window that closed last week."""
    closes = timezone.localdate() - dt.timedelta(days=7)
    return closes - dt.timedelta(days=14), closes


def make_campaign(province, window, **quiz_fields):
    category = make_category()
    questions = [make_question(category, name=f"Câu {i}") for i in range(3)]
    quiz = make_quiz(questions=questions, pass_percent=Decimal(50), **quiz_fields)
    opens, closes = window
    return campaign_create(actor=SYSTEM, title="Quý IV/2026", quiz=quiz, opens_on=opens, closes_on=closes,
                           lines=[AudienceLine(unit=province)])


def test_publishing_submits_attempts_past_their_deadline_as_at_the_deadline(province, commune_a, province_admin,
                                                                           window, exact_figures):
    """The learner started a 30-minute attempt in the window and closed the tab; no worker has run since. The
    snapshot submits and grades it as at its deadline first: a result (0 %, failed), not "in progress"."""
    campaign = make_campaign(province, window, time_limit_minutes=30)
    learner = make_learner(commune_a, "Lý Thị Mai")
    started = local(window[0], 9)
    attempt = attempt_start(learner=learner, quiz=campaign.quiz, now=started)
    assert attempt.deadline == started + dt.timedelta(minutes=30)

    snap = campaign_publish(actor=province_admin, campaign=campaign)

    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED and attempt.auto_submitted
    assert attempt.submitted_at == attempt.deadline + GRACE  # as at the deadline (the save grace), not now
    assert dict(audience(campaign).values_list("learner_id", "status"))[learner.pk] == Status.FAILED
    total = snap.rows.get(unit=province).total
    assert (total["participants"], total["graded"], total["passed"], total["pass_rate"]) == (1, 1, 0, 0.0)
    entry = AuditEntry.objects.get(action="campaign.publish", object_id=str(campaign.pk))
    assert entry.changes["overdue_submitted"] == 1


def test_an_attempt_still_within_its_time_is_left_alone_and_in_no_pass_rate(province, commune_a, province_admin,
                                                                           exact_figures):
    """Publishing an open campaign: someone sitting the test right now keeps their attempt; they take part, but
    are neither a pass nor a fail."""
    today = timezone.localdate()
    campaign = make_campaign(province, (today - dt.timedelta(days=3), today + dt.timedelta(days=3)),
                             time_limit_minutes=60)
    learner = make_learner(commune_a, "Lý Thị Mai")
    attempt = attempt_start(learner=learner, quiz=campaign.quiz, now=timezone.now() - dt.timedelta(minutes=10))

    total = campaign_publish(actor=province_admin, campaign=campaign).rows.get(unit=province).total

    assert Attempt.objects.get(pk=attempt.pk).state == AttemptState.IN_PROGRESS
    assert (total["participants"], total["graded"], total["pass_rate"]) == (1, 0, None)


def test_an_attempt_without_a_deadline_stays_open_and_the_campaign_page_warns(client, province, commune_a,
                                                                            province_admin, window, exact_figures):
    """A quiz with neither a time limit nor a closing time gives attempts no deadline. Publishing does not end such
    an attempt (the quiz may still be open to the learner); it counts as taking part without a result, and the
    campaign page says so before anyone publishes."""
    campaign = make_campaign(province, window)
    learner = make_learner(commune_a, "Lý Thị Mai")
    attempt = attempt_start(learner=learner, quiz=campaign.quiz, now=local(window[0], 9))
    assert attempt.deadline is None
    with translation.override("en"):
        warnings = campaign_warnings(campaign, campaign_lines(campaign))
    assert any("neither a time limit nor a closing time" in w for w in warnings)

    total = campaign_publish(actor=province_admin, campaign=campaign).rows.get(unit=province).total

    assert Attempt.objects.get(pk=attempt.pk).state == AttemptState.IN_PROGRESS
    assert (total["participants"], total["graded"], total["pass_rate"]) == (1, 0, None)
    client.force_login(province_admin)
    client.cookies["hocso_language"] = "en"
    assert "neither a time limit nor a closing time" in client.get(f"/dot-kiem-tra/{campaign.pk}/").content.decode()


def test_only_the_campaigns_quiz_is_touched(province, commune_a, province_admin, window, exact_figures):
    campaign = make_campaign(province, window, time_limit_minutes=30)
    other_quiz = make_quiz(questions=[make_question(make_category("Khác"))], time_limit_minutes=30)
    learner = make_learner(commune_a, "Lý Thị Mai")
    other = attempt_start(learner=learner, quiz=other_quiz, now=local(window[0], 9))
    campaign_publish(actor=province_admin, campaign=campaign)
    assert Attempt.objects.get(pk=other.pk).state == AttemptState.IN_PROGRESS  # the worker's job, not publishing's
