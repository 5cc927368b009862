"""Exam day in small (bench/exam_day/run.py runs it at province size): a few dozen learners through real HTTP —
quiz page, start answered with the exam page, answers with retries and late arrivals, a lost connection and a
reload, most submit, the rest are submitted by the overdue worker at the deadline — then the checks the bench
makes: every acknowledged answer stored with its latest sequence number, every attempt graded, none graded twice.
And the exact statement counts of start, submit and the deadline's submission of many attempts."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hocso.assessment.exam.deadlines import grace
from hocso.assessment.exam.draw import forget_blueprints
from hocso.assessment.exam.services import answer_save, attempt_start, submit_overdue_attempts
from hocso.assessment.models import Answer, Attempt, AttemptState
from hocso.assessment.tests.exam_helpers import config_of
from hocso.assessment.tests.factories import make_category, make_question, make_quiz, pick
from hocso.tests.factories import make_learner, make_user

SAVE_URL = "/kiem-tra/luu-cau-tra-loi/"
SUBMIT_URL = "/kiem-tra/nop-bai/"
LEARNERS = 24
QUESTIONS = 6


@pytest.fixture
def exam(db, school_a):
    """A quiz drawing 6 of 8 single-choice questions (option "a" right), closing in an hour, and 24 learners."""
    category = make_category("Ngày thi")
    for n in range(8):
        make_question(category, name=f"Câu {n}")
    quiz = make_quiz(random_from=category, random_count=QUESTIONS, title="Kiểm tra cả tỉnh",
                     close_at=timezone.now() + dt.timedelta(hours=1))
    users = []
    for n in range(LEARNERS):
        learner = make_learner(school_a, f"Học Viên {n}")
        learner.user = make_user(username=f"thi{n:02d}")
        learner.save(update_fields=["user"])
        users.append(learner.user)
    return quiz, users


def _start(client, quiz) -> tuple[Attempt, str]:
    assert client.get(f"/kiem-tra/{quiz.pk}/").status_code == 200
    response = client.post(f"/kiem-tra/{quiz.pk}/bat-dau/")
    assert response.status_code == 200
    config = config_of(response.content.decode())
    attempt = Attempt.objects.get(pk=re.fullmatch(r"/kiem-tra/bai-lam/(\d+)/", config["url"]).group(1))
    return attempt, config["token"]


def _save(client, token, slot, response, seq):
    return client.post(SAVE_URL, {"slot": slot, "seq": seq, "response": response}, content_type="application/json",
                       HTTP_X_ATTEMPT_TOKEN=token)


def test_exam_day_in_small(client, exam, monkeypatch):
    quiz, users = exam
    acked: dict[tuple[int, int], tuple[int, dict]] = {}  # (attempt, slot) → latest acknowledged seq and answer
    submitted, left_open = [], []
    for n, user in enumerate(users):
        client.force_login(user)
        attempt, token = _start(client, quiz)
        seq = 0
        # Learner n answers n % 7 questions right (at most 6), some twice (a changed mind).
        for slot in range(1, QUESTIONS + 1):
            for option in (("b", "a") if slot % 3 == 0 else ("a",)) if slot <= n % 7 else ("c",):
                seq += 1
                answer = pick(attempt, slot, option)
                response = _save(client, token, slot, answer, seq)
                assert response.status_code == 200 and response.json()["seq"] == seq
                acked[(attempt.pk, slot)] = (seq, answer)
            if n % 5 == 0 and slot == 3:
                # The connection drops; the learner reloads the exam page: same token, answers shown as saved.
                page = client.get(f"/kiem-tra/bai-lam/{attempt.pk}/")
                assert page.status_code == 200 and config_of(page.content.decode())["token"] == token
                assert page.content.decode().count('data-state="saved"') == 3
                # A save sent before the drop arrives late, with an older number: acknowledged, not written.
                late = _save(client, token, 1, pick(attempt, 1, "c"), 1)
                assert late.status_code == 200 and late.json()["seq"] == acked[(attempt.pk, 1)][0]
        if n % 3:
            # As the page's script submits (by the token); every fourth by the form, as without the script.
            if n % 4:
                response = client.post(SUBMIT_URL, {"pending": []}, content_type="application/json",
                                       HTTP_X_ATTEMPT_TOKEN=token)
            else:
                response = client.post(f"/kiem-tra/bai-lam/{attempt.pk}/nop-bai/", {"pending": "[]"},
                                       HTTP_ACCEPT="application/json")
            assert response.json()["ok"] is True
            submitted.append(attempt.pk)
        else:
            left_open.append(attempt.pk)
    assert len(submitted) == 16 and len(left_open) == 8

    # The deadline passes (plus the grace for answers on their way): saves are refused, the worker submits the rest.
    later = quiz.close_at + dt.timedelta(seconds=30)
    monkeypatch.setattr(timezone, "now", lambda: later)
    late = Attempt.objects.get(pk=left_open[0])
    assert _save(client, late.token, 1, pick(late, 1, "a"), 99).status_code == 409
    out = StringIO()
    call_command("submit_overdue_attempts", stdout=out)
    assert out.getvalue().strip() == "Submitted 8 overdue attempt(s)."

    stored = {(a, s): (q, r) for a, s, q, r in
              Answer.objects.filter(attempt__quiz=quiz).values_list("attempt_id", "slot", "seq", "response")}
    assert stored == acked  # every acknowledged answer, with its latest number; nothing else
    attempts = {a.pk: a for a in Attempt.objects.filter(quiz=quiz)}
    assert len(attempts) == LEARNERS
    assert all(a.state == AttemptState.GRADED for a in attempts.values())
    assert sorted(pk for pk, a in attempts.items() if a.auto_submitted) == sorted(left_open)
    for pk in left_open:
        # Graded as at the deadline (plus the grace for answers on their way), not as when the worker ran.
        assert attempts[pk].submitted_at == quiz.close_at + grace()
    for n, user in enumerate(users):
        attempt = next(a for a in attempts.values() if a.learner.user_id == user.pk)
        assert attempt.score == Decimal(min(n % 7, QUESTIONS)), n

    # A second round, and a learner's own submit arriving after the server's, grade nothing again.
    graded = {pk: (a.submitted_at, a.score, a.percent, a.auto_submitted) for pk, a in attempts.items()}
    with CaptureQueriesContext(connection) as queries:
        out = StringIO()
        call_command("submit_overdue_attempts", stdout=out)
        client.force_login(Attempt.objects.get(pk=left_open[0]).learner.user)
        response = client.post(f"/kiem-tra/bai-lam/{left_open[0]}/nop-bai/", {"pending": "[]"},
                               HTTP_ACCEPT="application/json")
    assert out.getvalue() == "" and response.json()["ok"] is True
    assert not [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")
                and "assessment_" in q["sql"]]
    assert {a.pk: (a.submitted_at, a.score, a.percent, a.auto_submitted)
            for a in Attempt.objects.filter(quiz=quiz)} == graded


# --- exact statement counts ----------------------------------------------------------------------------------


def test_start_costs_a_fixed_number_of_statements(client, exam, django_assert_num_queries):
    """The start button's POST, answered with the exam page: the first start of the minute reads the blueprint,
    the next ones take it from the cache."""
    quiz, users = exam
    forget_blueprints()
    client.force_login(users[0])
    with django_assert_num_queries(START_COLD - one_start_write()):
        assert client.post(f"/kiem-tra/{quiz.pk}/bat-dau/").status_code == 200
    client.force_login(users[1])
    with django_assert_num_queries(START_WARM - one_start_write()):
        assert client.post(f"/kiem-tra/{quiz.pk}/bat-dau/").status_code == 200


def test_submit_costs_a_fixed_number_of_statements_whatever_the_paper(client, exam, django_assert_num_queries):
    quiz, users = exam
    category = make_category("Đề dài")
    for n in range(30):
        make_question(category, name=f"Dài {n}")
    long_quiz = make_quiz(random_from=category, random_count=30, title="Đề dài")
    for user, target in ((users[0], quiz), (users[1], long_quiz)):
        client.force_login(user)
        attempt, token = _start(client, target)
        for slot in range(1, 4):
            assert _save(client, token, slot, pick(attempt, slot, "a"), slot).status_code == 200
        with django_assert_num_queries(SUBMIT - one_write()):
            response = client.post(f"/kiem-tra/bai-lam/{attempt.pk}/nop-bai/", {"pending": "[]"},
                                   HTTP_ACCEPT="application/json")
        assert response.json()["ok"] is True
        assert Attempt.objects.get(pk=attempt.pk).score == 3


def test_the_scripts_submit_reads_no_session_and_no_account(client, exam, django_assert_num_queries):
    """The exam page's script submits with the attempt's token, as it saves: two statements fewer than the form."""
    quiz, users = exam
    client.force_login(users[0])
    attempt, token = _start(client, quiz)
    assert _save(client, token, 1, pick(attempt, 1, "a"), 1).status_code == 200
    client.logout()  # no session at all: the token is the authority
    pending = [{"slot": 2, "seq": 1, "response": pick(attempt, 2, "a")}]
    with django_assert_num_queries(SUBMIT_BY_TOKEN - one_write()):
        response = client.post(SUBMIT_URL, {"pending": pending}, content_type="application/json",
                               HTTP_X_ATTEMPT_TOKEN=token)
    assert response.json() == {"ok": True, "state": AttemptState.GRADED,
                               "result_url": f"/kiem-tra/bai-lam/{attempt.pk}/ket-qua/"}
    assert Attempt.objects.get(pk=attempt.pk).score == 2  # the pending answer came along


@pytest.mark.parametrize("count", [5, 20])
def test_deadline_submission_of_many_attempts(exam, count, django_assert_num_queries):
    """The overdue worker's round at the deadline: attempts left open by `count` learners, each with two answers."""
    quiz, users = exam
    for user in users[:count]:
        attempt = attempt_start(learner=user.learner, quiz=quiz)
        for slot in (1, 2):
            answer_save(token=attempt.token, slot=slot, response=pick(attempt, slot, "a"), seq=slot)
    later = quiz.close_at + dt.timedelta(seconds=30)
    with django_assert_num_queries(DEADLINE_BATCH - one_write()):
        assert submit_overdue_attempts(now=later) == count
    assert set(Attempt.objects.filter(quiz=quiz).values_list("state", "score")) == {(AttemptState.GRADED, 2)}


# Statements, as measured on 2026-12-07 (SQLite; the same on PostgreSQL). A change that lowers one updates it here.
# Start, first of the minute: the session with its account (one statement since issue 14's third round), the
# learner with the quiz row (audience, attempts, window) and the newest question version's id (one statement,
# likewise), then the blueprint (slots,
# candidates, versions: cached for a minute per worker), savepoint, attempt insert, paper insert (one statement for
# the 30 rows), release. The page itself is built from the draw: no read-back. PostgreSQL writes the attempt and
# its paper in one statement that needs no savepoint (one_start_write).
START_COLD = 9
START_WARM = 6  # the same without the three blueprint reads
# Submit: the session with its account, savepoint, the attempt locked with its learner and quiz (one statement),
# the paper with its answers, the question versions (cached per process once read), the graded questions' UPDATE,
# the attempt's UPDATE, release: 8 for 6 questions as for 30. PostgreSQL writes both UPDATEs as one statement.
SUBMIT = 8
# The script's submit by the attempt's token: the same without the session, plus the pending answer's save.
SUBMIT_BY_TOKEN = SUBMIT - 1 + 1
# The deadline's round, per batch of up to 200 attempts (the same 7 for 5 attempts as for 20): savepoint, the overdue
# attempts locked (SKIP LOCKED on PostgreSQL), their papers and answers, the versions, the questions' UPDATE, the
# attempts' UPDATE, release.
DEADLINE_BATCH = 7


def one_write() -> int:
    """PostgreSQL grades in one statement what SQLite writes in two."""
    return 1 if connection.vendor == "postgresql" else 0


def one_start_write() -> int:
    """PostgreSQL starts an attempt with one statement (attempt and paper, no savepoint) where SQLite takes four."""
    return 3 if connection.vendor == "postgresql" else 0
