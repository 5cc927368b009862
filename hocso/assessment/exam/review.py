"""What a learner may see of a submitted attempt, by the quiz's review policy.

The result (score, percentage, passed) is the learner's own and always shown once the attempt is submitted.
The review, question by question, follows the quiz:
  review_when          after_submit: at once; after_close: once the quiz (with the learner's override) has closed;
                       never: not at all.
  review_shows_answers the right answers (correct options, an accepted short answer, the right matches).
  review_shows_feedback the author's feedback (general, per option, per accepted answer) and the grader's comment.
Without those flags the review shows the questions, the learner's own answers and the marks they earned: the key
itself is copied out only when the policy says so, field by field (never the version's `data` as a whole). Options
keep the attempt's aliases, as on the exam page (the learner's stored answer is in them too).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from ..bank.scoring import correct_response, grade
from ..models import Attempt, AttemptQuestion, AttemptState, QuestionType, ReviewWhen
from ..option_ids import OptionIds
from ..quizzes.policies import effective_window
from .paper import PaperQuestion, attempt_answers, attempt_questions, paper_question


@dataclass(frozen=True)
class ReviewPolicy:
    allowed: bool
    shows_answers: bool = False
    shows_feedback: bool = False
    reason: str = ""  # why the review is not available (translated), when it is not
    available_from: dt.datetime | None = None


def review_policy(attempt: Attempt, *, now: dt.datetime | None = None) -> ReviewPolicy:
    now = now or timezone.now()
    quiz = attempt.quiz
    if attempt.state == AttemptState.IN_PROGRESS:
        return ReviewPolicy(False, reason=_("The review is available once the attempt is submitted."))
    if quiz.review_when == ReviewWhen.NEVER:
        return ReviewPolicy(False, reason=_("This quiz does not offer a review of the questions."))
    if quiz.review_when == ReviewWhen.AFTER_CLOSE:
        close_at = effective_window(quiz, attempt.learner_id).close_at  # a pk is enough to find the override
        if close_at is None:
            return ReviewPolicy(False, reason=_("The review will be available after the quiz closes."))
        if now < close_at:
            return ReviewPolicy(
                False, available_from=close_at,
                reason=_("The review will be available after the quiz closes, on %(when)s.")
                % {"when": timezone.localtime(close_at).strftime("%d/%m/%Y %H:%M")},
            )
    return ReviewPolicy(True, shows_answers=quiz.review_shows_answers, shows_feedback=quiz.review_shows_feedback)


class Outcome:
    CORRECT = "correct"
    PARTIAL = "partial"
    WRONG = "wrong"
    PENDING = "pending"  # waiting for an instructor (essays)
    UNANSWERED = "unanswered"


@dataclass
class ReviewQuestion:
    """A question of a submitted attempt: the paper, the learner's answer, the mark and what the policy allows."""

    paper: PaperQuestion
    score: Decimal | None
    outcome: str
    # Filled only when the policy shows answers:
    correct_options: list[str] | None = None  # single/multiple: aliases of the options that earn marks
    correct_value: bool | None = None  # true/false
    correct_text: str | None = None  # short answer: an answer earning full marks
    correct_matches: dict[str, str] | None = None  # matching: left id -> the right-hand text that belongs to it
    # Filled only when the policy shows feedback:
    general_feedback: str = ""
    feedback: list[str] = field(default_factory=list)  # feedback on what the learner answered
    comment: str = ""  # the grader's comment (essays)

    def as_dict(self) -> dict:
        return {
            **self.paper.as_dict(), "score": self.score, "outcome": self.outcome,
            "correct_options": self.correct_options, "correct_value": self.correct_value,
            "correct_text": self.correct_text, "correct_matches": self.correct_matches,
            "general_feedback": self.general_feedback, "feedback": self.feedback, "comment": self.comment,
        }

    # Template helpers: per option / per left item, what to show next to it.
    def options_view(self) -> list[dict]:
        chosen = _chosen_ids(self.paper.qtype, self.paper.response)
        correct = set(self.correct_options or [])
        return [
            {**o, "chosen": o["id"] in chosen,
             "is_correct": (o["id"] in correct) if self.correct_options is not None else None}
            for o in self.paper.options
        ]

    def matches_view(self) -> list[dict]:
        given = (self.paper.response or {}).get("pairs") or {}
        rights = {r["id"]: r["text"] for r in self.paper.rights}
        return [
            {**left, "chosen": rights.get(given.get(left["id"]), ""),
             "correct": (self.correct_matches or {}).get(left["id"]) if self.correct_matches is not None else None}
            for left in self.paper.lefts
        ]


def _chosen_ids(qtype: str, response: dict | None) -> set[str]:
    response = response or {}
    if qtype == QuestionType.SINGLE:
        return {response["choice"]} if response.get("choice") else set()
    if qtype == QuestionType.MULTIPLE:
        return {c for c in response.get("choices") or [] if isinstance(c, str)}
    return set()


def _outcome(aq: AttemptQuestion) -> str:
    if aq.fraction is None:
        return Outcome.PENDING
    if aq.fraction >= 1:
        return Outcome.CORRECT
    return Outcome.PARTIAL if aq.fraction > 0 else Outcome.WRONG


def _feedback(qtype: str, data: dict, response: dict | None) -> list[str]:
    """The author's feedback on what the learner answered."""
    response = response or {}
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        chosen = _chosen_ids(qtype, response)
        return [o["feedback"] for o in data.get("options", []) if o["id"] in chosen and o.get("feedback")]
    if qtype == QuestionType.TRUE_FALSE:
        value = response.get("value")
        if not isinstance(value, bool):
            return []
        text = data.get("feedback_true" if value else "feedback_false") or ""
        return [text] if text else []
    if qtype == QuestionType.SHORT_ANSWER:
        flags = {k: data.get(k) for k in ("case_sensitive", "ignore_diacritics")}
        for answer in sorted(data.get("answers", []), key=lambda a: -Decimal(str(a.get("fraction", 0)))):
            # Probe one accepted answer at a time (worth 100% for the probe) with the grader's own matching rule.
            probe = {**flags, "answers": [{**answer, "fraction": "1"}]}
            if answer.get("feedback") and grade(qtype, probe, response) == 1:
                return [answer["feedback"]]
    return []


def review_question(aq: AttemptQuestion, answer, policy: ReviewPolicy, ids: OptionIds) -> ReviewQuestion:
    paper = paper_question(aq, ids, answer)
    outcome = _outcome(aq) if paper.answered or aq.fraction else Outcome.UNANSWERED
    item = ReviewQuestion(paper=paper, score=aq.score, outcome=outcome)
    qtype, data = paper.qtype, aq.version.data or {}
    if policy.shows_answers:
        right = ids.encode(aq.slot, qtype, data, correct_response(qtype, data)) or {}
        if qtype == QuestionType.SINGLE:
            item.correct_options = [right["choice"]] if right.get("choice") else []
        elif qtype == QuestionType.MULTIPLE:
            item.correct_options = list(right.get("choices") or [])
        elif qtype == QuestionType.TRUE_FALSE:
            item.correct_value = right.get("value")
        elif qtype == QuestionType.SHORT_ANSWER:
            item.correct_text = right.get("text")
        elif qtype == QuestionType.MATCHING:
            item.correct_matches = {p["id"]: p.get("right", "") for p in data.get("pairs", [])}
    if policy.shows_feedback:
        item.general_feedback = aq.version.general_feedback
        item.feedback = _feedback(qtype, data, ids.decode(aq.slot, qtype, data, paper.response))
        item.comment = aq.comment
    return item


def attempt_review(attempt: Attempt, policy: ReviewPolicy) -> list[ReviewQuestion]:
    """The review of a submitted attempt; call only when `policy.allowed`."""
    if not policy.allowed:
        raise ValueError("The review is not allowed by the policy.")
    answers, ids = attempt_answers(attempt), attempt.option_ids
    return [review_question(aq, answers.get(aq.slot), policy, ids) for aq in attempt_questions(attempt)]
