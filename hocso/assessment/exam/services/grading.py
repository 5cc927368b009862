"""Grading writes: an attempt's questions and totals (at submit and after a regrade), an instructor's essay grade,
and the regrade after a key is corrected. The rules are pure functions: exam.grading for a paper, bank.scoring
for each question."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.audit import audit
from hocso.core.prepared import prepared_cursor

from ...models import Attempt, AttemptQuestion, AttemptState, Question, QuestionVersion, Quiz
from ...option_ids import answer_signature
from ..grading import grade_paper, quantize_score


class PaperRow:
    """What grading reads and writes of one question of a paper, without building ORM instances: a row of the
    paper's query (exam.grading.PaperQuestion), the version shared from a per-process cache."""

    __slots__ = ("attempt_id", "chosen", "fraction", "mark", "pk", "response", "score", "slot", "version")

    def __init__(self, attempt_id, pk, slot, version, mark, fraction, score, response) -> None:
        self.attempt_id, self.pk, self.slot, self.version = attempt_id, pk, slot, version
        self.mark, self.fraction, self.score, self.chosen, self.response = mark, fraction, score, None, response


# Question versions are immutable (editing a question adds one), so what grading reads of them (type and data) is
# kept per process. The key holds the creation time as well as the id (a test database rolled back reuses ids), as
# the database's own text for it: the same from every query, and nothing to parse.
_VERSIONS: dict[tuple[int, str], QuestionVersion] = {}
_VERSIONS_MAX = 4096


def _versions(keys: set[tuple[int, str]]) -> dict[tuple[int, str], QuestionVersion]:
    missing = [pk for pk, stamp in keys if (pk, stamp) not in _VERSIONS]
    if missing:
        if len(_VERSIONS) + len(missing) > _VERSIONS_MAX:
            _VERSIONS.clear()
        for version in (QuestionVersion.objects.filter(pk__in=missing).select_related("question")
                        .annotate(stamp=Cast("created_at", output_field=TextField()))
                        .only("id", "data", "question__id", "question__qtype")):
            _VERSIONS[(version.pk, version.stamp)] = version
    return _VERSIONS


def _decimal(value, places: Decimal) -> Decimal | None:
    """A numeric column as the ORM reads it (SQLite's raw cursor gives floats)."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value)).quantize(places)


def _json(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def paper_rows(attempt_ids: list[int]) -> dict[int, list[PaperRow]]:
    """The papers of these attempts with each question's stored answer: one query (plus one for versions this
    process has not seen yet)."""
    if not attempt_ids:
        return {}
    marks = ", ".join(["%s"] * len(attempt_ids))
    with prepared_cursor() as cursor:
        cursor.execute(
            "SELECT aq.attempt_id, aq.id, aq.slot, aq.version_id, CAST(v.created_at AS text), "
            "aq.mark, aq.fraction, aq.score, "
            "an.response FROM assessment_attemptquestion aq "
            "JOIN assessment_questionversion v ON v.id = aq.version_id "
            "LEFT JOIN assessment_answer an ON an.attempt_id = aq.attempt_id AND an.slot = aq.slot "
            f"WHERE aq.attempt_id IN ({marks}) ORDER BY aq.attempt_id, aq.slot", attempt_ids)
        rows = cursor.fetchall()
    keys = {(row[3], row[4]) for row in rows}
    versions = _versions(keys)
    papers: dict[int, list[PaperRow]] = {pk: [] for pk in attempt_ids}
    mark_q, fraction_q = Decimal("0.001"), Decimal("0.00001")
    for attempt_id, pk, slot, version_id, stamp, mark, fraction, score, response in rows:
        papers[attempt_id].append(PaperRow(
            attempt_id, pk, slot, versions[(version_id, stamp)], _decimal(mark, mark_q),
            _decimal(fraction, fraction_q), _decimal(score, mark_q), _json(response),
        ))
    return papers


def grade_attempt(*, attempt: Attempt, also_save: tuple[str, ...] = ()) -> Attempt:
    """(Re)compute every auto-graded question and the attempt's totals; essays keep their manual grade.

    `also_save` names other attempt fields the caller has changed (the submit's time), written in the same UPDATE.
    """
    grade_attempts(attempts=[attempt], also_save=also_save)
    return attempt


def grade_attempts(*, attempts: list[Attempt], also_save: tuple[str, ...] = ()) -> None:
    """Grade many attempts at once (the deadline's automatic submission): one query for their papers and answers,
    one UPDATE for all their questions and one for the attempts, whatever their number. Each `attempt` needs its
    quiz's pass_percent (select_related("quiz"))."""
    papers = paper_rows([attempt.pk for attempt in attempts])
    rows: list[PaperRow] = []
    for attempt in attempts:
        paper = papers[attempt.pk]
        ids = attempt.option_ids
        # Answers are stored as the page sent them, under the attempt's option aliases: decoded here, once.
        responses = {aq.slot: ids.decode(aq.slot, aq.version.question.qtype, aq.version.data, aq.response)
                     for aq in paper}
        grade_paper(attempt, paper, responses, pass_percent=attempt.quiz.pass_percent)
        rows.extend(paper)
    fields = ["score", "percent", "state", "passed", *also_save]
    if connection.vendor == "postgresql":
        _write_postgresql(rows, attempts, fields)
        return
    _write_grades(rows)
    if len(attempts) == 1:
        attempts[0].save(update_fields=fields)
    else:
        Attempt.objects.bulk_update(attempts, fields, batch_size=500)


_COLUMN_TYPES = {"score": "numeric", "percent": "numeric", "state": "text", "passed": "boolean",
                 "submitted_at": "timestamptz", "auto_submitted": "boolean"}


def _json_value(value):
    """A value as jsonb_to_recordset reads it back into its column: numbers and times as their text."""
    if isinstance(value, (Decimal, dt.datetime)):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value


def _id_array(ids: list[int]) -> str:
    return "{" + ",".join(str(int(pk)) for pk in ids) + "}"


def _write_postgresql(questions: list[PaperRow], attempts: list[Attempt], fields: list[str]) -> None:
    """One statement for the questions' fraction, score and options chosen and the attempts' totals: an UPDATE …
    FROM jsonb_to_recordset(…) of each table, the first in a WITH. The ORM's bulk_update (a CASE per column over
    thirty rows) cost more CPU than grading the paper, and psycopg's adaptation of Python lists to arrays, a third of
    what remained: each table's rows travel as one JSON text and the id lists as array literals."""
    aq, table = AttemptQuestion._meta.db_table, Attempt._meta.db_table
    grades = json.dumps([{"id": row.pk, "fraction": _json_value(row.fraction), "score": _json_value(row.score),
                          "chosen": row.chosen} for row in questions])
    totals = json.dumps([{"id": attempt.pk, **{name: _json_value(getattr(attempt, name)) for name in fields}}
                         for attempt in attempts])
    columns = ", ".join(f"{name} {_COLUMN_TYPES[name]}" for name in fields)
    with prepared_cursor() as cursor:
        cursor.execute(
            f"WITH q AS (UPDATE {aq} SET fraction = g.fraction, score = g.score, chosen = g.chosen "
            "FROM jsonb_to_recordset(%s::jsonb) AS g(id bigint, fraction numeric, score numeric, chosen jsonb) "
            # The explicit id lists give the planner an index condition whatever its statistics say (a table that
            # was empty when last analysed must not be scanned in full for each submit).
            f"WHERE {aq}.id = g.id AND {aq}.id = ANY(%s::bigint[]) RETURNING 1) "
            f"UPDATE {table} SET {', '.join(f'{name} = t.{name}' for name in fields)} "
            f"FROM jsonb_to_recordset(%s::jsonb) AS t(id bigint, {columns}) "
            f"WHERE {table}.id = t.id AND {table}.id = ANY(%s::bigint[])",
            [grades, _id_array([row.pk for row in questions]), totals, _id_array([a.pk for a in attempts])],
        )


def _write_grades(questions: list[PaperRow]) -> None:
    """Store each question's fraction, score and options chosen (SQLite: the ORM's bulk update)."""
    AttemptQuestion.objects.bulk_update(
        [AttemptQuestion(pk=row.pk, fraction=row.fraction, score=row.score, chosen=row.chosen) for row in questions],
        ["fraction", "score", "chosen"], batch_size=500)


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

