"""What a learner sees after submitting, by the quiz's review policy (when; with answers; with feedback)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from hocso.assessment.exam.review import Outcome, attempt_review, review_policy
from hocso.assessment.exam.services import answer_save, attempt_start, attempt_submit, essay_grade
from hocso.assessment.models import AttemptState, QuestionType, QuizOverride, ReviewWhen
from hocso.assessment.tests.exam_helpers import RIGHT, SECRETS, as_sent, leaks, make_mixed_quiz
from hocso.tests.factories import SYSTEM

pytestmark = pytest.mark.usefixtures("english_pages")


def submitted(quiz, learner, answers: dict[str, dict], *, now=None):
    """An attempt at `quiz` answered per type, submitted."""
    attempt = attempt_start(learner=learner, quiz=quiz, now=now)
    for aq in attempt.questions.select_related("version__question"):
        answer = answers.get(aq.version.question.qtype)
        if answer is not None:
            sent = as_sent(attempt, aq.slot, aq.version.question.qtype, answer)
            answer_save(token=attempt.token, slot=aq.slot, response=sent, seq=1, now=now)
    return attempt_submit(attempt=attempt, now=now)


WRONG = {
    QuestionType.SINGLE: {"choice": "b"},
    QuestionType.MULTIPLE: {"choices": ["x", "z"]},
    QuestionType.TRUE_FALSE: {"value": False},
    QuestionType.SHORT_ANSWER: {"text": "sai rồi"},
    QuestionType.MATCHING: {"pairs": {"p1": "d1", "p2": "p2"}},
    QuestionType.ESSAY: {"text": "Bài làm."},
}


# --- the policy ---------------------------------------------------------------------------------------------------


def test_review_right_after_submit_with_answers_and_feedback(learner_client, learner_in_a):
    quiz, _questions = make_mixed_quiz()
    attempt = submitted(quiz, learner_in_a, WRONG)
    essay_grade(actor=SYSTEM, attempt_question=attempt.questions.get(version__question__qtype="essay"),
                score=Decimal("0.5"), comment="Cần cụ thể hơn.")

    html = learner_client.get(f"/kiem-tra/bai-lam/{attempt.pk}/xem-lai/").content.decode()
    # Feedback on what was answered (option b, "false"), the general feedback and the grader's comment.
    for text in ("PH-B-BI-MAT", "PH-SAI-BI-MAT", "GF-SINGLE-BI-MAT", "PH-X-BI-MAT", "Cần cụ thể hơn."):
        assert text in html
    # Feedback on options not chosen is not shown.
    assert "PH-A-BI-MAT" not in html and "PH-DUNG-BI-MAT" not in html
    # The right answers: the accepted short answer, the right matches.
    assert "DAP-AN-NGAN-BI-MAT" in html
    assert "correct answer" in html
    # Never the grader's notes or raw fractions.
    assert "HUONG-DAN-CHAM-BI-MAT" not in html and "fraction" not in html


def test_review_without_answers_or_feedback_shows_only_own_answers_and_marks(learner_client, learner_in_a):
    quiz, _questions = make_mixed_quiz(review_shows_answers=False, review_shows_feedback=False)
    attempt = submitted(quiz, learner_in_a, WRONG)
    response = learner_client.get(f"/kiem-tra/bai-lam/{attempt.pk}/xem-lai/")
    assert response.status_code == 200
    html = response.content.decode()
    assert leaks(html) == []
    assert "sai rồi" in html  # the learner's own answer
    assert "Incorrect" in html and "Partly correct" in html
    assert "correct answer" not in html.lower()


def test_review_never(learner_client, learner_in_a):
    quiz, _questions = make_mixed_quiz(review_when=ReviewWhen.NEVER)
    attempt = submitted(quiz, learner_in_a, RIGHT)
    result = learner_client.get(f"/kiem-tra/bai-lam/{attempt.pk}/ket-qua/").content.decode()
    assert "/xem-lai/" not in result
    assert "does not offer a review" in result
    review = learner_client.get(f"/kiem-tra/bai-lam/{attempt.pk}/xem-lai/")
    assert review.status_code == 403
    html = review.content.decode()
    assert leaks(html) == []
    assert "Chuyển đổi số là gì?" not in html  # not even the questions


def test_review_after_close_waits_for_the_close(learner_client, learner_in_a):
    now = timezone.now()
    quiz, _questions = make_mixed_quiz(review_when=ReviewWhen.AFTER_CLOSE, close_at=now + dt.timedelta(hours=2))
    attempt = submitted(quiz, learner_in_a, WRONG)
    before = learner_client.get(f"/kiem-tra/bai-lam/{attempt.pk}/xem-lai/")
    assert before.status_code == 403
    assert "after the quiz closes" in before.content.decode()
    assert leaks(before.content.decode()) == []

    quiz.close_at = now - dt.timedelta(minutes=1)
    quiz.save(update_fields=["close_at"])
    after = learner_client.get(f"/kiem-tra/bai-lam/{attempt.pk}/xem-lai/")
    assert after.status_code == 200 and "DAP-AN-NGAN-BI-MAT" in after.content.decode()


def test_review_after_close_follows_the_learners_override(learner_in_a):
    now = timezone.now()
    quiz, _questions = make_mixed_quiz(types=[QuestionType.SINGLE], review_when=ReviewWhen.AFTER_CLOSE,
                                       close_at=now + dt.timedelta(hours=1))
    QuizOverride.objects.create(quiz=quiz, learner=learner_in_a, close_at=now + dt.timedelta(hours=3))
    attempt = submitted(quiz, learner_in_a, RIGHT)
    assert not review_policy(attempt, now=now + dt.timedelta(hours=2)).allowed
    assert review_policy(attempt, now=now + dt.timedelta(hours=4)).allowed


def test_review_after_close_without_a_close_date_is_never_available(learner_in_a):
    quiz, _questions = make_mixed_quiz(types=[QuestionType.SINGLE], review_when=ReviewWhen.AFTER_CLOSE)
    attempt = submitted(quiz, learner_in_a, RIGHT)
    policy = review_policy(attempt, now=timezone.now() + dt.timedelta(days=365))
    assert not policy.allowed and policy.reason


def test_no_review_while_the_attempt_is_open(learner_client, learner_in_a):
    quiz, _questions = make_mixed_quiz()
    attempt = attempt_start(learner=learner_in_a, quiz=quiz)
    assert not review_policy(attempt).allowed
    response = learner_client.get(f"/kiem-tra/bai-lam/{attempt.pk}/xem-lai/")
    assert response.status_code == 403 and leaks(response.content.decode()) == []
    with pytest.raises(ValueError):
        attempt_review(attempt, review_policy(attempt))


# --- what the review holds --------------------------------------------------------------------------------------


def test_outcomes_and_key_per_type(learner_in_a):
    quiz, _questions = make_mixed_quiz()
    attempt = submitted(quiz, learner_in_a, WRONG)
    assert attempt.state == AttemptState.NEEDS_GRADING
    items = {item.paper.qtype: item for item in attempt_review(attempt, review_policy(attempt))}

    def aliases(qtype, *option_ids):  # the review names options as the exam page did: by the attempt's aliases
        return sorted(attempt.option_ids.alias(items[qtype].paper.slot, oid) for oid in option_ids)

    assert items["single"].outcome == Outcome.WRONG and items["single"].correct_options == aliases("single", "a")
    assert items["multiple"].outcome == Outcome.PARTIAL
    assert sorted(items["multiple"].correct_options) == aliases("multiple", "x", "y")
    assert [o["is_correct"] for o in items["single"].options_view()] == [True, False, False]  # not shuffled
    assert [o["chosen"] for o in items["single"].options_view()] == [False, True, False]
    assert items["truefalse"].correct_value is True
    assert items["shortanswer"].correct_text == "DAP-AN-NGAN-BI-MAT"
    assert items["matching"].outcome == Outcome.PARTIAL
    assert items["matching"].correct_matches == {"p1": "Khoa học", "p2": "Tổ chức"}
    assert items["essay"].outcome == Outcome.PENDING and items["essay"].score is None
    assert items["single"].feedback == ["PH-B-BI-MAT"]
    assert items["truefalse"].feedback == ["PH-SAI-BI-MAT"]
    assert items["shortanswer"].feedback == []  # the wrong answer matched no accepted answer


def test_feedback_of_the_matched_short_answer(learner_in_a):
    quiz, _questions = make_mixed_quiz(types=[QuestionType.SHORT_ANSWER])
    attempt = submitted(quiz, learner_in_a, RIGHT)
    (item,) = attempt_review(attempt, review_policy(attempt))
    assert item.outcome == Outcome.CORRECT and item.feedback == ["PH-NGAN-BI-MAT"]


def test_policy_flags_drop_key_and_feedback(learner_in_a):
    quiz, _questions = make_mixed_quiz(review_shows_answers=False, review_shows_feedback=False)
    attempt = submitted(quiz, learner_in_a, WRONG)
    for item in attempt_review(attempt, review_policy(attempt)):
        data = item.as_dict()
        assert data["correct_options"] is None and data["correct_value"] is None
        assert data["correct_text"] is None and data["correct_matches"] is None
        assert data["feedback"] == [] and data["general_feedback"] == "" and data["comment"] == ""
        assert not any(secret in str(data) for secret in SECRETS)


def test_unanswered_questions_are_marked_so(learner_in_a):
    quiz, _questions = make_mixed_quiz(types=[QuestionType.SINGLE, QuestionType.TRUE_FALSE])
    attempt = submitted(quiz, learner_in_a, {QuestionType.SINGLE: RIGHT[QuestionType.SINGLE]})
    outcomes = [item.outcome for item in attempt_review(attempt, review_policy(attempt))]
    assert outcomes == [Outcome.CORRECT, Outcome.UNANSWERED]
