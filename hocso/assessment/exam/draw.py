"""Drawing a paper: the quiz's blueprint (fixed questions and random draws), read once a minute per worker, and the
draw itself (which questions, in which order, with which option order). Reads only: the start freezes the result.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal
from random import Random

from django.db import connection, models

from ..models import QuestionVersion, Quiz, QuizSlot
from ..option_ids import choice_ids
from ..quizzes.selectors import slot_matches
from .errors import ExamError
from .paper import option_texts


def _candidates(slot: QuizSlot) -> list[int]:
    """Question ids a random slot draws from (in id order: the draw's random choices depend on it)."""
    return sorted(slot_matches(slot).values_list("id", flat=True))


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
    option_texts: dict  # choice questions: option id → text, looked up once here rather than on every page


BLUEPRINT_SECONDS = 60
# Kept in this process's memory rather than Django's cache: the local-memory cache pickles what it keeps, and
# unpickling a blueprint (every candidate version's text and data) was a tenth of each start. What is kept is never
# changed afterwards (a draw copies the option order; the page copies what it shows).
_BLUEPRINTS: dict[str, tuple[float, tuple[list[_PlannedSlot], dict[int, _Drawable]]]] = {}
_BLUEPRINTS_MAX = 64


def forget_blueprints() -> None:
    """Drop every blueprint this process keeps (tests that count the first start's reads)."""
    _BLUEPRINTS.clear()


def _blueprint(quiz: Quiz) -> tuple[list[_PlannedSlot], dict[int, _Drawable]]:
    """The quiz's slots, each random slot's candidates, and the current version of every question they may draw.

    Read once a minute per worker, kept in its memory, instead of at every start (three queries and the versions'
    JSON at every start of the exam-day rush). The key follows the blueprint (quiz.updated_at, which every slot
    change moves) and the newest question version (an edit makes a version, so it reaches new papers at once); a
    question archived or moved reaches new papers within the minute. Versions are never deleted, so a cached one
    is always valid.
    """
    newest = getattr(quiz, "newest_version_id", None)  # read with the quiz by the start page (learner_and_quiz)
    if newest is None:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {QuestionVersion._meta.db_table}")
            newest = cursor.fetchone()[0]
    key = f"{quiz.pk}:{quiz.updated_at.timestamp()}:{newest}"
    now = time.monotonic()
    cached = _BLUEPRINTS.get(key)
    if cached is not None and cached[0] > now:
        return cached[1]
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
                               qtype=qtype, text=text, data=data or {}, option_texts=option_texts(data or {}))
        for version_id, question_id, qtype, data, default_mark, text in QuestionVersion.objects.filter(
            question__in=wanted, question__current_version=models.F("pk")
        ).values_list("id", "question_id", "question__qtype", "data", "default_mark", "text")
    }
    if len(_BLUEPRINTS) >= _BLUEPRINTS_MAX:
        _BLUEPRINTS.clear()
    _BLUEPRINTS[key] = (now + BLUEPRINT_SECONDS, (planned, versions))
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
    option_texts: dict


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
                                   qtype=drawable.qtype, text=drawable.text, data=drawable.data,
                                   option_texts=drawable.option_texts))
    return paper

