"""The demo's question bank, quizzes and a quarter of past attempts.

The bank and the quizzes go through the services a person's clicks would call (`bank.question_create`,
`quizzes.quiz_create` / `slot_add_random` / `quiz_publish`), and so do the demo learner's own attempts
(`exam.services.attempt_start`, `answer_save`, `attempt_submit`, `essay_grade` with `now=` in the past). The crowd's
hundreds of attempts are written in bulk (`_Crowd`) with exactly the rows those services write: the same draw,
deadlines, encoded responses and grades; test_seed_assessment regrades them with the services and compares.

The story: the province ran its quarterly test "Quý III/2026" in the second half of September (closed, 85 % of
the staff took it, as a compulsory test would have them; most essays graded); "Quý IV/2026" is open now, with
random draws, and some people have already taken it (their essays wait for the instructor); a practice quiz with
unlimited attempts is always open.
The demo learner account `hocvien` took Quý III and some practice, and has Quý IV still to do.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
import secrets
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.utils import timezone

from hocso.assessment.bank.services import category_create, question_create
from hocso.assessment.exam.grading import PaperQuestion, grade_paper, quantize_score
from hocso.assessment.exam.services import answer_save, attempt_start, attempt_submit, essay_grade
from hocso.assessment.models import (
    Answer,
    Attempt,
    AttemptQuestion,
    AttemptState,
    Category,
    Question,
    QuestionType,
    QuestionVersion,
    Quiz,
    QuizSlot,
    ReviewWhen,
)
from hocso.assessment.option_ids import choice_ids
from hocso.assessment.quizzes.services import quiz_create, quiz_publish, slot_add_random
from hocso.core.bulk import insert_rows
from hocso.org.models import Unit
from hocso.people.models import Learner, LearnerStatus

from . import data
from .question_bank import CATEGORIES, QUESTIONS, ROOT_DESCRIPTION, ROOT_NAME, DemoQuestion

Q3_TITLE = "Kiểm tra định kỳ chuyển đổi số Quý III/2026"
Q4_TITLE = "Kiểm tra định kỳ chuyển đổi số Quý IV/2026"
PRACTICE_TITLE = "Ôn tập kiến thức chuyển đổi số"
BATCH = 500
PAPER_FIELDS = ("attempt", "slot", "version", "mark", "option_order", "fraction", "score", "chosen", "comment",
                "graded_by", "graded_at")
# Who has taken what: shares of the demo's people, with a ceiling. The quarterly tests are compulsory for the
# audience, so most take them (and agencies reach the public ranking's participation floor, docs/campaigns.md).
Q3_TAKERS = (0.85, 100_000)
Q4_TAKERS = (0.03, 70)
PRACTICE_TAKERS = (0.02, 40)
# The three quarters before Quý III/2026 (oldest first), how many took each, and how much better people were
# prepared than in Quý III (negative: worse) — participation and results improve quarter after quarter.
PAST_QUARTERS = (("Quý IV/2025", 3, (0.68, 100_000), -0.08), ("Quý I/2026", 2, (0.74, 100_000), -0.05),
                 ("Quý II/2026", 1, (0.80, 100_000), -0.02))

# How well each target group does on average (a share of the questions answered right), before personal spread.
ABILITY = {
    "leaders": 0.66, "civil_servants": 0.68, "party_unions": 0.62, "education": 0.66, "health": 0.60,
    "public_service": 0.64, "support_staff": 0.52, "it_specialists": 0.82,
}
DIFFICULTY_SHIFT = {1: 0.15, 2: 0.0, 3: -0.2}
# Seconds a person spends on a question of each type (before their own pace).
THINK_SECONDS = {
    QuestionType.SINGLE: (20, 70), QuestionType.TRUE_FALSE: (12, 45), QuestionType.MULTIPLE: (40, 110),
    QuestionType.SHORT_ANSWER: (30, 90), QuestionType.MATCHING: (60, 160), QuestionType.ESSAY: (360, 1000),
}
# Quality of each sample essay (same order as DemoQuestion.essays), as a share of the mark an instructor gives.
ESSAY_QUALITY = (0.9, 0.35, 0.7)
ESSAY_COMMENTS = (
    (0.8, "Bài làm đầy đủ, có giải pháp cụ thể và cách đo kết quả."),
    (0.55, "Nêu được ý chính nhưng còn chung chung, cần cụ thể hơn."),
    (0.0, "Bài làm quá sơ sài, chưa trả lời đúng yêu cầu của tình huống."),
)


@dataclass
class AssessmentReport:
    questions: int = 0
    categories: int = 0
    quizzes: int = 0
    attempts: int = 0
    essays_graded: int = 0
    essays_waiting: int = 0
    # The quarterly quizzes that are over, oldest first, with their quarter ("Quý III/2026"): campaigns are built
    # on them (hocso/demo/campaigns.py).
    quarters: list[tuple[str, Quiz]] = field(default_factory=list)


def _local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(settings.TIME_ZONE))


# --- the bank ------------------------------------------------------------------------------------------------


def _create_bank(authors: dict) -> tuple[dict[str, Category], dict[int, DemoQuestion]]:
    admin = authors["admin"]
    root = category_create(actor=admin, name=ROOT_NAME, description=ROOT_DESCRIPTION)
    categories = {"root": root}
    for key, (name, owner, description) in CATEGORIES.items():
        categories[key] = category_create(actor=authors[owner], name=name, parent=root, description=description)
    specs: dict[int, DemoQuestion] = {}
    for spec in QUESTIONS:
        question = question_create(
            actor=authors[spec.owner], category=categories[spec.category], qtype=spec.qtype, name=spec.name,
            text=spec.text, data=spec.data, default_mark=Decimal(spec.mark), general_feedback=spec.feedback,
            difficulty=spec.difficulty, tags=list(spec.tags),
        )
        specs[question.pk] = spec
    return categories, specs


def _create_quizzes(authors: dict, root_unit: Unit, categories: dict[str, Category], now: dt.datetime):
    # The instructor (Trường Chính trị tỉnh) writes the province's tests, so grades their essays too.
    instructor = authors["giangvien"]
    # The quarter's dates, moved back only if the demo runs before they have passed.
    q3_close = min(_local(2026, 9, 30, 17), now - dt.timedelta(days=1))
    q3_open = q3_close - dt.timedelta(days=16, hours=9, minutes=30)
    q4_open = min(_local(2026, 10, 1, 7, 30), now - dt.timedelta(days=3))
    q4_close = max(_local(2026, 12, 31, 17), now + dt.timedelta(days=30))
    common = {"audience_unit": root_unit, "time_limit_minutes": 45, "attempts_allowed": 1, "pass_percent": Decimal(50),
              "shuffle_questions": True, "shuffle_options": True}
    q3 = quiz_create(
        actor=instructor, title=Q3_TITLE, open_at=q3_open, close_at=q3_close, review_when=ReviewWhen.AFTER_CLOSE,
        description="Kiểm tra định kỳ kiến thức, kỹ năng số của cán bộ, công chức, viên chức toàn tỉnh, quý III năm "
                    "2026: 22 câu hỏi rút ngẫu nhiên theo bốn chủ đề và 1 câu tự luận tình huống.",
        **common,
    )
    q4 = quiz_create(
        actor=instructor, title=Q4_TITLE, open_at=q4_open, close_at=q4_close, review_when=ReviewWhen.AFTER_CLOSE,
        description="Kiểm tra định kỳ quý IV năm 2026: 26 câu hỏi rút ngẫu nhiên theo bốn chủ đề và 1 câu tự luận "
                    "tình huống. Làm bài trong 45 phút; câu trả lời được lưu ngay khi chọn.",
        **common,
    )
    for quiz, counts in ((q3, (6, 6, 5, 5)), (q4, (7, 7, 6, 6))):
        for key, count in zip(("gov", "security", "data", "ai"), counts, strict=True):
            slot_add_random(actor=instructor, quiz=quiz, category=categories[key], count=count, mark=Decimal(1))
        slot_add_random(actor=instructor, quiz=quiz, category=categories["cases"], count=1, mark=Decimal(3))
        quiz_publish(actor=instructor, quiz=quiz)
    practice = quiz_create(
        actor=instructor, title=PRACTICE_TITLE, attempts_allowed=0, time_limit_minutes=None,
        review_when=ReviewWhen.AFTER_SUBMIT, audience_unit=root_unit,
        description="Luyện tập không giới hạn số lần: 12 câu ngẫu nhiên mỗi lần, xem đáp án ngay sau khi nộp.",
    )
    for key in ("gov", "security", "data", "ai"):
        slot_add_random(actor=instructor, quiz=practice, category=categories[key], count=3, mark=Decimal(1))
    quiz_publish(actor=instructor, quiz=practice)
    return q3, q4, practice


def _months_back(moment: dt.datetime, months: int) -> dt.datetime:
    """The same time `months` earlier; the last day of a month stays the last day (30/9 -> 30/6 -> 31/3)."""
    local = timezone.localtime(moment)
    index = local.year * 12 + local.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    is_last = local.day == calendar.monthrange(local.year, local.month)[1]
    return local.replace(year=year, month=month + 1, day=last if is_last else min(local.day, last))


def _create_past_quizzes(authors: dict, root_unit: Unit, categories: dict[str, Category], q3: Quiz) -> list[Quiz]:
    """The three earlier quarterly tests, each a quarter before the next, with Quý III's blueprint."""
    instructor = authors["giangvien"]
    quizzes = []
    for quarter, back, _takers, _shift in PAST_QUARTERS:
        close_at = _months_back(q3.close_at, 3 * back)
        quiz = quiz_create(
            actor=instructor, title=f"Kiểm tra định kỳ chuyển đổi số {quarter}",
            open_at=close_at - (q3.close_at - q3.open_at), close_at=close_at, review_when=ReviewWhen.AFTER_CLOSE,
            audience_unit=root_unit,
            time_limit_minutes=45, attempts_allowed=1, pass_percent=Decimal(50), shuffle_questions=True,
            shuffle_options=True,
            description=f"Kiểm tra định kỳ kiến thức, kỹ năng số của cán bộ, công chức, viên chức toàn tỉnh, "
                        f"{quarter}: 22 câu hỏi rút ngẫu nhiên theo bốn chủ đề và 1 câu tự luận tình huống.",
        )
        for key, count in zip(("gov", "security", "data", "ai"), (6, 6, 5, 5), strict=True):
            slot_add_random(actor=instructor, quiz=quiz, category=categories[key], count=count, mark=Decimal(1))
        slot_add_random(actor=instructor, quiz=quiz, category=categories["cases"], count=1, mark=Decimal(3))
        quiz_publish(actor=instructor, quiz=quiz)
        quizzes.append(quiz)
    return quizzes


# --- taking a quiz -------------------------------------------------------------------------------------------


def _respond(aq: PaperQuestion, spec: DemoQuestion, p: float, ability: float, rng: random.Random) -> dict:
    """What a person with a chance `p` of knowing this question answers."""
    qtype, qdata = aq.version.question.qtype, aq.version.data
    knows = rng.random() < p
    if qtype == QuestionType.SINGLE:
        options = qdata["options"]
        right = [o["id"] for o in options if Decimal(o["fraction"]) == 1]
        wrong = [o["id"] for o in options if Decimal(o["fraction"]) <= 0]
        return {"choice": rng.choice(right if knows or not wrong else wrong)}
    if qtype == QuestionType.MULTIPLE:
        chosen = []
        for option in qdata["options"]:
            correct = Decimal(option["fraction"]) > 0
            if (correct and rng.random() < p) or (not correct and rng.random() < (1 - p) * 0.6):
                chosen.append(option["id"])
        return {"choices": chosen or [rng.choice(qdata["options"])["id"]]}
    if qtype == QuestionType.TRUE_FALSE:
        return {"value": qdata["correct"] if knows else not qdata["correct"]}
    if qtype == QuestionType.SHORT_ANSWER:
        if knows:
            best = [a["text"] for a in qdata["answers"] if Decimal(a["fraction"]) == 1]
            text = rng.choice(best)
            return {"text": text.lower() if rng.random() < 0.3 else text}
        return {"text": rng.choice(spec.wrong or ("không nhớ",))}
    if qtype == QuestionType.MATCHING:
        rights = [p_["id"] for p_ in qdata["pairs"]] + [d["id"] for d in qdata["distractors"]]
        pairs = {}
        for pair in qdata["pairs"]:
            pairs[pair["id"]] = pair["id"] if rng.random() < p else rng.choice([r for r in rights if r != pair["id"]])
        return {"pairs": pairs}
    # Essay: better writers more often hand in the fuller answer.
    weights = [ability, 1 - ability, 0.6][: len(spec.essays)]
    return {"text": rng.choices(spec.essays, weights=weights)[0]}


@dataclass
class _Sitting:
    """One person's way through a paper: the saves they made (slot, response, seq, when) and when they submitted."""

    saves: list[tuple[int, dict, int, dt.datetime]]
    submitted_at: dt.datetime | None  # None: time ran out first


def _sit(paper: Sequence[PaperQuestion], *, start: dt.datetime, deadline: dt.datetime | None, ability: float,
         specs: dict[int, DemoQuestion], rng: random.Random) -> _Sitting:
    """Answer one question after the other at the person's pace, sometimes leaving one blank or changing one's mind."""
    pace = 1.3 - 0.5 * ability
    moment = start + dt.timedelta(seconds=rng.randint(40, 150))
    saves = []
    for aq in paper:
        question = aq.version.question
        low, high = THINK_SECONDS[question.qtype]
        moment += dt.timedelta(seconds=rng.uniform(low, high) * pace)
        if deadline is not None and moment >= deadline:
            return _Sitting(saves, None)
        if rng.random() < 0.03:  # left blank
            continue
        p = min(0.98, max(0.03, ability + DIFFICULTY_SHIFT[question.difficulty]))
        spec = specs[question.pk]
        saves.append((aq.slot, _respond(aq, spec, p, ability, rng), 1, moment))
        second_thought = moment + dt.timedelta(seconds=rng.randint(5, 40))
        if rng.random() < 0.08 and (deadline is None or second_thought < deadline):
            moment = second_thought
            saves.append((aq.slot, _respond(aq, spec, p, ability, rng), 2, moment))
    moment += dt.timedelta(seconds=rng.randint(20, 180))  # a last look before submitting
    return _Sitting(saves, moment if deadline is None or moment < deadline else None)


def _take(
    *, learner: Learner, quiz: Quiz, start: dt.datetime, ability: float, specs: dict[int, DemoQuestion],
    rng: random.Random,
) -> Attempt:
    """The demo learner's own attempts go through the services one call at a time, as the exam pages make them."""
    # UTC: answer_save compares its `now` with stored times in raw SQL, and SQLite compares them as text.
    start = start.astimezone(dt.UTC)
    attempt = attempt_start(learner=learner, quiz=quiz, now=start)
    paper = list(attempt.questions.select_related("version__question").order_by("slot"))
    sitting = _sit(paper, start=start, deadline=attempt.deadline, ability=ability, specs=specs, rng=rng)
    qtypes = {aq.slot: aq.version.question.qtype for aq in paper}
    datas = {aq.slot: aq.version.data for aq in paper}
    ids = attempt.option_ids
    for slot, response, seq, moment in sitting.saves:
        # The exam page shows options under the attempt's aliases, and sends those back.
        answer_save(token=attempt.token, slot=slot, response=ids.encode(slot, qtypes[slot], datas[slot], response),
                    seq=seq, now=moment)
    if sitting.submitted_at is not None:
        return attempt_submit(attempt=attempt, now=sitting.submitted_at)
    return attempt_submit(attempt=attempt, auto=True, now=attempt.deadline + _grace())


def _grace() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "HOCSO_EXAM_SAVE_GRACE_SECONDS", 5))


class _Drawer:
    """`exam.draw.draw_paper` with the quiz's slots and question versions loaded once, not once per attempt.

    Same steps, same use of the random generator: test_seed_assessment draws with both from the same seed and
    compares the papers.
    """

    def __init__(self, quiz: Quiz) -> None:
        self.quiz = quiz
        self.slots = list(quiz.slots.select_related("question", "category").order_by("position"))
        self.pools: dict[int, list[int]] = {}
        for slot in self.slots:
            if slot.is_random:
                qs = Question.objects.filter(is_archived=False, current_version__isnull=False)
                if slot.include_subcategories:
                    qs = qs.filter(category__path__startswith=slot.category.path)
                else:
                    qs = qs.filter(category=slot.category)
                if slot.difficulty:
                    qs = qs.filter(difficulty=slot.difficulty)
                if slot.tag_id:
                    qs = qs.filter(tags=slot.tag_id)
                self.pools[slot.pk] = sorted(qs.values_list("id", flat=True))
        self.versions = {
            v.question_id: v
            for v in QuestionVersion.objects.filter(question__current_version=F("pk")).select_related("question")
        }

    def draw(self, rng: random.Random) -> list[tuple[QuestionVersion, Decimal, list[str]]]:
        used = {s.question_id for s in self.slots if not s.is_random}
        picks: list[tuple[int, QuizSlot]] = []
        for slot in self.slots:
            if not slot.is_random:
                picks.append((slot.question_id, slot))
                continue
            chosen = rng.sample([qid for qid in self.pools[slot.pk] if qid not in used], slot.count)
            used.update(chosen)
            picks.extend((qid, slot) for qid in chosen)
        if self.quiz.shuffle_questions:
            rng.shuffle(picks)
        paper = []
        for qid, slot in picks:
            version = self.versions[qid]
            order = choice_ids(version.question.qtype, version.data)
            if self.quiz.shuffle_options and version.data.get("shuffle", True):
                rng.shuffle(order)
            paper.append((version, slot.mark if slot.mark is not None else version.default_mark, order))
        return paper


@dataclass(slots=True)
class _PaperRow:
    """One question of a crowd attempt's paper: an AttemptQuestion's columns without a model instance (there are
    hundreds of thousands); grading fills in the rest, `_Crowd.write` inserts it."""

    slot: int
    version: QuestionVersion
    mark: Decimal
    option_order: list[str]
    fraction: Decimal | None = None
    score: Decimal | None = None
    chosen: list[str] | None = None
    comment: str = ""
    graded_by_id: int | None = None
    graded_at: dt.datetime | None = None


class _Crowd:
    """Everyone else's attempts, written in bulk: the same rows the services write, many times faster.

    The paper is drawn as `exam.draw.draw_paper` draws it, the deadline follows `attempt_start`, the grades are
    `exam.grading.grade_paper`'s (what `grade_attempt` saves) and, for essays, `essay_grade`'s; test_seed_assessment
    regrades the result with the services and compares.
    """

    def __init__(self, specs: dict[int, DemoQuestion], instructor, rng: random.Random) -> None:
        self.specs, self.instructor, self.rng = specs, instructor, rng
        # Each attempt with its paper and its answers as (slot, response, seq, saved_at).
        self.rows: list[tuple[Attempt, list[_PaperRow], list[tuple[int, dict, int, dt.datetime]]]] = []
        self.drawers: dict[int, _Drawer] = {}

    def take(self, *, learner: Learner, quiz: Quiz, number: int, start: dt.datetime, ability: float,
             grade_essays: float = 0.0) -> Attempt:
        rng = self.rng
        if quiz.pk not in self.drawers:
            self.drawers[quiz.pk] = _Drawer(quiz)
        drawn = self.drawers[quiz.pk].draw(rng)
        deadline = start + dt.timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
        if quiz.close_at and (deadline is None or deadline > quiz.close_at):
            deadline = quiz.close_at
        attempt = Attempt(
            quiz=quiz, learner=learner, unit_id=learner.unit_id, number=number, token=secrets.token_urlsafe(32),
            question_count=len(drawn), started_at=start, deadline=deadline,
            max_score=sum((mark for _v, mark, _o in drawn), Decimal(0)),
        )
        paper = [_PaperRow(slot=index, version=version, mark=mark, option_order=order)
                 for index, (version, mark, order) in enumerate(drawn, start=1)]
        sitting = _sit(paper, start=start, deadline=deadline, ability=ability, specs=self.specs, rng=rng)
        latest = {slot: (response, seq, moment) for slot, response, seq, moment in sitting.saves}
        attempt.submitted_at = sitting.submitted_at or deadline + _grace()
        attempt.auto_submitted = sitting.submitted_at is None
        responses = {slot: response for slot, (response, _seq, _moment) in latest.items()}
        for aq in paper:
            text = (responses.get(aq.slot) or {}).get("text")
            if aq.version.question.qtype == QuestionType.ESSAY and text and rng.random() < grade_essays:
                self._grade_essay(aq, text, after=attempt.submitted_at)
        grade_paper(attempt, paper, responses, pass_percent=quiz.pass_percent)
        # Stored as the exam page sends them: under the attempt's option aliases (graded above in the bank's ids).
        ids, versions = attempt.option_ids, {aq.slot: aq.version for aq in paper}
        answers = []
        for slot, (response, seq, moment) in latest.items():
            version = versions[slot]
            answers.append((slot, ids.encode(slot, version.question.qtype, version.data, response), seq, moment))
        self.rows.append((attempt, paper, answers))
        return attempt

    def _grade_essay(self, aq: _PaperRow, text: str, *, after: dt.datetime) -> None:
        essays = self.specs[aq.version.question_id].essays
        quality = ESSAY_QUALITY[essays.index(text)] if text in essays else 0.5
        fraction = min(1.0, max(0.0, self.rng.gauss(quality, 0.08)))
        score = quantize_score(Decimal(str(round(fraction * 4) / 4)) * aq.mark)
        aq.score, aq.fraction = score, score / aq.mark
        aq.comment = next(c for floor, c in ESSAY_COMMENTS if fraction >= floor)
        aq.graded_by_id = self.instructor.pk
        aq.graded_at = after + dt.timedelta(days=self.rng.randint(1, 6), hours=self.rng.randint(0, 8))

    def write(self) -> int:
        # bulk_create fills in the attempts' primary keys; the papers and answers (hundreds of thousands of rows in
        # the default demo) go in as plain rows, many times faster than through model instances.
        Attempt.objects.bulk_create([attempt for attempt, _paper, _answers in self.rows], batch_size=BATCH)
        insert_rows(AttemptQuestion, PAPER_FIELDS, (
            (attempt.pk, aq.slot, aq.version.pk, aq.mark, aq.option_order, aq.fraction, aq.score, aq.chosen,
             aq.comment, aq.graded_by_id, aq.graded_at)
            for attempt, paper, _answers in self.rows for aq in paper
        ))
        insert_rows(Answer, ("attempt", "slot", "response", "seq", "saved_at"), (
            (attempt.pk, *answer) for attempt, _paper, answers in self.rows for answer in answers
        ))
        return len(self.rows)


def _ability(learner: Learner, rng: random.Random) -> float:
    base = ABILITY.get(learner.target_group.code if learner.target_group else "", 0.62)
    return min(0.97, max(0.2, rng.gauss(base, 0.13)))


def _working_moment(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """A moment in office hours (7:30-16:15, Monday to Friday) between start and end."""
    for _try in range(200):
        day = (start + dt.timedelta(days=rng.randrange(max(1, (end - start).days + 1)))).date()
        if day.weekday() >= 5:
            continue
        moment = _local(day.year, day.month, day.day, 7, 30) + dt.timedelta(minutes=rng.randrange(0, 525))
        if start <= moment <= end:
            return moment
    return start + (end - start) / 2


def _user_id(username: str) -> int | None:
    return get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()


# --- entry points --------------------------------------------------------------------------------------------


def seed_assessment(
    *, admin, root: Unit, seed: int, progress: Callable[[str], None] | None = None
) -> AssessmentReport:
    """Create the bank, the three quizzes and past attempts. Called by `build_demo` inside its transaction."""
    say = progress or (lambda _message: None)
    rng = random.Random(seed * 31 + 4)
    now = timezone.now()
    instructor = get_user_model().objects.get(username="giangvien")
    authors = {"admin": admin, "giangvien": instructor}
    report = AssessmentReport()

    categories, specs = _create_bank(authors)
    report.categories, report.questions = len(categories), len(specs)
    q3, q4, practice = _create_quizzes(authors, root, categories, now)
    report.quizzes = 3

    people = list(
        Learner.objects.filter(unit__path__startswith=root.path, status=LearnerStatus.ACTIVE)
        .select_related("unit", "target_group").order_by("pk")
    )
    anh_user = _user_id("hocvien")
    anh = next((p for p in people if anh_user is not None and p.user_id == anh_user), None)
    others = [p for p in people if p is not anh]
    rng.shuffle(others)

    def share(rule: tuple[float, int]) -> int:
        return min(rule[1], max(1, round(len(people) * rule[0])))

    q3_people = others[: share(Q3_TAKERS)]
    q4_people = others[len(q3_people) : len(q3_people) + share(Q4_TAKERS)]
    practice_people = rng.sample(q3_people, min(share(PRACTICE_TAKERS), len(q3_people)))
    crowd = _Crowd(specs, instructor, rng)

    # Quý III: taken in the second half of September; 85% of the essays graded since.
    for person in q3_people:
        start = _working_moment(rng, q3.open_at, q3.close_at - dt.timedelta(minutes=50))
        crowd.take(learner=person, quiz=q3, number=1, start=start, ability=_ability(person, rng), grade_essays=0.85)
    # Quý IV: open now; the first people have taken it, their essays wait for the instructor.
    for person in q4_people:
        start = _working_moment(rng, q4.open_at, now - dt.timedelta(hours=2))
        crowd.take(learner=person, quiz=q4, number=1, start=start, ability=_ability(person, rng))
    # Practice: one to three rounds each over the last weeks, getting a little better every time.
    for person in practice_people:
        ability = _ability(person, rng)
        moment = _working_moment(rng, now - dt.timedelta(days=75), now - dt.timedelta(days=20))
        for number in range(1, rng.choice((1, 1, 2, 3)) + 1):
            attempt = crowd.take(learner=person, quiz=practice, number=number, start=moment, ability=ability)
            ability = min(0.97, ability + 0.06)
            moment = attempt.submitted_at + dt.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 5))
    report.attempts = crowd.write()

    # The three earlier quarters, with their own random generator so that everything above stays as it was.
    past_rng = random.Random(seed * 31 + 5)
    past_crowd = _Crowd(specs, instructor, past_rng)
    past = _create_past_quizzes(authors, root, categories, q3)
    report.quizzes += len(past)
    for quiz, (quarter, _back, takers, shift) in zip(past, PAST_QUARTERS, strict=True):
        for person in past_rng.sample(others, min(share(takers), len(others))):
            start = _working_moment(past_rng, quiz.open_at, quiz.close_at - dt.timedelta(minutes=50))
            ability = min(0.97, max(0.2, _ability(person, past_rng) + shift))
            past_crowd.take(learner=person, quiz=quiz, number=1, start=start, ability=ability, grade_essays=1.0)
        report.quarters.append((quarter, quiz))
    report.quarters.append(("Quý III/2026", q3))
    report.attempts += past_crowd.write()

    if anh is not None:
        # The demo learner: Quý III (essay graded by the instructor) and two practice rounds; Quý IV still to do.
        start = _working_moment(rng, q3.open_at, q3.close_at - dt.timedelta(minutes=50))
        # Her paper is drawn at random, as for anyone; well prepared, she passes whatever the draw (the tour says so).
        attempt = _take(learner=anh, quiz=q3, start=start, ability=0.9, specs=specs, rng=rng)
        for aq in attempt.questions.filter(version__question__qtype=QuestionType.ESSAY, score__isnull=True):
            essay_grade(actor=instructor, attempt_question=aq, score=quantize_score(aq.mark * Decimal("0.75")),
                        comment=ESSAY_COMMENTS[0][1])
        moment = now - dt.timedelta(days=12)
        for ability in (0.7, 0.8):
            attempt = _take(learner=anh, quiz=practice, start=moment, ability=ability, specs=specs, rng=rng)
            moment = attempt.submitted_at + dt.timedelta(days=4)
        report.attempts += 3

    essays = AttemptQuestion.objects.filter(attempt__quiz__in=[q3, q4], version__question__qtype=QuestionType.ESSAY)
    report.essays_graded = essays.filter(graded_by__isnull=False).count()
    report.essays_waiting = essays.filter(attempt__state=AttemptState.NEEDS_GRADING, score__isnull=True).count()
    say(f"question bank: {report.questions} questions in {report.categories} categories; {report.quizzes} quizzes, "
        f"{report.attempts} past attempts ({report.essays_graded} essays graded, {report.essays_waiting} waiting)")
    return report


def reset_assessment(root: Unit | None) -> dict[str, int]:
    """Delete the demo bank, the quizzes drawn from it or meant for the demo province, and their attempts."""
    deleted: Counter[str] = Counter()
    usernames = [username for username, *_rest in data.DEMO_ACCOUNTS]
    bank_root = Category.objects.filter(parent=None, name=ROOT_NAME, description=ROOT_DESCRIPTION).first()
    categories = Category.objects.filter(path__startswith=bank_root.path) if bank_root else Category.objects.none()
    questions = Question.objects.filter(category__in=categories)

    quizzes = Q(slots__category__in=categories) | Q(slots__question__in=questions) | Q(owner__username__in=usernames)
    attempts = Q(questions__version__question__in=questions)
    if root is not None:
        quizzes |= Q(audience_unit__path__startswith=root.path)
        attempts |= Q(unit__path__startswith=root.path) | Q(learner__unit__path__startswith=root.path)
        attempts |= Q(learner__memberships__unit__path__startswith=root.path)
    quiz_ids = set(Quiz.objects.filter(quizzes).values_list("pk", flat=True))
    attempt_ids = set(Attempt.objects.filter(attempts | Q(quiz_id__in=quiz_ids)).values_list("pk", flat=True))
    for ids in (sorted(attempt_ids)[i : i + 500] for i in range(0, len(attempt_ids), 500)):
        deleted["attempts"] += Attempt.objects.filter(pk__in=ids).delete()[1].get("assessment.Attempt", 0)
    deleted["quizzes"] = Quiz.objects.filter(pk__in=quiz_ids).delete()[1].get("assessment.Quiz", 0)
    # A question points at its current version and a category at its parent (both protected): unhook, then delete.
    questions.update(current_version=None)
    deleted["questions"] = questions.delete()[1].get("assessment.Question", 0)
    categories.update(parent=None)
    deleted["question categories"] = categories.delete()[1].get("assessment.Category", 0)
    return dict(deleted)
