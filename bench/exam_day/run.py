"""Exam day in one scenario: learners arrive, open their home page and the quiz, start, answer with think time, some
lose the connection and resume, most submit in the last minutes, the server submits the rest at the deadline.

    .venv/bin/python bench/exam_day/run.py [--learners 25000] [--time-scale 1] [--window-minutes 5] ...
    .venv/bin/python bench/exam_day/run.py --learners 2000 --time-scale 0.05       # a few minutes

Preparation, server and CPU accounting are bench/exam_load's (`prepare`, `gunicorn`, `/proc` per process); the
learners are a small asyncio client (raw streams, one connection per request as a browser talking to sync workers
does) in this process, whose CPU per request is printed. Every time (arrivals, think times, exam length, the
overdue worker's period) is multiplied by --time-scale; the grace after the deadline (5 s) is the server's own.
Afterwards it checks in the database that every acknowledged save (HTTP 200) is stored with its sequence number and
answer, and that every attempt is graded.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # bench/: benchlib and exam_load
from benchlib import ATTEMPT_RE, TOKEN_RE, ensure_database, paper_answers  # noqa: E402
from exam_load.run import (  # noqa: E402
    QUESTIONS,
    SAVE_PATH,
    SUBMIT_PATH,
    _autoanalyze,
    _cpu_seconds,
    _database_processes,
    _server_processes,
    free_port,
    get,
    gunicorn,
    manage,
    prepare,
    server_environment,
)

REPO = HERE.parents[1]
WORK = REPO / "var" / "bench-exam-day"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/hocso_bench_day"  # not exam_load's: both may run
KINDS = ("home", "quiz page", "start", "save", "resume", "submit", "auto-submit")


def parse_args() -> argparse.Namespace:
    cores = multiprocessing.cpu_count()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=25_000, help="learners sitting the exam (default 25,000)")
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="multiply every duration by this (0.05: a 45-minute exam in 2.25 minutes)")
    parser.add_argument("--window-minutes", type=float, default=5, help="start window (default 5)")
    parser.add_argument("--burst", type=float, default=0.4,
                        help="share of the learners arriving in the opening minute (default 0.4); the rest arrive "
                             "evenly over the window")
    parser.add_argument("--exam-minutes", type=float, default=45,
                        help="from the opening to the deadline (the quiz closes then; default 45)")
    parser.add_argument("--think-seconds", type=float, default=60, help="mean think time per question (default 60)")
    parser.add_argument("--last-minutes", type=float, default=8,
                        help="learners who submit do it in this many last minutes, or when they finish after that")
    parser.add_argument("--no-submit", type=float, default=0.1,
                        help="share of learners who never press submit (the server submits them; default 0.1)")
    parser.add_argument("--resume", type=float, default=0.03,
                        help="share of learners who lose the connection once and load the exam page again")
    parser.add_argument("--bucket-seconds", type=float, default=30, help="throughput buckets, real seconds")
    parser.add_argument("--healthz-seconds", type=float, default=10, help="length of the /healthz ceiling phase")
    parser.add_argument("--healthz-concurrency", type=int, default=16)
    parser.add_argument("--max-connections", type=int, default=512, help="client's open connections at most")
    parser.add_argument("--workers", type=int, default=2 * cores, help="gunicorn workers (default 2 per core)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    args = parser.parse_args()
    args.users = args.learners  # exam_load's prepare() reads --users
    args.worker_class, args.threads = "sync", 1
    return args


# --- the client ----------------------------------------------------------------------------------------------


@dataclass
class Record:
    kind: str
    ended: float  # seconds since the opening
    ms: float
    ok: bool


@dataclass
class Client:
    port: int
    opening: float  # time.monotonic() of the opening
    limit: asyncio.Semaphore
    records: list[Record] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    acked: dict[tuple[int, int], tuple[int, dict]] = field(default_factory=dict)  # (attempt, slot) → seq, answer
    submitted: set[int] = field(default_factory=set)

    async def request(self, kind: str, method: str, path: str, headers: dict[str, str], body: bytes = b""
                      ) -> tuple[int, str]:
        """One HTTP/1.0 request on its own connection (gunicorn's sync workers close it after each response), with
        a bare asyncio protocol: streams cost about twice the CPU per request."""
        head = [f"{method} {path} HTTP/1.0", f"Host: 127.0.0.1:{self.port}", *(f"{k}: {v}" for k, v in headers.items())]
        if body:
            head.append(f"Content-Length: {len(body)}")
        payload = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        loop = asyncio.get_running_loop()
        async with self.limit:
            started = time.monotonic()
            try:
                done = loop.create_future()
                transport, _protocol = await loop.create_connection(lambda: _Exchange(payload, done), "127.0.0.1",
                                                                    self.port)
                try:
                    data = await asyncio.wait_for(done, 120)
                finally:
                    transport.close()
                status = int(data[9:12])
                text = data.split(b"\r\n\r\n", 1)[1].decode("utf-8", "replace")
            except (TimeoutError, OSError, ValueError, IndexError) as error:
                status, text = 0, type(error).__name__
        ended = time.monotonic()
        ok = status == 200
        self.records.append(Record(kind, ended - self.opening, (ended - started) * 1000, ok))
        if not ok:
            self.errors[f"{kind}: HTTP {status} {text[:80] if status else text}"] += 1
        return status, text


class _Exchange(asyncio.Protocol):
    """Send the request, gather the response until the server closes the connection."""

    def __init__(self, payload: bytes, done: asyncio.Future) -> None:
        self.payload, self.done, self.chunks = payload, done, []

    def connection_made(self, transport) -> None:
        transport.write(self.payload)

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)

    def connection_lost(self, exc) -> None:
        if not self.done.done():
            if exc is None:
                self.done.set_result(b"".join(self.chunks))
            else:
                self.done.set_exception(exc)


async def sleep_until(moment: float) -> None:
    delay = moment - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)


async def learner(client: Client, person: dict, quiz: int, plan: dict, rng: random.Random) -> None:
    """One learner's exam day, from arrival to submit (or to the deadline)."""
    scale, opening, close = plan["scale"], client.opening, client.opening + plan["exam_seconds"]
    await sleep_until(opening + person["arrival"])
    cookies = {"Cookie": f"sessionid={person['session']}; csrftoken={person['csrf']}"}
    status, _ = await client.request("home", "GET", "/", cookies)
    await asyncio.sleep(rng.uniform(2, 10) * scale)
    status, _ = await client.request("quiz page", "GET", f"/kiem-tra/{quiz}/", cookies)
    if status != 200:
        return
    await asyncio.sleep(rng.uniform(2, 10) * scale)
    status, page = await client.request("start", "POST", f"/kiem-tra/{quiz}/bat-dau/",
                                        {**cookies, "X-CSRFToken": person["csrf"]})
    token, match = TOKEN_RE.search(page), ATTEMPT_RE.search(page)
    if status != 200 or not token or not match:
        client.errors["start: no token or attempt on the page"] += status == 200
        return
    attempt, token, answers = int(match.group(1)), token.group(1), paper_answers(page)
    # Think times: log-normal (most answers quick, a few long), mean --think-seconds.
    sigma = 0.8
    mu = math.log(plan["think"]) - sigma * sigma / 2
    lose_at = rng.randrange(QUESTIONS) if rng.random() < plan["resume"] else -1
    stop_answering = close - 3 * scale  # a learner stops a moment before the clock runs out
    for seq, slot in enumerate(rng.sample(range(1, QUESTIONS + 1), QUESTIONS), start=1):
        await asyncio.sleep(min(rng.lognormvariate(mu, sigma) * scale, max(0.0, stop_answering - time.monotonic())))
        if time.monotonic() >= stop_answering:
            break
        if seq - 1 == lose_at:  # the connection drops: back after 20-120 s, the exam page loaded again
            await asyncio.sleep(min(rng.uniform(20, 120) * scale, max(0.0, stop_answering - time.monotonic())))
            if time.monotonic() >= stop_answering:
                break
            status, page = await client.request("resume", "GET", f"/kiem-tra/bai-lam/{attempt}/", cookies)
            found = TOKEN_RE.search(page)
            if status == 200 and found:
                token, answers = found.group(1), paper_answers(page)
        response = rng.choice(answers[slot - 1])
        body = json.dumps({"slot": slot, "seq": seq, "response": response}).encode()
        status, _ = await client.request("save", "POST", SAVE_PATH, {
            **cookies, "X-Attempt-Token": token, "Content-Type": "application/json"}, body)
        if status == 200:
            client.acked[(attempt, slot)] = (seq, response)
    if person["submits"]:
        await sleep_until(max(time.monotonic(), close - rng.uniform(0, plan["last"]) - 2 * scale))
        if time.monotonic() < close:
            # As the exam page's script submits: by the attempt's token, with the browser's cookies along.
            status, text = await client.request("submit", "POST", SUBMIT_PATH, {
                **cookies, "X-Attempt-Token": token, "Accept": "application/json",
                "Content-Type": "application/json"}, b'{"pending": [], "auto": false}')
            if status == 200 and '"ok": true' in text:
                client.submitted.add(attempt)


def arrivals(count: int, window: float, burst: float, rng: random.Random) -> list[float]:
    """Arrival times in seconds after the opening: `burst` of the learners in the opening minute (most in its first
    seconds), the others evenly over the window."""
    minute = min(60.0, window)
    times = []
    for _ in range(count):
        if rng.random() < burst:
            times.append(min(rng.expovariate(1 / (minute / 4)), minute))
        else:
            times.append(rng.uniform(0, window))
    return times


async def healthz_ceiling(port: int, seconds: float, concurrency: int) -> tuple[int, float, list[float]]:
    """GET /healthz back to back from `concurrency` loops: the server's ceiling for a request that does nothing."""
    client = Client(port, time.monotonic(), asyncio.Semaphore(concurrency))
    end = time.monotonic() + seconds

    async def loop() -> None:
        while time.monotonic() < end:
            await client.request("healthz", "GET", "/healthz", {})

    started = time.monotonic()
    await asyncio.gather(*(loop() for _ in range(concurrency)))
    elapsed = time.monotonic() - started
    return sum(r.ok for r in client.records), elapsed, [r.ms for r in client.records]


# --- the overdue worker and the CPU -----------------------------------------------------------------------------


class OverdueWorker:
    """`hocso submit_overdue_attempts --every P` as production runs it; its output lines are timestamped."""

    def __init__(self, env: dict[str, str], every: float, opening: float) -> None:
        self.rounds: list[tuple[float, int]] = []
        self.process = psutil.Popen(
            [sys.executable, "-m", "hocso", "submit_overdue_attempts", "--every", f"{every:.2f}"], cwd=REPO,
            env={**env, "PGAPPNAME": "hocso-overdue-bench"}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        self.opening = opening
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            if line.startswith("Submitted "):
                self.rounds.append((time.monotonic() - self.opening, int(line.split()[1])))
            elif line.strip():
                print(f"   overdue worker: {line.rstrip()}")

    def cpu(self) -> float:
        return _cpu_seconds([self.process])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except psutil.TimeoutExpired:
            self.process.kill()


def backend_cpu(url: str, application: str) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        pids = [row[0] for row in conn.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s",
                                               [application])]
    return _cpu_seconds([psutil.Process(pid) for pid in pids if psutil.pid_exists(pid)])


def database_cpu(database: str, before: dict[int, float] | None = None) -> dict[int, float] | float:
    """PostgreSQL's processes for `database` (exam_load's selection), per pid; with `before`, the CPU seconds spent
    since by the processes alive now (a backend that ended meanwhile takes its time with it: a small undercount)."""
    now = {}
    for process in _database_processes(database):
        try:
            times = process.cpu_times()
            now[process.pid] = times.user + times.system
        except psutil.Error:
            pass
    if before is None:
        return now
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in now.items())


def hook_totals() -> dict[str, list[float]]:
    """Per request kind: count, gunicorn CPU s, PostgreSQL backend CPU s (the workers' files, summed)."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for path in WORK.glob("cpu/cpu-*.json"):
        for kind, row in json.loads(path.read_text()).items():
            for i in range(3):
                totals[kind][i] += row[i]
    return totals


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


# --- the check ----------------------------------------------------------------------------------------------


def check_database(quiz_id: int, client: Client) -> list[str]:
    from django.db import connection
    from django.db.models import Count

    from hocso.assessment.models import Answer, Attempt, AttemptState

    connection.close()
    problems = []
    stored = {(a, s): (q, r) for a, s, q, r in
              Answer.objects.filter(attempt__quiz_id=quiz_id).values_list("attempt_id", "slot", "seq", "response")}
    missing = newer = different = 0
    for key, (seq, response) in client.acked.items():
        found = stored.get(key)
        if found is None:
            missing += 1
        elif found[0] > seq:
            newer += 1  # a later save reached the server but its answer did not reach the learner
        elif found[0] != seq or found[1] != response:
            different += 1
    print(f"   acknowledged saves (latest per question): {len(client.acked):,}; stored with that seq and answer: "
          f"{len(client.acked) - missing - newer - different:,}; missing {missing}, older or different "
          f"{different}, newer than acknowledged {newer}")
    if missing or different:
        problems.append(f"{missing} acknowledged answers missing, {different} stored older or different")
    attempts = Attempt.objects.filter(quiz_id=quiz_id)
    states = dict(attempts.order_by().values_list("state").annotate(n=Count("id")))
    auto = attempts.filter(auto_submitted=True).count()
    by_learner = attempts.filter(auto_submitted=False, submitted_at__isnull=False).count()
    ungraded = attempts.exclude(state=AttemptState.GRADED).count()
    print(f"   attempts: {sum(states.values()):,} ({', '.join(f'{k} {v:,}' for k, v in states.items())}); submitted "
          f"by the learner {by_learner:,} (client saw {len(client.submitted):,} acknowledged), by the server at the "
          f"deadline {auto:,}")
    if ungraded:
        problems.append(f"{ungraded} attempts not graded")
    mine = set(attempts.filter(auto_submitted=False, state=AttemptState.GRADED).values_list("id", flat=True))
    late = client.submitted - mine  # acknowledged, but the server had already submitted it at the deadline
    if late:
        print(f"   {len(late):,} learner submits arrived after the server had submitted the attempt at the deadline")
    return problems


# --- the run ------------------------------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    scale = args.time_scale
    rng = random.Random(args.seed)
    WORK.mkdir(parents=True, exist_ok=True)
    cpu_dir = WORK / "cpu"
    cpu_dir.mkdir(exist_ok=True)
    for old in cpu_dir.glob("cpu-*.json"):
        old.unlink()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    port = free_port()
    env = {**server_environment(args, port), "HOCSO_VAR_DIR": str(WORK), "BENCH_CPU_DIR": str(cpu_dir)}
    os.environ.update(env)
    ensure_database(args.database_url)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    plan = prepare(args)
    quiz_id = plan["quiz"]
    exam_seconds = args.exam_minutes * 60 * scale
    window = args.window_minutes * 60 * scale
    people = plan["accounts"][: args.learners]
    for person, arrival in zip(people, arrivals(len(people), window, args.burst, rng), strict=True):
        person["arrival"] = arrival
        person["submits"] = rng.random() >= args.no_submit
    database = urlparse(args.database_url).path.lstrip("/")
    print(f"Scenario: {len(people):,} learners over a {args.window_minutes:g}-minute window ({args.burst:.0%} in the "
          f"opening minute), {QUESTIONS} questions, think time mean {args.think_seconds:g} s, deadline "
          f"{args.exam_minutes:g} min after the opening, {args.no_submit:.0%} never submit, {args.resume:.0%} resume; "
          f"time scale {scale:g} (the day lasts {exam_seconds:.0f} s here). gunicorn: {args.workers} sync workers "
          f"on 127.0.0.1:{port}; database {database}.")

    with gunicorn(env, port, args.workers, HERE / "gunicorn.conf.py") as server:
        cookie = f"sessionid={people[0]['session']}; csrftoken={people[0]['csrf']}"
        for _ in range(4 * args.workers):
            get(port, "/healthz")
            get(port, "/", cookie)
            if get(port, f"/kiem-tra/{quiz_id}/", cookie) != 200:
                raise SystemExit("The quiz page did not answer 200 for a prepared session: the bench needs updating.")
        time.sleep(1.5)
        warm = hook_totals()
        # The quiz closes at the deadline: every attempt's deadline is the closing time.
        from django.db import connection
        from django.utils import timezone

        from hocso.assessment.models import Quiz

        opening_wall = timezone.now() + dt.timedelta(seconds=1)
        Quiz.objects.filter(pk=quiz_id).update(close_at=opening_wall + dt.timedelta(seconds=exam_seconds))
        connection.close()
        opening = time.monotonic() + (opening_wall - timezone.now()).total_seconds()
        overdue = OverdueWorker(env, max(1.0, 30 * scale), opening)
        # The worker's CPU from the deadline on is the automatic submission's (before it, idle rounds).
        worker_before: list[float] = []
        snapshot = threading.Timer(max(0.0, opening + exam_seconds - time.monotonic()), lambda: worker_before.extend(
            (overdue.cpu(), backend_cpu(args.database_url, "hocso-overdue-bench"))))
        snapshot.start()
        servers = _server_processes(server)
        before = (_cpu_seconds(servers), database_cpu(database), resource.getrusage(resource.RUSAGE_SELF))
        stop = threading.Event()
        analyzer = threading.Thread(target=_autoanalyze, args=(args.database_url, stop), daemon=True)
        analyzer.start()

        async def day() -> Client:
            client = Client(port, opening, asyncio.Semaphore(args.max_connections))
            day_plan = {"scale": scale, "exam_seconds": exam_seconds, "think": args.think_seconds,
                        "resume": args.resume, "last": args.last_minutes * 60 * scale}
            await asyncio.gather(*(learner(client, p, quiz_id, day_plan, random.Random(rng.random()))
                                   for p in people))
            return client

        client = asyncio.run(day())
        learners_done = time.monotonic() - opening
        client_usage = resource.getrusage(resource.RUSAGE_SELF)
        client_cpu = (client_usage.ru_utime - before[2].ru_utime) + (client_usage.ru_stime - before[2].ru_stime)
        # The server submits the rest: wait until no attempt is in progress (at most 5 minutes after the deadline).
        deadline_at = exam_seconds + 5
        from hocso.assessment.models import Attempt, AttemptState

        while time.monotonic() - opening < deadline_at + 300:
            if not Attempt.objects.filter(quiz_id=quiz_id, state=AttemptState.IN_PROGRESS).exists():
                break
            time.sleep(0.5)
        all_graded = time.monotonic() - opening
        worker_cpu = overdue.cpu()
        worker_pg = backend_cpu(args.database_url, "hocso-overdue-bench")
        connection.close()
        after = (_cpu_seconds(servers), database_cpu(database, before[1]))
        stop.set()
        analyzer.join()
        overdue.stop()
        machine = psutil.cpu_times()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        ok, seconds, healthz_ms = asyncio.run(healthz_ceiling(port, args.healthz_seconds, args.healthz_concurrency))
        machine = {f: getattr(psutil.cpu_times(), f) - getattr(machine, f) for f in machine._fields}
        spent = resource.getrusage(resource.RUSAGE_SELF)
        healthz_client = spent.ru_utime - usage.ru_utime + spent.ru_stime - usage.ru_stime
        idle = (machine.get("idle", 0) + machine.get("iowait", 0)) / (seconds * psutil.cpu_count())
    snapshot.join()
    totals = hook_totals()  # the workers wrote their last figures when gunicorn stopped them
    report(args, client, totals, warm, totals, ok, seconds, healthz_ms, overdue, worker_before,
           (worker_cpu, worker_pg), client_cpu, before, after, learners_done, all_graded, exam_seconds)
    print(f"   during the ceiling: the client used {healthz_client / ok * 1000:.2f} ms of CPU per request, the machine "
          f"was {idle:.0%} idle")
    print("\n== Check in the database")
    problems = check_database(quiz_id, client)
    for problem in problems:
        print(f"   ! {problem}")
    print("   all acknowledged answers stored, every attempt graded" if not problems else "   CHECK FAILED")
    if problems:
        raise SystemExit(1)


def report(args, client: Client, day_totals, warm, totals, healthz_ok, healthz_seconds, healthz_ms, overdue,
           worker_before, worker_after, client_cpu, before, after, learners_done, all_graded, exam_seconds) -> None:
    scale, bucket = args.time_scale, args.bucket_seconds
    records = client.records
    auto_total = sum(n for _t, n in overdue.rounds)
    print(f"\n== Throughput over time, requests/s per {bucket:g}-second bucket (exam-day clock in brackets)")
    last = max([r.ended for r in records] + [t for t, _ in overdue.rounds] + [0])
    count = int(last // bucket) + 1
    grid = defaultdict(lambda: [0] * count)
    for r in records:
        grid[r.kind][max(0, int(r.ended // bucket))] += 1
    for t, n in overdue.rounds:
        grid["auto-submit"][int(t // bucket)] += n
    print("   " + f"{'seconds':<16}" + "".join(f"{k:>12}" for k in KINDS))
    for i in range(count):
        label = f"{i * bucket:.0f}-{(i + 1) * bucket:.0f} [{i * bucket / scale / 60:.0f}′]"
        print("   " + f"{label:<16}" + "".join(f"{grid[k][i] / bucket:>12.1f}" for k in KINDS))

    print("\n== Per request kind (latency at the client; CPU per request: gunicorn + PostgreSQL backend)")
    health = [a - b for a, b in zip(totals.get("healthz", [0, 0.0, 0.0]), warm.get("healthz", [0, 0.0, 0.0]),
                                    strict=True)]
    health_cpu = (health[1] + health[2]) / health[0] if health[0] else float("nan")
    print(f"   {'kind':<12}{'count':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"{'CPU ms':>16}{'× healthz':>11}")
    for kind in KINDS[:-1]:
        rows = [r for r in records if r.kind == kind]
        ms = [r.ms for r in rows]
        n, py, pg = day_totals.get(kind, [0, 0.0, 0.0])
        n -= warm.get(kind, [0])[0]
        py -= warm.get(kind, [0, 0.0])[1]
        pg -= warm.get(kind, [0, 0.0, 0.0])[2]
        cpu = f"{py / n * 1000:.1f} + {pg / n * 1000:.1f}" if n else "-"
        ratio = f"{(py + pg) / n / health_cpu:.1f}" if n and health_cpu == health_cpu else "-"
        print(f"   {kind:<12}{len(rows):>9,}{sum(not r.ok for r in rows):>8,}{percentile(ms, 50):>9.0f}"
              f"{percentile(ms, 95):>9.0f}{percentile(ms, 99):>9.0f}{cpu:>16}{ratio:>11}")
    worker_py = worker_after[0] - worker_before[0]
    worker_pg = worker_after[1] - worker_before[1]
    if auto_total:
        per = (worker_py + worker_pg) / auto_total
        print(f"   {'auto-submit':<12}{auto_total:>9,}{0:>8}{'':>27}"
              f"{f'{worker_py / auto_total * 1000:.1f} + {worker_pg / auto_total * 1000:.1f}':>16}"
              f"{per / health_cpu:>11.1f}")
        first, last = min(t for t, _ in overdue.rounds), max(t for t, _ in overdue.rounds)
        print(f"   auto-submit: {auto_total:,} attempts by the overdue worker in {len(overdue.rounds)} round(s), the "
              f"first ending {first - exam_seconds:.1f} s after the deadline, the last {last - exam_seconds:.1f} s "
              f"after it (grace 5 s, the worker's period {max(1.0, 30 * scale):.0f} s)")
    healthz_cpu_ms = health_cpu * 1000
    each = f"{health[1] / health[0] * 1000:.2f} + {health[2] / health[0] * 1000:.2f}" if health[0] else "-"
    print(f"   {'healthz':<12}{health[0]:>9,}{0:>8}{percentile(healthz_ms, 50):>9.0f}{percentile(healthz_ms, 95):>9.0f}"
          f"{percentile(healthz_ms, 99):>9.0f}{each:>16}{1.0:>11.1f}")
    print(f"   /healthz ceiling in the same run: {healthz_ok / healthz_seconds:,.0f}/s with "
          f"{args.healthz_concurrency} connections at a time ({healthz_cpu_ms:.2f} ms of server CPU each)")
    for error, n in sorted(client.errors.items(), key=lambda e: -e[1])[:10]:
        if n:
            print(f"   ! {n:,} × {error}")

    requests = len(records)
    gunicorn_cpu, database_cpu = after[0] - before[0], after[1]
    print(f"\n== CPU over the day ({learners_done:.0f} s of learners, every attempt graded at {all_graded:.0f} s)")
    print(f"   gunicorn {gunicorn_cpu:.1f} s, PostgreSQL (all its processes for this database) {database_cpu:.1f} s, "
          f"the overdue worker {worker_after[0]:.1f} s, the client {client_cpu:.1f} s "
          f"({client_cpu / requests * 1000:.2f} ms per request, {requests:,} requests)")
    hooked = sum(day_totals[k][1] for k in day_totals) - sum(warm[k][1] for k in warm)
    if gunicorn_cpu:
        print(f"   the per-request figures above sum to {hooked / gunicorn_cpu:.0%} of gunicorn's CPU"
              " counted per process (master, workers' start-up and the accounting itself included there)")
    print(f"   machine: {psutil.cpu_count()} cores, load average now {os.getloadavg()[0]:.1f} "
          "(other work on the machine slows the latencies; the CPU per request does not depend on it)")


if __name__ == "__main__":
    main()
