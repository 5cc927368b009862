"""The exam: start (draw and freeze a paper), save answers (hot path), submit and grade, expire, regrade.

Saving an answer is one SQL statement: an INSERT … SELECT that only finds the attempt when the token matches, the
attempt is open and its deadline has not passed, with ON CONFLICT … DO UPDATE … WHERE seq is newer. No session,
no ORM objects, no re-rendering: the request costs one round trip to the database.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from random import Random

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from hocso.core.audit import audit
from hocso.core.input_guard import INTEGER_MAX, SMALLINT_MAX, is_storable_json

from .grading import chosen_options, grade
from .models import (
    Answer,
    Attempt,
    AttemptQuestion,
    AttemptState,
    Question,
    QuestionVersion,
    Quiz,
    QuizOverride,
    QuizSlot,
)
from .option_ids import answer_signature, choice_ids

MAX_RESPONSE_BYTES = 20_000


class ExamError(Exception):
    """A refusal the learner must understand. `code` is stable for the API; `message` is translated."""

    MESSAGES = {
        "not_found": gettext_lazy("This attempt does not exist."),
        "not_eligible": gettext_lazy("This quiz is not open to you."),
        "not_open": gettext_lazy("This quiz is not open yet."),
        "closed": gettext_lazy("This quiz is closed."),
        "no_attempts_left": gettext_lazy("You have used all your attempts at this quiz."),
        "campaign_attempts_used": gettext_lazy("You have used all the attempts this test campaign allows."),
        "expired": gettext_lazy("Time is up: answers can no longer be changed."),
        "submitted": gettext_lazy("This attempt has been submitted: answers can no longer be changed."),
        "invalid_slot": gettext_lazy("There is no such question in this attempt."),
        "invalid_response": gettext_lazy("The answer could not be read."),
        "bank_too_small": gettext_lazy("The question bank has too few questions for this quiz. Tell the author."),
        "no_questions": gettext_lazy("This quiz has no questions yet."),
    }

    def __init__(self, code: str, message: str | None = None):
        self.code = code
        self.message = message or str(self.MESSAGES.get(code, code))
        super().__init__(self.message)


@dataclass(frozen=True)
class Window:
    open_at: dt.datetime | None
    close_at: dt.datetime | None
    attempts_allowed: int
    time_limit: dt.timedelta | None


def effective_window(quiz: Quiz, learner) -> Window:
    """The quiz's window and limits for this learner, with any override applied."""
    override = QuizOverride.objects.filter(quiz=quiz, learner=learner).first()
    limit = dt.timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    if override is None:
        return Window(quiz.open_at, quiz.close_at, quiz.attempts_allowed, limit)
    if limit is not None and override.extra_minutes:
        limit += dt.timedelta(minutes=override.extra_minutes)
    return Window(
        override.open_at or quiz.open_at,
        override.close_at or quiz.close_at,
        override.attempts_allowed if override.attempts_allowed is not None else quiz.attempts_allowed,
        limit,
    )


def _in_subtree(learner, unit) -> bool:
    return learner.unit is not None and learner.unit.path.startswith(unit.path)


def is_eligible(quiz: Quiz, learner) -> bool:
    if not quiz.is_published or learner is None:
        return False
    if quiz.audience_unit_id is not None and not _in_subtree(learner, quiz.audience_unit):
        return False
    group_ids = Quiz.audience_groups.through.objects.filter(quiz_id=quiz.pk).values_list("targetgroup_id", flat=True)
    return not group_ids or learner.target_group_id in set(group_ids)


# --- drawing the paper --------------------------------------------------------------------------------------


def _candidates(slot: QuizSlot) -> list[int]:
    """Question ids a random slot draws from (in id order: the draw's random choices depend on it)."""
    category = slot.category
    if slot.include_subcategories:
        qs = Question.objects.filter(category__path__startswith=category.path)
    else:
        qs = Question.objects.filter(category=category)
    qs = qs.filter(is_archived=False, current_version__isnull=False)
    if slot.difficulty:
        qs = qs.filter(difficulty=slot.difficulty)
    if slot.tag_id:
        qs = qs.filter(tags=slot.tag_id)
    return sorted(qs.values_list("id", flat=True))


@dataclass(frozen=True)
class _PlannedSlot:
    question_id: int | None  # a fixed question, or None for a random draw from `candidates`
    candidates: tuple[int, ...]
    count: int
    mark: Decimal | None


@dataclass(frozen=True)
class _Drawable:
    """What the draw needs of a question's current version."""

    version_id: int
    choice_ids: tuple[str, ...]
    shuffle: bool
    default_mark: Decimal
    # What the exam page shows of it (versions never change, so caching them is safe): a new attempt's page is
    # built from the draw instead of reading back the thirty rows just written.
    qtype: str
    text: str
    data: dict


BLUEPRINT_SECONDS = 60


def _blueprint(quiz: Quiz) -> tuple[list[_PlannedSlot], dict[int, _Drawable]]:
    """The quiz's slots, each random slot's candidates, and the current version of every question they may draw.

    Read once a minute per worker instead of at every start (three queries and the versions' JSON at every start of
    the exam-day rush). The key follows the blueprint (quiz.updated_at, which every slot change moves) and the
    newest question version (an edit makes a version, so it reaches new papers at once); a question archived or
    moved reaches new papers within the minute. Versions are never deleted, so a cached one is always valid.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {QuestionVersion._meta.db_table}")
        newest = cursor.fetchone()[0]
    key = f"hocso:blueprint2:{quiz.pk}:{quiz.updated_at.timestamp()}:{newest}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    planned = [
        _PlannedSlot(question_id=None, candidates=tuple(_candidates(slot)), count=slot.count, mark=slot.mark)
        if slot.is_random else _PlannedSlot(question_id=slot.question_id, candidates=(), count=1, mark=slot.mark)
        for slot in quiz.slots.select_related("category").order_by("position")
    ]
    wanted = {p.question_id for p in planned if p.question_id is not None} | {
        qid for p in planned for qid in p.candidates}
    versions = {
        question_id: _Drawable(version_id=version_id, choice_ids=tuple(choice_ids(qtype, data)),
                               shuffle=bool(data.get("shuffle", True)), default_mark=default_mark,
                               qtype=qtype, text=text, data=data or {})
        for version_id, question_id, qtype, data, default_mark, text in QuestionVersion.objects.filter(
            question__in=wanted, question__current_version=models.F("pk")
        ).values_list("id", "question_id", "question__qtype", "data", "default_mark", "text")
    }
    cache.set(key, (planned, versions), BLUEPRINT_SECONDS)
    return planned, versions


@dataclass(frozen=True)
class DrawnQuestion:
    """One question of a new paper: the version frozen in the slot, its marks and its option order."""

    version_id: int
    mark: Decimal
    option_order: list[str]
    qtype: str  # the version's type, text and data, for the new attempt's page
    text: str
    data: dict


def draw_paper(quiz: Quiz, rng: Random) -> list[DrawnQuestion]:
    """Pick the questions (fixed, then random draws without repeats), order them and their options."""
    planned, versions = _blueprint(quiz)
    if not planned:
        raise ExamError("no_questions")
    used: set[int] = {p.question_id for p in planned if p.question_id is not None}
    picks: list[tuple[int, _PlannedSlot]] = []
    for slot in planned:
        if slot.question_id is not None:
            picks.append((slot.question_id, slot))
            continue
        pool = [qid for qid in slot.candidates if qid not in used]
        if len(pool) < slot.count:
            raise ExamError("bank_too_small")
        chosen = rng.sample(pool, slot.count)
        used.update(chosen)
        picks.extend((qid, slot) for qid in chosen)
    if quiz.shuffle_questions:
        rng.shuffle(picks)
    paper = []
    for qid, slot in picks:
        drawable = versions.get(qid)
        if drawable is None:
            raise ExamError("no_questions")
        order = list(drawable.choice_ids)
        if quiz.shuffle_options and drawable.shuffle:
            rng.shuffle(order)
        mark = slot.mark if slot.mark is not None else drawable.default_mark
        paper.append(DrawnQuestion(version_id=drawable.version_id, mark=mark, option_order=order,
                                   qtype=drawable.qtype, text=drawable.text, data=drawable.data))
    return paper


# --- start ---------------------------------------------------------------------------------------------------


def _check_campaign_limit(quiz: Quiz, learner, now: dt.datetime) -> None:
    """A quarterly campaign on this quiz may allow fewer attempts than the quiz: enforce it at the start."""
    from hocso.campaigns.selectors import campaign_limit_reached  # campaigns build on assessment, not the reverse

    campaign = campaign_limit_reached(quiz_id=quiz.pk, learner=learner, now=now)
    if campaign is not None:
        raise ExamError("campaign_attempts_used", ngettext(
            "You have used the %(count)s attempt the test campaign “%(title)s” allows (it counts the attempts "
            "started between %(opens)s and %(closes)s).",
            "You have used all %(count)s attempts the test campaign “%(title)s” allows (it counts the attempts "
            "started between %(opens)s and %(closes)s).",
            campaign.attempts_allowed,
        ) % {"count": campaign.attempts_allowed, "title": campaign.title,
             "opens": campaign.opens_on.strftime("%d/%m/%Y"), "closes": campaign.closes_on.strftime("%d/%m/%Y")})


def attempt_start(*, learner, quiz: Quiz, now: dt.datetime | None = None, window: Window | None = None,
                  attempts: list[Attempt] | None = None, eligible: bool | None = None) -> Attempt:
    """Start an attempt, or return the one already open (a second tab or device resumes it).

    `window` and `attempts` (all the learner's attempts at this quiz) may be passed by a caller that has just read
    them (the start page's QuizRow), which saves three queries in the start rush; so may `eligible` (the
    learner is in the quiz's audience, as selectors_exam.quizzes_for_learner computes it in SQL). A concurrent
    start is still caught by the database's unique constraints below.
    """
    now = now or timezone.now()
    if attempts is None:
        open_attempt = Attempt.objects.filter(quiz=quiz, learner=learner, state=AttemptState.IN_PROGRESS).first()
    else:
        open_attempt = next((a for a in attempts if a.state == AttemptState.IN_PROGRESS), None)
    if open_attempt is not None:
        if not _is_overdue(open_attempt, now):
            return open_attempt
        attempt_submit(attempt=open_attempt, auto=True, now=now)
    if not (eligible if eligible is not None else is_eligible(quiz, learner)):
        raise ExamError("not_eligible")
    window = window or effective_window(quiz, learner)
    if window.open_at and now < window.open_at:
        raise ExamError("not_open")
    if window.close_at and now >= window.close_at:
        raise ExamError("closed")
    if attempts is None:
        used = Attempt.objects.filter(quiz=quiz, learner=learner).aggregate(n=Max("number"))["n"] or 0
    else:
        used = max((a.number for a in attempts), default=0)
    if window.attempts_allowed and used >= window.attempts_allowed:
        raise ExamError("no_attempts_left")
    if used:  # a first attempt never hits a campaign's limit (at least 1): the start rush pays no extra query
        _check_campaign_limit(quiz, learner, now)
    paper = draw_paper(quiz, Random(secrets.randbits(64)))
    deadline = now + window.time_limit if window.time_limit else None
    if window.close_at and (deadline is None or deadline > window.close_at):
        deadline = window.close_at
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                quiz=quiz, learner=learner, unit_id=learner.unit_id, number=used + 1, token=secrets.token_urlsafe(32),
                question_count=len(paper), started_at=now, deadline=deadline,
                max_score=sum((q.mark for q in paper), Decimal(0)),
            )
            _freeze_paper(attempt.pk, paper)
        attempt.drawn_paper = paper  # the exam page shows it without reading it back (selectors_exam)
    except IntegrityError:
        # Two tabs started at once: the other one won; resume its attempt.
        existing = Attempt.objects.filter(quiz=quiz, learner=learner, state=AttemptState.IN_PROGRESS).first()
        if existing is None:
            raise
        return existing
    return attempt


def _freeze_paper(attempt_id: int, paper: list[DrawnQuestion]) -> None:
    """Write the paper's rows. On PostgreSQL one INSERT … SELECT FROM unnest(arrays): the ORM's bulk_create
    spent more CPU preparing thirty rows than the database spent storing them."""
    if connection.vendor != "postgresql":
        AttemptQuestion.objects.bulk_create(
            AttemptQuestion(attempt_id=attempt_id, slot=index, version_id=q.version_id, mark=q.mark,
                            option_order=q.option_order)
            for index, q in enumerate(paper, start=1)
        )
        return
    table = AttemptQuestion._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (attempt_id, slot, version_id, mark, option_order, comment) "
            "SELECT %s, s, v, m, o::jsonb, '' FROM unnest(%s::int[], %s::bigint[], %s::numeric[], %s::text[]) "
            "AS paper(s, v, m, o)",
            [attempt_id, list(range(1, len(paper) + 1)), [q.version_id for q in paper], [q.mark for q in paper],
             [json.dumps(q.option_order) for q in paper]],
        )


# --- save (the hot path) ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaveResult:
    slot: int
    seq: int
    saved_at: dt.datetime


def _grace() -> dt.timedelta:
    # An answer given just before the deadline may arrive a moment after it.
    return dt.timedelta(seconds=getattr(settings, "HOCSO_EXAM_SAVE_GRACE_SECONDS", 5))


def _upsert_sql() -> str:
    json_param = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    return (
        "INSERT INTO assessment_answer (attempt_id, slot, response, seq, saved_at) "
        f"SELECT a.id, %s, {json_param}, %s, %s FROM assessment_attempt a "
        "WHERE a.token = %s AND a.state = 'in_progress' AND (a.deadline IS NULL OR a.deadline > %s) "
        "AND %s BETWEEN 1 AND a.question_count "
        "ON CONFLICT (attempt_id, slot) DO UPDATE SET response = excluded.response, seq = excluded.seq, "
        "saved_at = excluded.saved_at WHERE assessment_answer.seq < excluded.seq"
    )


def _save_cursor():
    """A cursor for the save's one statement. On PostgreSQL it binds its parameters on the server, so psycopg
    prepares the statement on each connection at its fifth run (`prepare_threshold`, set in the settings) and
    PostgreSQL stops parsing and planning it for every answer; Django's own cursors bind on the client, where
    nothing can be prepared. Still wrapped by Django (errors, query logging in tests and debug)."""
    if not settings.HOCSO_EXAM_SAVE_PREPARED:  # only ever on for PostgreSQL (see the settings)
        return connection.cursor()
    import psycopg

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(psycopg.Cursor(connection.connection))


def answer_save(*, token: str, slot: int, response: dict, seq: int, now: dt.datetime | None = None) -> SaveResult:
    """Save the learner's response to one slot. Idempotent: repeating a save (same or older seq) changes nothing."""
    now = now or timezone.now()
    # Checked here, without a query, so nothing the columns cannot hold reaches the statement (a 500 on
    # PostgreSQL): slot is a smallint, seq an integer, and the JSON may hold no NUL and no lone surrogate.
    if not isinstance(response, dict) or not isinstance(slot, int) or not isinstance(seq, int):
        raise ExamError("invalid_response")
    if not 0 <= seq <= INTEGER_MAX:
        raise ExamError("invalid_response")
    if not 1 <= slot <= SMALLINT_MAX:
        raise ExamError("invalid_slot")
    payload = json.dumps(response, ensure_ascii=False, separators=(",", ":"))
    if "\\u0000" in payload and not is_storable_json(response):  # json.dumps writes a NUL as \u0000
        raise ExamError("invalid_response")
    try:
        size = len(payload.encode())
    except UnicodeEncodeError:  # a lone surrogate
        raise ExamError("invalid_response") from None
    if size > MAX_RESPONSE_BYTES:
        raise ExamError("invalid_response")
    with _save_cursor() as cursor:
        # Raw SQL bypasses the ORM's datetime adaptation: adapt explicitly (SQLite compares datetimes as text).
        adapt = connection.ops.adapt_datetimefield_value
        cursor.execute(_upsert_sql(), [slot, payload, seq, adapt(now), token, adapt(now - _grace()), slot])
        written = cursor.rowcount
    if written == 1:
        return SaveResult(slot=slot, seq=seq, saved_at=now)
    return _explain_unsaved(token=token, slot=slot, seq=seq, now=now)


def _explain_unsaved(*, token: str, slot: int, seq: int, now: dt.datetime) -> SaveResult:
    """Nothing was written: say why (rare path, so an extra query or two is fine)."""
    attempt = Attempt.objects.filter(token=token).values("id", "state", "deadline", "question_count").first()
    if attempt is None:
        raise ExamError("not_found")
    if attempt["state"] != AttemptState.IN_PROGRESS:
        raise ExamError("submitted")
    if attempt["deadline"] is not None and attempt["deadline"] <= now - _grace():
        raise ExamError("expired")
    if not 1 <= slot <= attempt["question_count"]:
        raise ExamError("invalid_slot")
    stored = Answer.objects.filter(attempt_id=attempt["id"], slot=slot).values("seq", "saved_at").first()
    if stored is None:  # pragma: no cover - only a concurrent delete could get here
        raise ExamError("not_found")
    # An older or repeated save: the newer answer already stored stands, and the client may forget this one.
    return SaveResult(slot=slot, seq=stored["seq"], saved_at=stored["saved_at"])


# --- submit and grade --------------------------------------------------------------------------------------------


def _is_overdue(attempt: Attempt, now: dt.datetime) -> bool:
    return attempt.deadline is not None and attempt.deadline + _grace() <= now


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def grade_attempt(attempt: Attempt, *, also_save: tuple[str, ...] = ()) -> Attempt:
    """(Re)compute every auto-graded question and the attempt's totals; essays keep their manual grade.

    `also_save` names other attempt fields the caller has changed (the submit's time), written in the same UPDATE.
    """
    questions = list(attempt.questions.select_related("version__question").only(
        "id", "attempt_id", "slot", "mark", "fraction", "score", "chosen", "version__id", "version__data",
        "version__question__id", "version__question__qtype",
    ))
    answers = dict(Answer.objects.filter(attempt=attempt).values_list("slot", "response"))
    ids = attempt.option_ids
    pending = False
    for aq in questions:
        qtype = aq.version.question.qtype
        # Answers are stored as the page sent them, under the attempt's option aliases: decoded here, once.
        response = ids.decode(aq.slot, qtype, aq.version.data, answers.get(aq.slot))
        aq.chosen = chosen_options(qtype, response)
        fraction = grade(qtype, aq.version.data, response)
        if fraction is None:
            if aq.fraction is None:
                if answers.get(aq.slot):
                    pending = True
                else:  # an essay left blank earns nothing; no one needs to grade it
                    aq.fraction, aq.score = Decimal(0), Decimal(0)
            continue
        aq.fraction = fraction
        aq.score = _quantize(aq.mark * fraction)
    _write_grades(questions)
    total = sum((aq.score for aq in questions if aq.score is not None), Decimal(0))
    attempt.score = _quantize(max(Decimal(0), total))
    attempt.percent = (
        (attempt.score * 100 / attempt.max_score).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if attempt.max_score else Decimal(0)
    )
    if pending:
        attempt.state, attempt.passed = AttemptState.NEEDS_GRADING, None
    else:
        attempt.state = AttemptState.GRADED
        attempt.passed = attempt.percent >= attempt.quiz.pass_percent
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
def attempt_submit(*, attempt: Attempt, auto: bool = False, now: dt.datetime | None = None) -> Attempt:
    """Submit and grade. Submitting twice, from two tabs, or after an automatic submit is harmless."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)
    if attempt.state != AttemptState.IN_PROGRESS:
        return attempt
    attempt.submitted_at = min(now, attempt.deadline + _grace()) if attempt.deadline else now
    attempt.auto_submitted = auto
    return grade_attempt(attempt, also_save=("submitted_at", "auto_submitted"))


def submit_overdue_attempts(*, now: dt.datetime | None = None, limit: int | None = 1000,
                            quiz_id: int | None = None) -> int:
    """Submit attempts whose time ran out while the learner was away, as at their deadline (only the answers saved
    by then count). Run periodically (command or task); `quiz_id` limits it to one quiz's attempts."""
    now = now or timezone.now()
    overdue = Attempt.objects.filter(state=AttemptState.IN_PROGRESS, deadline__lte=now - _grace())
    if quiz_id is not None:
        overdue = overdue.filter(quiz_id=quiz_id)
    overdue = list(overdue.order_by("deadline")[:limit])
    for attempt in overdue:
        attempt_submit(attempt=attempt, auto=True, now=now)
    return len(overdue)


@transaction.atomic
def essay_grade(*, actor, attempt_question: AttemptQuestion, score: Decimal, comment: str = "") -> Attempt:
    """An instructor grades an essay; the attempt's totals follow."""
    from django.core.exceptions import ValidationError

    if not Decimal(0) <= score <= attempt_question.mark:
        raise ValidationError(_("The score must be between 0 and %(mark)s.") % {"mark": attempt_question.mark})
    before = {"score": str(attempt_question.score) if attempt_question.score is not None else None}
    attempt_question.score = _quantize(score)
    attempt_question.fraction = (score / attempt_question.mark) if attempt_question.mark else Decimal(0)
    attempt_question.comment = comment.strip()
    attempt_question.graded_by = actor if getattr(actor, "pk", None) else None
    attempt_question.graded_at = timezone.now()
    attempt_question.save(update_fields=["score", "fraction", "comment", "graded_by", "graded_at"])
    audit(actor, "attempt.grade_essay", attempt_question.attempt, before=before,
          after={"score": str(attempt_question.score)}, extra={"slot": attempt_question.slot})
    return grade_attempt(Attempt.objects.select_related("quiz").get(pk=attempt_question.attempt_id))


@transaction.atomic
def attempts_regrade(*, actor, quiz: Quiz, question: Question) -> int:
    """After a key is corrected (a new version), regrade the quiz's finished attempts against it.

    The corrected version must offer the same options (same identifiers; for matching the same left-hand items and
    right-hand texts), or the answers given would not mean the same thing; otherwise a ValidationError explains why.
    """
    from django.core.exceptions import ValidationError

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
        grade_attempt(attempt)
    audit(actor, "quiz.regrade", quiz, extra={"question": question.pk, "version": new_version.number,
                                              "attempts": len(attempt_ids)})
    return len(attempt_ids)


def final_grade(attempts: list[Attempt], method: str) -> Decimal | None:
    """The learner's grade for a quiz from their finished attempts, by the quiz's grading method."""
    graded = sorted((a for a in attempts if a.state == AttemptState.GRADED), key=lambda a: a.number)
    if not graded:
        return None
    if method == "highest":
        return max(a.percent for a in graded)
    if method == "last":
        return graded[-1].percent
    if method == "first":
        return graded[0].percent
    return (sum((a.percent for a in graded), Decimal(0)) / len(graded)).quantize(Decimal("0.01"))
