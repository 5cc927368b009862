"""Quarterly test campaigns at province size: snapshot computation, then the public board and the IOC feed over HTTP.

    .venv/bin/python bench/campaign_bench.py                     # PostgreSQL: hocso_bench_campaigns (created)
    .venv/bin/python bench/campaign_bench.py --sqlite            # the same figures on SQLite afterwards
    .venv/bin/python bench/campaign_bench.py --database-url postgres://postgres@127.0.0.1:5432/other --rebuild

The first run builds the demo province with 25,000 people (`hocso.demo.builder.build_demo`, the same helpers as
`seed_demo --learners 25000`), then 8 campaigns over two years of quarters (Quý IV/2024 … Quý III/2026) on the whole
province, each on its own published quiz, with submitted attempts for most of the audience (participation and
scores vary by unit and quarter; some people sit twice, a few leave an attempt open). Later runs reuse the data
(`--rebuild` builds it again). Attempts are written in bulk without their papers: campaign figures read only the
attempt rows (state, start time, percent).

It then times `campaign_publish` (the snapshot: every unit's own and subtree figures, frozen) for each campaign,
starts gunicorn (bench/exam_load/gunicorn.conf.py: sync workers, DEBUG off, persistent connections) on a loopback
port and sends requests from a pool of threads (http.client) to the public board (the province, and the province's
agencies) and to the IOC feed with an API key (the list, per-campaign results pages, and an ETag poll answered
304). For each it prints p50/p95/p99 of the **server-side** time (gunicorn's access log, %(D)s: from reading the
request to the last byte written) and of the time the client saw. Asserts nothing; goals: snapshot < 10 s,
p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

from benchlib import StatementCounter, ensure_database, machine_line, start_django_worker, stop_server

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench-campaigns"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/hocso_bench_campaigns"
SQLITE_DATABASE = f"sqlite:///{WORK / 'bench.sqlite3'}"
PREFIX = "Đo tải đợt kiểm tra"
GOAL_SNAPSHOT_S, GOAL_P95_MS = 10.0, 100.0


def _quarter(year: int, number: int) -> tuple[str, dt.date, dt.date]:
    opens = dt.date(year, 3 * number - 2, 1)
    closes = (dt.date(year + 1, 1, 1) if number == 4 else dt.date(year, 3 * number + 1, 1)) - dt.timedelta(days=1)
    return f"Quý {['I', 'II', 'III', 'IV'][number - 1]}/{year}", opens, closes


# Two years of quarters, oldest first: (label, opens, closes).
QUARTERS = [_quarter(2024, 4)] + [_quarter(2025, q) for q in (1, 2, 3, 4)] + [_quarter(2026, q) for q in (1, 2, 3)]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--sqlite", action="store_true", help="also take the figures on SQLite (var/bench-campaigns)")
    parser.add_argument("--learners", type=int, default=25_000)
    parser.add_argument("--rebuild", action="store_true", help="build the data again")
    parser.add_argument("--requests", type=int, default=600, help="requests per endpoint (default 600)")
    parser.add_argument("--concurrency", type=int, default=4,
                        help="client threads (default 4: one per worker, so requests do not wait for a worker)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="gunicorn workers")
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # internal: the database URL this process measures
    return parser.parse_args()


# --- data (in the worker process, Django set up) -----------------------------------------------------------------


def _delete_bench_campaigns() -> None:
    from django.db import connection

    from hocso.assessment.models import Attempt, Quiz
    from hocso.campaigns.models import Campaign, Snapshot

    ids = list(Campaign.objects.filter(title__startswith=PREFIX).values_list("pk", flat=True))
    Snapshot.objects.filter(campaign_id__in=ids).delete()
    Campaign.objects.filter(pk__in=ids).delete()
    quizzes = list(Quiz.objects.filter(title__startswith=PREFIX).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        if quizzes:
            marks = ",".join(["%s"] * len(quizzes))
            cursor.execute(f"DELETE FROM {Attempt._meta.db_table} WHERE quiz_id IN ({marks})", quizzes)
    Quiz.objects.filter(pk__in=quizzes).delete()


def _local(day: dt.date, seconds: int) -> dt.datetime:
    from django.utils import timezone

    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone()) + dt.timedelta(
        seconds=seconds)


def build_campaigns(admin, root) -> list:
    """8 quizzes and campaigns, and the attempts of most of the audience. Deterministic."""
    from hocso.assessment.models import Attempt, AttemptState, Quiz
    from hocso.campaigns.services import AudienceLine, campaign_create
    from hocso.people.models import Learner

    rng = random.Random(20261127)
    people = list(Learner.objects.filter(unit__path__startswith=root.path).values_list("pk", "unit_id"))
    units = sorted({unit for _pk, unit in people})
    # Some units take part more than others, and some people score better than others, steadily over the quarters.
    unit_zeal = {u: rng.uniform(0.65, 1.0) for u in units}
    ability = {pk: rng.gauss(0, 1) for pk, _u in people}
    campaigns = []
    for index, (label, opens, closes) in enumerate(QUARTERS):
        title = f"{PREFIX} {label}"
        quiz = Quiz.objects.create(
            title=title, audience_unit=root, time_limit_minutes=45, attempts_allowed=2, is_published=True,
            grading_method="highest" if index % 4 else "last", pass_percent=Decimal(50),
            open_at=_local(opens, 0), close_at=_local(closes + dt.timedelta(days=1), 0), owner=admin,
        )
        days = (closes - opens).days + 1
        trend = 0.02 * index  # participation and scores creep up quarter after quarter
        rows = []
        for pk, unit in people:
            if rng.random() > min(0.98, unit_zeal[unit] + trend):
                continue
            tries = 2 if rng.random() < 0.2 else 1
            for number in range(1, tries + 1):
                started = _local(opens, rng.randrange(days) * 86400 + rng.randrange(7 * 3600, 17 * 3600))
                if number == tries and rng.random() < 0.02:
                    rows.append(Attempt(quiz=quiz, learner_id=pk, unit_id=unit, number=number,
                                        state=AttemptState.IN_PROGRESS, token=secrets.token_urlsafe(24),
                                        question_count=30, started_at=started,
                                        deadline=started + dt.timedelta(minutes=45), max_score=Decimal(30)))
                    continue
                right = max(0, min(30, round(30 * (0.55 + 0.15 * ability[pk] + trend + rng.gauss(0, 0.1)))))
                percent = (Decimal(100) * right / 30).quantize(Decimal("0.01"))
                rows.append(Attempt(
                    quiz=quiz, learner_id=pk, unit_id=unit, number=number, state=AttemptState.GRADED,
                    token=secrets.token_urlsafe(24), question_count=30, started_at=started,
                    deadline=started + dt.timedelta(minutes=45),
                    submitted_at=started + dt.timedelta(minutes=rng.randrange(10, 45)), score=Decimal(right),
                    max_score=Decimal(30), percent=percent, passed=percent >= 50,
                ))
        Attempt.objects.bulk_create(rows, batch_size=2000)
        campaign = campaign_create(
            actor=admin, title=title, quiz=quiz, opens_on=opens, closes_on=closes,
            lines=[AudienceLine(unit=root)], reminder_days=0,
            # Half the campaigns count only the first attempt (their own limit), the other half the quiz's.
            attempts_allowed=1 if index % 2 else None,
        )
        campaigns.append(campaign)
        print(f"  {title}: {len(rows):,} attempts", flush=True)
    return campaigns


def prepare(args: argparse.Namespace) -> tuple[list, object, object]:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from hocso.campaigns.models import Campaign
    from hocso.demo.builder import build_demo, demo_root, reset_demo
    from hocso.org.models import Unit
    from hocso.people.models import Learner

    engine = connection.vendor
    call_command("migrate", verbosity=0)
    learners = Learner.objects.count()
    if args.rebuild or demo_root() is None or learners != args.learners:
        if Unit.objects.exists() and demo_root() is None:
            sys.exit(f"{engine}: the database has units that are not the demo's; use an empty database.")
        print(f"[{engine}] building the demo province with {args.learners:,} people…", flush=True)
        started = time.perf_counter()
        _delete_bench_campaigns()
        reset_demo()
        report = build_demo(learners=args.learners)
        print(f"[{engine}] built {report.units:,} units, {report.learners:,} people in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
    root = demo_root()
    admin = get_user_model().objects.get(username="admin")
    campaigns = list(Campaign.objects.filter(title__startswith=PREFIX).order_by("opens_on"))
    if args.rebuild or len(campaigns) != len(QUARTERS):
        print(f"[{engine}] building {len(QUARTERS)} campaigns and their attempts…", flush=True)
        started = time.perf_counter()
        _delete_bench_campaigns()
        campaigns = build_campaigns(admin, root)
        print(f"[{engine}] built in {time.perf_counter() - started:.1f} s", flush=True)
        if engine == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    else:
        print(f"[{engine}] reusing {Learner.objects.count():,} people and {len(campaigns)} campaigns", flush=True)
    return campaigns, admin, root


def time_snapshots(campaigns: list, admin) -> list[tuple[str, int, int, float, int]]:
    from django.db import connection

    from hocso.campaigns.selectors import audience
    from hocso.campaigns.services import campaign_publish

    results = []
    for campaign in campaigns:
        size = audience(campaign).count()
        counter = StatementCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            snap = campaign_publish(actor=admin, campaign=campaign)
        seconds = time.perf_counter() - started
        results.append((campaign.title.removeprefix(PREFIX).strip(), size, snap.rows.count(), seconds, counter.count))
    return results


# --- HTTP ----------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port: int, path: str, headers: dict[str, str]) -> tuple[int, float, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", **headers})
        response = connection.getresponse()
        body = response.read()
        return response.status, (time.perf_counter() - started) * 1000, body
    finally:
        connection.close()


def server_environment(database_url: str, port: int, workers: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"HOCSO_TESTING", "HOCSO_DEMO", "DEBUG"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "hocso.settings", "DATABASE_URL": database_url, "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1", "CONN_MAX_AGE": "600",
        "HOCSO_VAR_DIR": str(WORK), "LOG_LEVEL": "ERROR", "BENCH_BIND": f"127.0.0.1:{port}",
        "BENCH_WORKERS": str(workers), "BENCH_WORKER_CLASS": "sync", "BENCH_THREADS": "1",
    })
    return env


def start_gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    log.unlink(missing_ok=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "bench" / "exam_load" / "gunicorn.conf.py"),
         "--access-logfile", str(log), "--access-logformat", "%(m)s %(U)s %(s)s %(D)s", "hocso.wsgi:application"],
        cwd=ROOT, env=env,
    )
    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped while starting; see the messages above.")
        try:
            if request(port, "/healthz", {})[0] == 200:
                return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.kill()
            raise SystemExit("gunicorn did not answer /healthz within 60 s.")
        time.sleep(0.2)


def run_load(port: int, paths: list[str], headers: dict[str, str], concurrency: int) -> tuple[list[float], list[int]]:
    """Every path once, from `concurrency` threads; the client-side times (ms) and the statuses."""
    times: list[float] = []
    statuses: list[int] = []
    queue = list(reversed(paths))
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                if not queue:
                    return
                path = queue.pop()
            status, ms, _body = request(port, path, headers)
            with lock:
                times.append(ms)
                statuses.append(status)

    threads = [threading.Thread(target=work) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, statuses


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process (/proc), 0 if it has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_pids(master: int) -> list[int]:
    """gunicorn's master and workers, and the PostgreSQL backends serving them (not this process's own)."""
    pids = [master]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid()")
            pids += [row[0] for row in cursor.fetchall()]
    return pids


def server_times(log: Path, offset: int) -> tuple[list[float], int]:
    """Server-side times (ms) of the requests logged after `offset` (gunicorn's %(D)s is in microseconds)."""
    with log.open("rb") as handle:
        handle.seek(offset)
        data = handle.read()
    times = [int(m.group(1)) / 1000 for m in re.finditer(rb" (\d+)\n", data)]
    return times, offset + len(data)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def measure_http(args: argparse.Namespace, database_url: str, campaigns: list, root, admin) -> list[tuple]:
    from hocso.identity.services import api_key_issue

    _key, raw_key = api_key_issue(actor=admin, name=f"Bench IOC {time.strftime('%Y-%m-%d %H:%M:%S')}")
    port = free_port()
    log = WORK / "access.log"
    env = server_environment(database_url, port, args.workers)
    # With the server's own settings (DEBUG off: hashed file names), as a deployment would.
    subprocess.run([sys.executable, "-m", "hocso", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                   check=True)
    server = start_gunicorn(env, port, log)
    api = {"X-API-Key": raw_key, "Accept-Language": "vi"}
    rng = random.Random(7)
    newest = campaigns[-1].pk
    ids = [c.pk for c in campaigns]
    # How many result pages each campaign has (page_size 50, the default).
    status, _ms, body = request(port, f"/api/v1/campaigns/{newest}/results", api)
    if status != 200:
        server.send_signal(signal.SIGTERM)
        raise SystemExit(f"The IOC feed answered {status}: {body[:300]!r}")
    pages = json.loads(body)["pages"]
    status, _ms, body = request(port, "/api/v1/campaigns", api)
    etag_headers = {**api, "If-None-Match": ""}
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/api/v1/campaigns", headers={"Host": "127.0.0.1", **api})
    etag_headers["If-None-Match"] = conn.getresponse().getheader("ETag")
    conn.close()
    n = args.requests
    endpoints = [
        ("/healthz (SELECT 1: this server's floor)", "/healthz", {}, [None] * n),
        ("board: province", f"/dot-kiem-tra/cong-khai/{newest}/", {}, [None] * n),
        ("board: province's agencies", f"/dot-kiem-tra/cong-khai/{newest}/?unit={root.pk}", {}, [None] * n),
        ("board: any campaign, agencies", None, {},
         [f"/dot-kiem-tra/cong-khai/{rng.choice(ids)}/?unit={root.pk}" for _ in range(n)]),
        ("IOC: /api/v1/campaigns", "/api/v1/campaigns", api, [None] * n),
        ("IOC: list, If-None-Match (304)", "/api/v1/campaigns", etag_headers, [None] * n),
        (f"IOC: results, pages 1–{pages} (50 rows)", None, api,
         [f"/api/v1/campaigns/{rng.choice(ids)}/results?page={rng.randint(1, pages)}" for _ in range(n)]),
        ("IOC: results, page_size=200", None, api,
         [f"/api/v1/campaigns/{rng.choice(ids)}/results?page_size=200&page={rng.randint(1, max(1, pages // 4))}"
          for _ in range(n)]),
    ]
    rows = []
    try:
        for _ in range(3 * args.workers):  # every worker loads its templates and opens its connection
            request(port, f"/dot-kiem-tra/cong-khai/{newest}/?unit={root.pk}", {})
            request(port, f"/api/v1/campaigns/{newest}/results", api)
        time.sleep(0.5)
        _times, offset = server_times(log, 0)
        for label, path, headers, targets in endpoints:
            paths = [t or path for t in targets]
            pids = server_pids(server.pid)
            cpu_before = sum(_cpu_seconds(pid) for pid in pids)
            started = time.perf_counter()
            client, statuses = run_load(port, paths, headers, args.concurrency)
            elapsed = time.perf_counter() - started
            cpu_ms = (sum(_cpu_seconds(pid) for pid in pids) - cpu_before) * 1000 / len(paths)
            time.sleep(0.3)  # the access log is written after the response
            served, offset = server_times(log, offset)
            bad = sum(1 for s in statuses if s not in (200, 304))
            rows.append((label, len(paths), bad, len(paths) / elapsed, percentile(served, 0.5),
                         percentile(served, 0.95), percentile(served, 0.99), percentile(client, 0.5),
                         percentile(client, 0.95), cpu_ms, sorted(set(statuses))))
    finally:
        stop_server(server)
    return rows


def worker(args: argparse.Namespace) -> None:
    """One database, in its own process: Django's settings are read once, from the environment set here."""
    start_django_worker(args.worker, WORK)
    from django.db import connection

    campaigns, admin, root = prepare(args)
    engine = connection.vendor
    print(f"\n== [{engine}] snapshot (campaign_publish) per campaign; goal < {GOAL_SNAPSHOT_S:.0f} s")
    print(f"   {'campaign':<16}{'audience':>10}{'rows':>8}{'seconds':>10}{'statements':>12}")
    for label, size, count, seconds, statements in time_snapshots(campaigns, admin):
        flag = "" if seconds < GOAL_SNAPSHOT_S else "   NOT met"
        print(f"   {label:<16}{size:>10,}{count:>8,}{seconds:>10.2f}{statements:>12}{flag}")
    connection.close()
    print(f"\n== [{engine}] HTTP, gunicorn {args.workers} sync workers, {args.concurrency} client threads, "
          f"{args.requests} requests each; goal p95 < {GOAL_P95_MS:.0f} ms server-side")
    print("   (server = gunicorn's own time per request; CPU = gunicorn + database CPU per request, which does not"
          " grow when other work shares the machine)")
    print(f"   {'endpoint':<42}{'req':>6}{'bad':>5}{'req/s':>8}{'server p50':>11}{'p95':>7}{'p99':>7}"
          f"{'client p50':>12}{'p95':>7}{'CPU ms':>8}  status")
    load_before = os.getloadavg()[0]
    for label, count, bad, rps, p50, p95, p99, c50, c95, cpu, statuses in measure_http(
        args, args.worker, campaigns, root, admin
    ):
        flag = "" if p95 < GOAL_P95_MS else "  NOT met"
        print(f"   {label:<42}{count:>6}{bad:>5}{rps:>8.0f}{p50:>11.1f}{p95:>7.1f}{p99:>7.1f}{c50:>12.1f}{c95:>7.1f}"
              f"{cpu:>8.1f}  {','.join(map(str, statuses))}{flag}")
    print(f"   load average before / after the HTTP run: {load_before:.1f} / {os.getloadavg()[0]:.1f}")
    print(machine_line(connection), flush=True)


def main() -> None:
    args = parse_args()
    if args.worker:
        worker(args)
        return
    urls = [args.database_url] + ([SQLITE_DATABASE] if args.sqlite else [])
    for url in urls:
        ensure_database(url)
        command = [sys.executable, __file__, "--worker", url, "--learners", str(args.learners), "--requests",
                   str(args.requests), "--concurrency", str(args.concurrency), "--workers", str(args.workers)]
        if args.rebuild:
            command.append("--rebuild")
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
