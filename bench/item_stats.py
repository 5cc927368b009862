"""Time the quiz item analysis and results on 25,000 graded attempts. Prints figures; asserts nothing.

    .venv/bin/python bench/item_stats.py                      # SQLite (var/bench-items.sqlite3)
    .venv/bin/python bench/item_stats.py --database-url postgres://postgres@127.0.0.1:5432/hocso_bench_items

The data is built once with bulk_create and reused by later runs (--rebuild builds it again): 12,500 people who
each sat one quiz twice (25,000 graded attempts), 20 questions per attempt (5 fixed, 15 drawn from a bank of 55:
single choice, multiple choice, true/false), so 500,000 paper rows and 500,000 answers. Answers follow a simple
item-response model (each person an ability, each question a difficulty and a discrimination), so the statistics
have something to find. With --database-url the figures are taken on SQLite, then on that database, each in its
own process. Each figure is the median and 95th percentile of --repeat runs after one warm-up run, with the number
of SQL statements one run issues.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from benchlib import StatementCounter

ROOT = Path(__file__).resolve().parent.parent
MARKER = "bench:item-stats"


def build(args: argparse.Namespace):
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from hocso.assessment.bank.scoring import chosen_options
    from hocso.assessment.bank.services import category_create, question_create
    from hocso.assessment.models import Answer, Attempt, AttemptQuestion, AttemptState, Question, QuestionType
    from hocso.assessment.quizzes.services import quiz_create, quiz_publish, slot_add_fixed, slot_add_random
    from hocso.core.text import person_sort_key, search_key
    from hocso.org.models import UnitKind
    from hocso.org.services import unit_create
    from hocso.people.models import Learner

    rng = random.Random(20261215)
    User = get_user_model()
    admin = User.objects.filter(username="bench-admin").first()
    if admin is None:
        admin = User.objects.create_superuser("bench-admin", password=None)
    unit = unit_create(actor=admin, parent=None, name=f"Tỉnh thử nghiệm {MARKER}", kind=UnitKind.PROVINCE,
                       audited=False)
    category = category_create(actor=admin, name=f"Ngân hàng {MARKER}")
    single = {"options": [{"id": k, "text": f"Phương án {k.upper()}", "fraction": 1 if k == "a" else 0}
                          for k in "abcd"]}
    multiple = {"options": [{"id": k, "text": f"Phương án {k.upper()}", "fraction": "0.5" if k in "ab" else 0}
                            for k in "abcd"]}
    questions = []
    for i in range(60):
        qtype = QuestionType.TRUE_FALSE if i % 6 == 4 else QuestionType.MULTIPLE if i % 6 == 5 else QuestionType.SINGLE
        data = {"correct": True} if qtype == QuestionType.TRUE_FALSE else multiple if qtype == "multiple" else single
        questions.append(question_create(actor=admin, category=category, qtype=qtype, name=f"Câu {i + 1:02d}",
                                         text=f"<p>Câu hỏi số {i + 1}?</p>", data=data, audited=False))
    quiz = quiz_create(actor=admin, title=f"Kiểm tra {MARKER}", attempts_allowed=2, pass_percent=Decimal(50),
                       shuffle_questions=False, shuffle_options=False)
    fixed = questions[:5]
    for question in fixed:
        slot_add_fixed(actor=admin, quiz=quiz, question=question)
    slot_add_random(actor=admin, quiz=quiz, category=category, count=15)
    quiz_publish(actor=admin, quiz=quiz)
    pool = [q for q in questions if q not in fixed]
    versions = {q.pk: q.current_version_id for q in Question.objects.filter(pk__in=[q.pk for q in questions])}
    datas = {q.pk: q.current_version.data for q in Question.objects.filter(pk__in=[q.pk for q in questions])
             .select_related("current_version")}
    difficulty = {q.pk: rng.uniform(-1.5, 1.5) for q in questions}
    slope = {q.pk: rng.uniform(0.2, 2.2) for q in questions}

    people = args.attempts // 2
    learners = []
    for i in range(people):
        learner = Learner(family_name="Nguyễn", middle_name="Văn", given_name=f"Thử {i:05d}", unit=unit)
        learner.sort_key = person_sort_key(learner.family_name, learner.middle_name, learner.given_name)
        learner.search_key = search_key(learner.full_name)
        learners.append(learner)
    Learner.objects.bulk_create(learners, batch_size=2000)
    learner_ids = list(Learner.objects.filter(unit=unit).order_by("pk").values_list("pk", flat=True))
    ability = {pk: rng.gauss(0, 1) for pk in learner_ids}

    def respond(qtype: str, question_id: int, theta: float) -> tuple[dict | None, Decimal]:
        if rng.random() < 0.03:
            return None, Decimal(0)
        right = rng.random() < 1 / (1 + math.exp(-slope[question_id] * (theta - difficulty[question_id])))
        if qtype == QuestionType.TRUE_FALSE:
            return {"value": right}, Decimal(1 if right else 0)
        if qtype == QuestionType.MULTIPLE:
            if right:
                return {"choices": ["a", "b"]}, Decimal(1)
            return ({"choices": ["a", "c"]}, Decimal("0.5")) if rng.random() < 0.5 else ({"choices": ["d"]}, Decimal(0))
        return ({"choice": "a"}, Decimal(1)) if right else ({"choice": rng.choice("bcd")}, Decimal(0))

    now = timezone.now()
    started = time.perf_counter()
    chunk = 1000
    qtypes = {q.pk: q.qtype for q in questions}
    for offset in range(0, len(learner_ids), chunk // 2):
        with transaction.atomic():
            attempts = []
            for learner_id in learner_ids[offset:offset + chunk // 2]:
                for number in (1, 2):
                    attempts.append(Attempt(
                        quiz=quiz, learner_id=learner_id, unit=unit, number=number, state=AttemptState.GRADED,
                        token=f"{learner_id}-{number}-{rng.getrandbits(64):x}", question_count=20,
                        started_at=now, submitted_at=now, max_score=Decimal(20),
                    ))
            Attempt.objects.bulk_create(attempts)
            papers, answers = [], []
            for attempt in attempts:
                theta = ability[attempt.learner_id] + (0.2 if attempt.number == 2 else 0)
                drawn = fixed + rng.sample(pool, 15)
                total = Decimal(0)
                ids = attempt.option_ids
                for slot, question in enumerate(drawn, start=1):
                    qtype = qtypes[question.pk]
                    response, fraction = respond(qtype, question.pk, theta)
                    total += fraction
                    # What grading stores: the options chosen, in the bank's ids.
                    papers.append(AttemptQuestion(attempt_id=attempt.pk, slot=slot, version_id=versions[question.pk],
                                                  mark=Decimal(1), fraction=fraction, score=fraction,
                                                  chosen=chosen_options(qtype, response)))
                    if response is not None:  # stored as the exam page sends it: under the attempt's aliases
                        answers.append(Answer(attempt_id=attempt.pk, slot=slot, seq=1, saved_at=now,
                                              response=ids.encode(slot, qtype, datas[question.pk], response)))
                attempt.score = total
                attempt.percent = (total * 100 / 20).quantize(Decimal("0.01"))
                attempt.passed = attempt.percent >= 50
            Attempt.objects.bulk_update(attempts, ["score", "percent", "passed"], batch_size=1000)
            AttemptQuestion.objects.bulk_create(papers, batch_size=5000)
            Answer.objects.bulk_create(answers, batch_size=5000)
        if offset % 5000 == 0:
            print(f"  {offset * 2:,} attempts…", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # both engines: fresh planner statistics for the figures
    print(f"  inserted in {time.perf_counter() - started:.1f} s", flush=True)
    return quiz


def worker(args: argparse.Namespace) -> None:
    os.environ["DATABASE_URL"] = args.worker
    os.environ["HOCSO_TESTING"] = "1"  # plain static storage: the pages render without collectstatic
    os.environ["DEBUG"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hocso.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from hocso.assessment.models import Answer, Attempt, AttemptQuestion, Quiz
    from hocso.assessment.statistics.exports import results_xlsx
    from hocso.assessment.statistics.item_analysis import quiz_statistics
    from hocso.assessment.statistics.selectors import result_rows

    engine = connection.vendor
    call_command("migrate", verbosity=0)
    quiz = Quiz.objects.filter(title=f"Kiểm tra {MARKER}").first()
    if quiz is not None and Attempt.objects.filter(quiz=quiz).count() != args.attempts:
        sys.exit(f"{engine}: a benchmark quiz of another size exists; use a fresh database (or drop it).")
    if quiz is None:
        if Quiz.objects.exists():
            sys.exit(f"{engine}: the database has other quizzes; use an empty database for the benchmark.")
        print(f"[{engine}] building {args.attempts:,} graded attempts…", flush=True)
        quiz = build(args)
    attempts = Attempt.objects.filter(quiz=quiz).count()
    papers = AttemptQuestion.objects.filter(attempt__quiz=quiz).count()
    answers = Answer.objects.filter(attempt__quiz=quiz).count()
    print(f"[{engine}] {attempts:,} attempts, {papers:,} paper rows, {answers:,} answers", flush=True)

    admin = get_user_model().objects.get(username="bench-admin")
    client = Client()
    client.force_login(admin)

    def page(url: str) -> Callable[[], object]:
        def fetch():
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} answered {response.status_code}")
            return response

        return fetch

    def first_page() -> int:
        rows = result_rows(actor=admin, quiz=quiz)
        return rows.count() + len(list(rows[:50]))

    operations: list[tuple[str, Callable[[], object], int]] = [
        ("quiz_statistics: all graded attempts", lambda: quiz_statistics(quiz=quiz), args.repeat),
        ("quiz_statistics: first attempts", lambda: quiz_statistics(quiz=quiz, which="first"), args.repeat),
        ("result_rows: count + first page of 50", first_page, args.repeat),
        ("results_xlsx: every person (12,500 rows)", lambda: results_xlsx(actor=admin, quiz=quiz), 3),
        (f"page GET /kiem-tra/de-thi/{quiz.pk}/thong-ke/", page(f"/kiem-tra/de-thi/{quiz.pk}/thong-ke/"), args.repeat),
        (f"page GET /kiem-tra/de-thi/{quiz.pk}/ket-qua/", page(f"/kiem-tra/de-thi/{quiz.pk}/ket-qua/"), args.repeat),
    ]
    print(f"\n[{engine}] after 1 warm-up run")
    print(f"{'operation':<52} {'runs':>5} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for label, operation, repeat in operations:
        operation()
        statements = StatementCounter()
        with connection.execute_wrapper(statements):
            operation()
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            operation()
            timings.append((time.perf_counter() - started) * 1000)
        p95 = statistics.quantiles(timings, n=20)[18] if len(timings) >= 2 else timings[0]
        print(f"{label:<52} {repeat:>5} {statistics.median(timings):>10.1f} {p95:>8.1f} {statements.count:>8}",
              flush=True)
    stats = quiz_statistics(quiz=quiz)
    print(f"[{engine}] {len(stats.items)} question versions analysed, {stats.flagged_count} flagged; "
          f"mean {stats.mean:.2f}%, SD {stats.sd:.2f}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="also run on this database (e.g. PostgreSQL)")
    parser.add_argument("--sqlite-path", default=str(ROOT / "var" / "bench-items.sqlite3"))
    parser.add_argument("--attempts", type=int, default=25000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="delete the SQLite file and build it again")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    sqlite_path = Path(args.sqlite_path)
    sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    if args.rebuild and sqlite_path.exists():
        sqlite_path.unlink()
    urls = [f"sqlite:///{sqlite_path.resolve()}"]
    if args.database_url:
        urls.append(args.database_url)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    passthrough = [f"--attempts={args.attempts}", f"--repeat={args.repeat}"]
    for url in urls:
        subprocess.run([sys.executable, __file__, f"--worker={url}", *passthrough], check=True)


if __name__ == "__main__":
    main()
