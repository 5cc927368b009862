import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from hocso.assessment.bank.services import question_update
from hocso.assessment.exam.errors import ExamError
from hocso.assessment.exam.grading import final_grade
from hocso.assessment.exam.services import (
    answer_save,
    attempt_start,
    attempt_submit,
    attempts_regrade,
    essay_grade,
    submit_overdue_attempts,
)
from hocso.assessment.models import Answer, Attempt, AttemptState, QuizOverride
from hocso.assessment.tests.factories import SINGLE_DATA, make_category, make_question, make_quiz, pick
from hocso.tests.factories import SYSTEM, make_learner


@pytest.fixture
def learner(commune_a):
    return make_learner(commune_a, "Lê Văn Tám")


def test_random_draws_follow_the_blueprint_without_duplicates(bank, learner):
    category, questions = bank
    quiz = make_quiz(questions=questions[:2], random_from=category, random_count=5)
    attempt = attempt_start(learner=learner, quiz=quiz)
    drawn = [aq.version.question_id for aq in attempt.questions.all()]
    assert len(drawn) == 7 == attempt.question_count
    assert len(set(drawn)) == 7
    assert {q.pk for q in questions[:2]} <= set(drawn)


def test_too_small_bank_is_refused_clearly(bank, learner):
    category, _questions = bank
    quiz = make_quiz(random_from=category, random_count=11)
    with pytest.raises(ExamError) as exc:
        attempt_start(learner=learner, quiz=quiz)
    assert exc.value.code == "bank_too_small"
    assert not Attempt.objects.exists()


def test_second_start_resumes_the_open_attempt(bank, learner):
    quiz = make_quiz(questions=bank[1][:3])
    first = attempt_start(learner=learner, quiz=quiz)
    assert attempt_start(learner=learner, quiz=quiz) == first


def test_save_is_idempotent_and_older_saves_never_win(bank, learner):
    quiz = make_quiz(questions=bank[1][:3])
    attempt = attempt_start(learner=learner, quiz=quiz)
    answer_save(token=attempt.token, slot=1, response={"choice": "b"}, seq=1)
    answer_save(token=attempt.token, slot=1, response={"choice": "a"}, seq=3)
    result = answer_save(token=attempt.token, slot=1, response={"choice": "b"}, seq=2)  # arrives late
    assert result.seq == 3
    answer_save(token=attempt.token, slot=1, response={"choice": "a"}, seq=3)  # retried
    assert Answer.objects.get(attempt=attempt, slot=1).response == {"choice": "a"}
    assert Answer.objects.filter(attempt=attempt).count() == 1


def test_save_with_wrong_token_or_slot_is_refused(bank, learner):
    quiz = make_quiz(questions=bank[1][:3])
    attempt = attempt_start(learner=learner, quiz=quiz)
    with pytest.raises(ExamError) as exc:
        answer_save(token="x" * 43, slot=1, response={}, seq=1)
    assert exc.value.code == "not_found"
    with pytest.raises(ExamError) as exc:
        answer_save(token=attempt.token, slot=4, response={}, seq=1)
    assert exc.value.code == "invalid_slot"


def test_save_after_the_deadline_is_refused(bank, learner):
    quiz = make_quiz(questions=bank[1][:3], time_limit_minutes=30)
    start = timezone.now()
    attempt = attempt_start(learner=learner, quiz=quiz, now=start)
    answer_save(token=attempt.token, slot=1, response={"choice": "a"}, seq=1, now=start + dt.timedelta(minutes=29))
    with pytest.raises(ExamError) as exc:
        answer_save(token=attempt.token, slot=2, response={"choice": "a"}, seq=1,
                    now=start + dt.timedelta(minutes=31))
    assert exc.value.code == "expired"
    assert exc.value.message == "Đã hết thời gian làm bài: không thể thay đổi câu trả lời nữa."


def test_submit_grades_and_double_submit_is_harmless(bank, learner):
    quiz = make_quiz(questions=bank[1][:4], pass_percent=Decimal(50))
    attempt = attempt_start(learner=learner, quiz=quiz)
    for slot in (1, 2, 3):
        answer_save(token=attempt.token, slot=slot, response=pick(attempt, slot, "a"), seq=1)
    submitted = attempt_submit(attempt=attempt)
    assert (submitted.score, submitted.max_score, submitted.percent) == (Decimal(3), Decimal(4), Decimal(75))
    assert submitted.passed and submitted.state == AttemptState.GRADED
    again = attempt_submit(attempt=attempt)
    assert again.submitted_at == submitted.submitted_at and again.score == submitted.score
    with pytest.raises(ExamError) as exc:
        answer_save(token=attempt.token, slot=4, response=pick(attempt, 4, "a"), seq=1)
    assert exc.value.code == "submitted"


def test_overdue_attempt_is_submitted_without_the_learner(bank, learner):
    quiz = make_quiz(questions=bank[1][:2], time_limit_minutes=10)
    start = timezone.now() - dt.timedelta(minutes=20)
    attempt = attempt_start(learner=learner, quiz=quiz, now=start)
    answer_save(token=attempt.token, slot=1, response=pick(attempt, 1, "a"), seq=1, now=start + dt.timedelta(minutes=5))
    assert submit_overdue_attempts() == 1
    attempt.refresh_from_db()
    assert attempt.auto_submitted and attempt.state == AttemptState.GRADED and attempt.score == 1
    assert attempt.submitted_at <= attempt.deadline + dt.timedelta(seconds=5)


def test_override_gives_extra_time_and_attempts(bank, learner):
    quiz = make_quiz(questions=bank[1][:2], time_limit_minutes=10, attempts_allowed=1)
    QuizOverride.objects.create(quiz=quiz, learner=learner, extra_minutes=15, attempts_allowed=2)
    start = timezone.now()
    first = attempt_start(learner=learner, quiz=quiz, now=start)
    assert first.deadline == start + dt.timedelta(minutes=25)
    attempt_submit(attempt=first)
    second = attempt_start(learner=learner, quiz=quiz)
    attempt_submit(attempt=second)
    with pytest.raises(ExamError) as exc:
        attempt_start(learner=learner, quiz=quiz)
    assert exc.value.code == "no_attempts_left"


def test_window_and_close_time_cap_the_deadline(bank, learner):
    now = timezone.now()
    quiz = make_quiz(questions=bank[1][:2], open_at=now + dt.timedelta(hours=1))
    with pytest.raises(ExamError) as exc:
        attempt_start(learner=learner, quiz=quiz, now=now)
    assert exc.value.code == "not_open"
    quiz2 = make_quiz(questions=bank[1][:2], time_limit_minutes=60, close_at=now + dt.timedelta(minutes=20))
    attempt = attempt_start(learner=learner, quiz=quiz2, now=now)
    assert attempt.deadline == now + dt.timedelta(minutes=20)


def test_audience_limits_who_may_start(bank, learner, commune_b):
    quiz = make_quiz(questions=bank[1][:2], audience_unit=commune_b)
    with pytest.raises(ExamError) as exc:
        attempt_start(learner=learner, quiz=quiz)
    assert exc.value.code == "not_eligible"


def test_attempt_remembers_the_unit_at_start(bank, learner):
    quiz = make_quiz(questions=bank[1][:2])
    assert attempt_start(learner=learner, quiz=quiz).unit == learner.unit


def test_editing_a_question_does_not_change_a_drawn_paper_and_regrade_applies_the_fix(bank, learner):
    _category, questions = bank
    quiz = make_quiz(questions=[questions[0]])
    attempt = attempt_start(learner=learner, quiz=quiz)
    answer_save(token=attempt.token, slot=1, response=pick(attempt, 1, "b"), seq=1)
    attempt_submit(attempt=attempt)
    original_version = attempt.questions.get().version
    # The key was wrong: "b" is the right answer.
    fixed = {"options": [{**o, "fraction": 1 if o["id"] == "b" else 0} for o in SINGLE_DATA["options"]]}
    question_update(actor=SYSTEM, question=questions[0], text="<p>Câu hỏi?</p>", data=fixed)
    attempt.refresh_from_db()
    assert attempt.score == 0 and attempt.questions.get().version == original_version
    assert attempts_regrade(actor=SYSTEM, quiz=quiz, question=questions[0]) == 1
    attempt.refresh_from_db()
    assert attempt.score == 1


def test_essay_waits_for_an_instructor(db, learner):
    category = make_category()
    essay = make_question(category, qtype="essay", data={})
    single = make_question(category)
    quiz = make_quiz(questions=[essay, single], shuffle_questions=False)
    attempt = attempt_start(learner=learner, quiz=quiz)
    answer_save(token=attempt.token, slot=1, response={"text": "Chuyển đổi số là…"}, seq=1)
    answer_save(token=attempt.token, slot=2, response=pick(attempt, 2, "a"), seq=1)
    attempt = attempt_submit(attempt=attempt)
    assert attempt.state == AttemptState.NEEDS_GRADING and attempt.passed is None
    attempt = essay_grade(actor=SYSTEM, attempt_question=attempt.questions.get(slot=1), score=Decimal("0.5"))
    assert attempt.state == AttemptState.GRADED and attempt.score == Decimal("1.5")


def test_final_grade_methods(bank, learner):
    quiz = make_quiz(questions=bank[1][:2], attempts_allowed=0)
    percents = []
    for choice in ("a", "b", "a"):
        attempt = attempt_start(learner=learner, quiz=quiz)
        answer_save(token=attempt.token, slot=1, response=pick(attempt, 1, choice), seq=1)
        percents.append(attempt_submit(attempt=attempt).percent)
    attempts = list(Attempt.objects.filter(quiz=quiz))
    assert percents == [Decimal(50), Decimal(0), Decimal(50)]
    assert final_grade(attempts, "highest") == 50
    assert final_grade(attempts, "first") == 50
    assert final_grade(attempts, "last") == 50
    assert final_grade(attempts, "average") == Decimal("33.33")


def test_save_over_http_with_the_attempt_token_only(client, bank, learner, django_assert_num_queries):
    quiz = make_quiz(questions=bank[1][:3])
    attempt = attempt_start(learner=learner, quiz=quiz)
    url = "/kiem-tra/luu-cau-tra-loi/"
    with django_assert_num_queries(1):  # the save's cursor is Django's, so its statement is counted
        response = client.post(url, {"slot": 2, "seq": 1, "response": {"choice": "c"}},
                               content_type="application/json", HTTP_X_ATTEMPT_TOKEN=attempt.token)
    assert response.status_code == 200 and response.json()["seq"] == 1
    assert Answer.objects.get(attempt=attempt, slot=2).response == {"choice": "c"}
    assert client.post(url, {"slot": 2, "seq": 2, "response": {}}, content_type="application/json",
                       HTTP_X_ATTEMPT_TOKEN="nope").status_code == 404
    assert client.post(url, "not json", content_type="application/json",
                       HTTP_X_ATTEMPT_TOKEN=attempt.token).json()["error"]["code"] == "invalid_response"
    attempt_submit(attempt=attempt)
    refused = client.post(url, {"slot": 1, "seq": 1, "response": {"choice": "a"}}, content_type="application/json",
                          HTTP_X_ATTEMPT_TOKEN=attempt.token)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "submitted"


def test_attempts_are_part_of_the_personal_data_copy(bank, learner):
    from hocso.people.privacy import Subject, sections

    quiz = make_quiz(questions=bank[1][:2])
    attempt_submit(attempt=attempt_start(learner=learner, quiz=quiz))
    section = next(s for s in sections() if s.key == "attempts")
    rows = list(section.rows(Subject(learner=learner)))
    assert [(row["quiz"], row["number"], row["percent"]) for row in rows] == [(quiz.title, 1, Decimal(0))]


def test_save_from_a_signed_in_browser_still_costs_one_statement(client, bank, learner_user, learner_in_a,
                                                                django_assert_max_num_queries):
    quiz = make_quiz(questions=bank[1][:2])
    attempt = attempt_start(learner=learner_in_a, quiz=quiz)
    client.force_login(learner_user)  # the browser sends its session cookie along
    with django_assert_max_num_queries(1):
        response = client.post("/kiem-tra/luu-cau-tra-loi/", {"slot": 1, "seq": 1, "response": {"choice": "a"}},
                               content_type="application/json", HTTP_X_ATTEMPT_TOKEN=attempt.token)
    assert response.status_code == 200


def test_save_accepts_a_local_time_as_well_as_utc(bank, learner):
    import zoneinfo

    quiz = make_quiz(questions=bank[1][:2], time_limit_minutes=30)
    start = timezone.now()
    attempt = attempt_start(learner=learner, quiz=quiz, now=start)
    local = (start + dt.timedelta(minutes=1)).astimezone(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
    assert answer_save(token=attempt.token, slot=1, response={"choice": "a"}, seq=1, now=local).seq == 1
    assert Answer.objects.filter(attempt=attempt, slot=1).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_the_save_becomes_a_prepared_statement_on_postgresql(bank, learner):
    quiz = make_quiz(questions=bank[1][:3])
    attempt = attempt_start(learner=learner, quiz=quiz)
    for seq in range(1, 8):  # psycopg prepares a statement at its fifth execution on a connection
        answer_save(token=attempt.token, slot=1 + seq % 3, response={"choice": "a"}, seq=seq)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                       ["INSERT INTO assessment_answer (attempt_id, slot, response, seq, saved_at) SELECT a.id%"])
        assert cursor.fetchone()[0] == 1
    assert Answer.objects.get(attempt=attempt, slot=1).seq == 6


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_an_essay_cleared_before_submitting_earns_nothing_and_waits_for_no_one(db, learner, text):
    """A learner who typed then cleared an essay leaves {"text": ""} saved: blank, not an answer to grade."""
    category = make_category()
    essay = make_question(category, qtype="essay", data={})
    single = make_question(category)
    quiz = make_quiz(questions=[essay, single], shuffle_questions=False)
    attempt = attempt_start(learner=learner, quiz=quiz)
    answer_save(token=attempt.token, slot=1, response={"text": "Bản nháp"}, seq=1)
    answer_save(token=attempt.token, slot=1, response={"text": text}, seq=2)
    answer_save(token=attempt.token, slot=2, response=pick(attempt, 2, "a"), seq=1)
    attempt = attempt_submit(attempt=attempt)
    assert attempt.state == AttemptState.GRADED and attempt.score == 1
    assert attempt.questions.get(slot=1).score == 0
