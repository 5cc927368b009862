"""Attempts whose time ran out while the learner was away are submitted by the command (or the task)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from hocso.assessment import tasks
from hocso.assessment.exam.services import answer_save, attempt_start
from hocso.assessment.models import Attempt, AttemptState, QuestionType
from hocso.assessment.tests.exam_helpers import make_mixed_quiz
from hocso.assessment.tests.factories import pick


@pytest.fixture
def overdue_and_running(learner_in_a, learner_in_b):
    """One attempt whose time ran out 10 minutes ago (one answer saved in time) and one still running."""
    quiz, _questions = make_mixed_quiz(types=[QuestionType.SINGLE, QuestionType.TRUE_FALSE], time_limit_minutes=30)
    started = timezone.now() - dt.timedelta(minutes=40)
    overdue = attempt_start(learner=learner_in_a, quiz=quiz, now=started)
    answer_save(token=overdue.token, slot=1, response=pick(overdue, 1, "a"), seq=1,
                now=started + dt.timedelta(minutes=5))
    running = attempt_start(learner=learner_in_b, quiz=quiz)
    return overdue, running


def test_command_submits_overdue_attempts_once(overdue_and_running):
    overdue, running = overdue_and_running
    out = StringIO()
    call_command("submit_overdue_attempts", stdout=out)
    assert "Submitted 1 overdue attempt(s)." in out.getvalue()
    overdue.refresh_from_db()
    assert overdue.state == AttemptState.GRADED and overdue.auto_submitted and overdue.score == 1
    assert overdue.submitted_at <= overdue.deadline + dt.timedelta(seconds=5)
    running.refresh_from_db()
    assert running.state == AttemptState.IN_PROGRESS
    # Running it again changes nothing.
    call_command("submit_overdue_attempts", stdout=StringIO())
    assert Attempt.objects.get(pk=overdue.pk).submitted_at == overdue.submitted_at


def test_command_as_a_worker_loops(overdue_and_running, monkeypatch):
    overdue, _running = overdue_and_running
    sleeps = []
    monkeypatch.setattr("time.sleep", sleeps.append)
    call_command("submit_overdue_attempts", every=7, max_rounds=3, stdout=StringIO())
    assert sleeps == [7, 7]  # three rounds, a pause between each
    assert Attempt.objects.get(pk=overdue.pk).state == AttemptState.GRADED


def test_worker_survives_a_failing_round(overdue_and_running, monkeypatch):
    overdue, _running = overdue_and_running
    from hocso.assessment.exam.services import submit_overdue_attempts as real
    from hocso.assessment.management.commands import submit_overdue_attempts as command

    calls = []

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(command, "submit_overdue_attempts", flaky)
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    call_command("submit_overdue_attempts", every=1, max_rounds=2, stdout=StringIO())
    assert len(calls) == 2
    assert Attempt.objects.get(pk=overdue.pk).state == AttemptState.GRADED


def test_task_submits_overdue_attempts(overdue_and_running):
    overdue, _running = overdue_and_running
    result = tasks.submit_overdue_attempts.enqueue()  # the immediate backend runs it here and now
    assert result.return_value == 1
    assert Attempt.objects.get(pk=overdue.pk).state == AttemptState.GRADED


def test_command_batches(overdue_and_running, learner_in_a):
    overdue, _running = overdue_and_running
    out = StringIO()
    call_command("submit_overdue_attempts", batch=1, limit=5, stdout=out)  # a batch of one, then an empty one
    assert "Submitted 1 overdue attempt(s)." in out.getvalue()
    assert Attempt.objects.get(pk=overdue.pk).state == AttemptState.GRADED
