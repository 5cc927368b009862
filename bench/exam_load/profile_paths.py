"""Where a save, a submit, a learner's start and a /healthz request spend their CPU, in figures that do not depend on
the machine's load.

    .venv/bin/python bench/exam_load/profile_paths.py [--learners 300] [--requests 300] [--top 20]
                     [--paths save,healthz,submit,deadline,home,quiz,start] [--database-url postgres://…/hocso_profile]

Prepares the exam bench's data (bench/exam_load/run.py's `prepare`: learners with signed-in sessions, a bank of 90
questions, a quiz drawing 30) in its own database, starts one attempt per learner and answers every question, then
sends N requests of each kind through the production WSGI application (hocso.wsgi.application, as gunicorn calls
it, with its persistent database connection) in this process, under cProfile. For each kind it prints the Python
function calls and SQL statements per request, then the profile's top functions by own time and by cumulative
time. `deadline` submits the rest of the attempts as the overdue worker does when time is up (per attempt).
`home`, `quiz` and `start` are a learner's whole start (their home page, the quiz page, the start answered with the
exam page), sent with the learner's session and CSRF cookies by learners who have no attempt yet (when any of them
is asked, half the learners are kept for it); the summary line sets each kind against /healthz's CPU.

Function calls and statements are the same on a busy machine and an idle one; the times in the profile are not,
read them as shares.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import secrets
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # bench/, for benchlib

from benchlib import StatementCounter, ensure_database  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/hocso_profile"
PATHS = ("save", "healthz", "submit", "deadline", "home", "quiz", "start")
START_PATHS = ("home", "quiz", "start")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--requests", type=int, default=300, help="requests of each kind (default 300)")
    parser.add_argument("--top", type=int, default=20, help="lines of each profile listing (default 20)")
    parser.add_argument("--paths", default=",".join(PATHS), help=f"comma-separated, from {', '.join(PATHS)}")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--sql", action="store_true", help="print the SQL statements of one request of each kind")
    parser.add_argument("--dump", default="", help="a folder to write each profile to (<kind>.prof)")
    args = parser.parse_args()
    args.paths = [p.strip() for p in args.paths.split(",") if p.strip()]
    args.users = args.learners  # run.prepare reads it
    return args


def environ(method: str, path: str, body: bytes = b"", content_type: str = "", **headers: str) -> dict:
    env = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000", "wsgi.version": (1, 0), "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.multithread": False,
        "wsgi.multiprocess": True, "wsgi.run_once": False, "CONTENT_LENGTH": str(len(body)),
    }
    if content_type:
        env["CONTENT_TYPE"] = content_type
    env.update({"HTTP_" + name.upper(): value for name, value in headers.items()})
    return env


def print_top(profiler: cProfile.Profile, top: int) -> None:
    """The profile's top lines by own time, then by cumulative time."""
    for order, label in (("tottime", "own time"), ("cumulative", "cumulative")):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(top)
        lines = out.getvalue().splitlines()
        start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
        print(f"-- top {top} by {label}")
        print("\n".join(line for line in lines[start:] if line.strip()))


def call(app, env: dict) -> tuple[int, bytes]:
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"] = int(status.split()[0])

    result = app(env, start_response)
    try:
        content = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()  # as a WSGI server does: Django sends request_finished here
    return seen["status"], content


def open_attempts(plan: dict) -> list[dict]:
    """One attempt per prepared learner, every question answered, with what a save and a submit send."""
    from django.contrib.auth import get_user_model

    from hocso.assessment.bank.scoring import correct_response
    from hocso.assessment.exam.services import answer_save, attempt_start
    from hocso.assessment.models import Quiz
    from hocso.people.models import Learner

    quiz = Quiz.objects.get(pk=plan["quiz"])
    users = {u.username: u.pk for u in get_user_model().objects.filter(
        username__in=[a["username"] for a in plan["accounts"]])}
    learners = {lr.user_id: lr for lr in Learner.objects.filter(user_id__in=users.values())}
    attempts = []
    for number, account in enumerate(plan["accounts"]):
        attempt = attempt_start(learner=learners[users[account["username"]]], quiz=quiz)
        ids = attempt.option_ids
        responses = {}
        for aq in attempt.questions.select_related("version__question"):
            qtype, data = aq.version.question.qtype, aq.version.data
            right = correct_response(qtype, data) if (number + aq.slot) % 3 else None  # two answers in three right
            if right is None:
                right = {"value": False} if qtype == "truefalse" else {"text": "sai"} if qtype == "shortanswer" \
                    else {"choice": "a"} if qtype == "single" else {"choices": ["c"]} if qtype == "multiple" \
                    else {"pairs": {}}
            responses[aq.slot] = ids.encode(aq.slot, qtype, data, right)
            answer_save(token=attempt.token, slot=aq.slot, response=responses[aq.slot], seq=1)
        attempts.append({"id": attempt.pk, "token": attempt.token, "responses": responses, **account})
    return attempts


def backend_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (read from /proc: same machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def profile(name: str, requests, args: argparse.Namespace, expect: int = 200) -> float:
    """Run `requests` (callables returning (status, content)) twice: counting statements, then under cProfile."""
    from django.db import connection

    requests = list(requests)
    half = len(requests) // 2
    counter = StatementCounter()
    with connection.execute_wrapper(counter):
        for request in requests[:half]:
            status, content = request()
            if status != expect:
                raise SystemExit(f"{name}: HTTP {status} {content[:300]!r}")
    if args.sql:
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            requests[half]()
        print(f"\n-- the SQL of one {name} request")
        for query in captured.captured_queries:
            print("  ", str(query["sql"])[:400])
    rest = requests[half + 1:] if args.sql else requests[half:]
    timed, measured = rest[: len(rest) // 2], rest[len(rest) // 2:]
    backend = backend_cpu()
    started = time.process_time()
    for request in timed:
        request()
    cpu = (time.process_time() - started) / len(timed)
    database_cpu = (backend_cpu() - backend) / len(timed)
    profiler = cProfile.Profile(time.process_time)  # CPU time: waiting for PostgreSQL is not this process's
    profiler.enable()
    for request in measured:
        request()
    profiler.disable()
    stats = pstats.Stats(profiler)
    calls = stats.total_calls
    print(f"\n== {name}: {calls / len(measured):,.0f} Python function calls and {counter.count / half:.2f} SQL "
          f"statements per request ({len(measured)} profiled; without the profiler {1000 * cpu:.2f} ms of this "
          f"process's CPU each over {len(timed)}, and {1000 * database_cpu:.2f} ms of its PostgreSQL backend's)")
    print_top(profiler, args.top)
    if args.dump:
        Path(args.dump).mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(str(Path(args.dump) / f"{name}.prof"))
    return cpu


def main() -> None:
    args = parse_args()
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "hocso.settings", "DATABASE_URL": args.database_url, "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1", "CONN_MAX_AGE": "600",
        "HOCSO_VAR_DIR": str(HERE.parents[1] / "var" / "bench-profile"), "LOG_LEVEL": "ERROR",
    })
    for name in ("HOCSO_TESTING", "HOCSO_DEMO"):
        os.environ.pop(name, None)
    ensure_database(args.database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "--noinput", verbosity=0)
    if set(START_PATHS) & set(args.paths):
        call_command("collectstatic", "--noinput", verbosity=0)  # the pages name their static files' hashed names
    import run  # bench/exam_load/run.py: the same data as the load test

    plan = run.prepare(args)
    starting = plan["accounts"][len(plan["accounts"]) // 2:] if set(START_PATHS) & set(args.paths) else []
    attempts = open_attempts({**plan, "accounts": plan["accounts"][: len(plan["accounts"]) - len(starting)]})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE assessment_attempt, assessment_attemptquestion, assessment_answer")
    print(f"{len(attempts)} attempts open, every question answered.")
    import hocso.wsgi

    app = hocso.wsgi.application
    from django.urls import reverse

    save_path = reverse("assessment:save_answer")
    n = args.requests

    def save(k: int):
        attempt = attempts[k % len(attempts)]
        slot = k // len(attempts) % plan["questions"] + 1
        body = json.dumps({"slot": slot, "seq": 10 + k, "response": attempt["responses"][slot]}).encode()
        return lambda: call(app, environ("POST", save_path, body, "application/json",
                                         x_attempt_token=attempt["token"]))

    def healthz(_k: int):
        return lambda: call(app, environ("GET", "/healthz"))

    def submit(k: int):
        attempt = attempts[k]
        # As the exam page's script submits: by the attempt's token, with the browser's cookies along.
        return lambda: call(app, environ(
            "POST", reverse("assessment:submit_attempt"), b'{"pending": [], "auto": false}', "application/json",
            accept="application/json", cookie=f"sessionid={attempt['session']}; csrftoken={attempt['csrf']}",
            x_attempt_token=attempt["token"]))

    def signed_in(method: str, path: str, account: dict):
        body = f"csrfmiddlewaretoken={account['csrf']}".encode() if method == "POST" else b""
        return lambda: call(app, environ(
            method, path, body, "application/x-www-form-urlencoded" if body else "",
            cookie=f"sessionid={account['session']}; csrftoken={account['csrf']}",
            referer="http://127.0.0.1:8000/", x_csrftoken=account["csrf"]))

    quiz_path = reverse("assessment:exam_quiz", args=[plan["quiz"]])
    start_path = reverse("assessment:exam_start", args=[plan["quiz"]])
    for _ in range(20):  # warm up: templates, the prepared statement, the connection
        call(app, environ("GET", "/healthz"))
    cpu = {}
    if starting:
        for account in starting[:5]:  # warm up the start's pages (their templates and caches)
            for method, path in (("GET", "/"), ("GET", quiz_path), ("POST", start_path)):
                signed_in(method, path, account)()
        starting = starting[5:]
    if "save" in args.paths:
        for k in range(10):
            save(100_000 + k)()
        profile("save", (save(k) for k in range(2 * n)), args)
    if "healthz" in args.paths or starting:
        cpu["healthz"] = profile("healthz", (healthz(k) for k in range(2 * n)), args)
    for kind, method, path in (("home", "GET", "/"), ("quiz", "GET", quiz_path), ("start", "POST", start_path)):
        if kind in args.paths:
            cpu[kind] = profile(kind, (signed_in(method, path, account) for account in starting), args)
    if len(cpu) > 1:
        print("\n== this process's CPU per request against /healthz's: " + ", ".join(
            f"{kind} {value / cpu['healthz']:.1f} ×" for kind, value in cpu.items() if kind != "healthz"))
    submitted = 0
    if "submit" in args.paths:
        count = min(2 * n, len(attempts) // (2 if "deadline" in args.paths else 1))
        profile("submit", (submit(k) for k in range(count)), args)
        submitted = count
    if "deadline" in args.paths:
        deadline(attempts[submitted:], args)


def deadline(rest: list[dict], args: argparse.Namespace) -> None:
    """The attempts left submitted as at their deadline by the overdue worker's round."""
    import datetime as dt

    from django.utils import timezone

    from hocso.assessment.exam.services import submit_overdue_attempts
    from hocso.assessment.models import Attempt

    if len(rest) < 2:
        return
    ids = [a["id"] for a in rest]
    now = timezone.now()
    Attempt.objects.filter(pk__in=ids).update(deadline=now - dt.timedelta(minutes=1))
    half = ids[: len(ids) // 2]
    others = Attempt.objects.filter(pk__in=ids[len(half):])
    others.update(deadline=now + dt.timedelta(hours=1))  # the first half first, counted
    counter = StatementCounter()
    from django.db import connection

    with connection.execute_wrapper(counter):
        done = submit_overdue_attempts(now=now + dt.timedelta(minutes=1))
    others.update(deadline=now - dt.timedelta(minutes=1))
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    done2 = submit_overdue_attempts(now=now + dt.timedelta(minutes=1))
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"\n== deadline: {stats.total_calls / max(done2, 1):,.0f} Python function calls and "
          f"{counter.count / max(done, 1):.2f} SQL statements per attempt submitted by the overdue worker "
          f"({done} counted, {done2} profiled)")
    print_top(profiler, args.top)


if __name__ == "__main__":
    main()
