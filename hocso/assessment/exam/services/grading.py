"""Grading writes: an attempt's questions and totals (at submit and after a regrade), an instructor's essay grade,
and the regrade after a key is corrected. The rules are pure functions: exam.grading for a paper, bank.scoring
for each question."""

from __future__ import annotations

import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.audit import audit

from ...models import Answer, Attempt, AttemptQuestion, AttemptState, Question, Quiz
from ...option_ids import answer_signature
from ..grading import grade_paper, quantize_score


def grade_attempt(*, attempt: Attempt, also_save: tuple[str, ...] = ()) -> Attempt:
    """(Re)compute every auto-graded question and the attempt's totals; essays keep their manual grade.

    `also_save` names other attempt fields the caller has changed (the submit's time), written in the same UPDATE.
    """
    questions = list(attempt.questions.select_related("version__question").only(
        "id", "attempt_id", "slot", "mark", "fraction", "score", "chosen", "version__id", "version__data",
        "version__question__id", "version__question__qtype",
    ))
    answers = dict(Answer.objects.filter(attempt=attempt).values_list("slot", "response"))
    ids = attempt.option_ids
    # Answers are stored as the page sent them, under the attempt's option aliases: decoded here, once.
    responses = {aq.slot: ids.decode(aq.slot, aq.version.question.qtype, aq.version.data, answers.get(aq.slot))
                 for aq in questions}
    grade_paper(attempt, questions, responses, pass_percent=attempt.quiz.pass_percent)
    _write_grades(questions)
    attempt.save(update_fields=["score", "percent", "state", "passed", *also_save])
    return attempt


def _write_grades(questions: list[AttemptQuestion]) -> None:
    """Store each question's fraction, score and options chosen. On PostgreSQL one UPDATE … FROM unnest(arrays):
    the ORM's bulk_update (a CASE per column over thirty rows) cost more CPU than grading the paper."""
    if connection.vendor != "postgresql":
        AttemptQuestion.objects.bulk_update(questions, ["fraction", "score", "chosen"])
        return
    table = AttemptQuestion._meta.db_table
    ids = [aq.pk for aq in questions]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET fraction = g.fraction, score = g.score, chosen = g.chosen "
            "FROM unnest(%s::bigint[], %s::numeric[], %s::numeric[], %s::jsonb[]) AS g(id, fraction, score, chosen) "
            # The explicit id list gives the planner an index condition whatever its statistics say (a table
            # that was empty when last analysed must not be scanned in full for each submit).
            f"WHERE {table}.id = g.id AND {table}.id = ANY(%s::bigint[])",
            [ids, [aq.fraction for aq in questions], [aq.score for aq in questions],
             [None if aq.chosen is None else json.dumps(aq.chosen) for aq in questions], ids],
        )



@transaction.atomic
def essay_grade(*, actor: Actor, attempt_question: AttemptQuestion, score: Decimal, comment: str = "") -> Attempt:
    """An instructor grades an essay; the attempt's totals follow."""
    if not Decimal(0) <= score <= attempt_question.mark:
        raise ValidationError(_("The score must be between 0 and %(mark)s.") % {"mark": attempt_question.mark})
    before = {"score": str(attempt_question.score) if attempt_question.score is not None else None}
    attempt_question.score = quantize_score(score)
    attempt_question.fraction = (score / attempt_question.mark) if attempt_question.mark else Decimal(0)
    attempt_question.comment = comment.strip()
    attempt_question.graded_by = actor if getattr(actor, "pk", None) else None
    attempt_question.graded_at = timezone.now()
    attempt_question.save(update_fields=["score", "fraction", "comment", "graded_by", "graded_at"])
    audit(actor, "attempt.grade_essay", attempt_question.attempt, before=before,
          after={"score": str(attempt_question.score)}, extra={"slot": attempt_question.slot})
    return grade_attempt(attempt=Attempt.objects.select_related("quiz").get(pk=attempt_question.attempt_id))


@transaction.atomic
def attempts_regrade(*, actor: Actor, quiz: Quiz, question: Question) -> int:
    """After a key is corrected (a new version), regrade the quiz's finished attempts against it.

    The corrected version must offer the same options (same identifiers; for matching the same left-hand items and
    right-hand texts), or the answers given would not mean the same thing; otherwise a ValidationError explains why.
    """
    new_version = question.current_version
    affected = list(
        AttemptQuestion.objects.filter(attempt__quiz=quiz, version__question=question)
        .exclude(attempt__state=AttemptState.IN_PROGRESS)
        .select_related("version")
    )
    for aq in affected:
        if answer_signature(question.qtype, aq.version.data) != answer_signature(question.qtype, new_version.data):
            raise ValidationError(
                _("The corrected question has different options from the one answered; regrading would "
                  "change the meaning of the answers.")
            )
    AttemptQuestion.objects.filter(pk__in=[aq.pk for aq in affected]).update(version=new_version)
    attempt_ids = sorted({aq.attempt_id for aq in affected})
    for attempt in Attempt.objects.filter(pk__in=attempt_ids).select_related("quiz"):
        grade_attempt(attempt=attempt)
    audit(actor, "quiz.regrade", quiz, extra={"question": question.pk, "version": new_version.number,
                                              "attempts": len(attempt_ids)})
    return len(attempt_ids)

