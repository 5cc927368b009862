"""Each role's home page at province size: the figures cold (cache empty) in-process, then over HTTP with gunicorn.

    .venv/bin/python bench/home_bench.py                      # PostgreSQL: hocso_bench_home (created if missing)
    .venv/bin/python bench/home_bench.py --sqlite             # then the same on SQLite (var/bench-home/bench.sqlite3)
    .venv/bin/python bench/home_bench.py --learners 25000 --requests 300 --rebuild

The first run builds the demo province with `--learners` people (`hocso.demo.builder.build_demo`, as `seed_demo
--learners 25000`: 1,135 units, the demo's accounts, quizzes and past attempts, its open campaign Quý IV/2026 on
the whole province, its training plan, courses, classes and sessions); later runs reuse it (`--rebuild` builds it
again). Each demo account is given a signed-in session (written directly, consent recorded, as if they had signed
in before).

1. **Cold, in-process** (Django's test `Client`, the full middleware and templates, no network): each role's home
   with the cache emptied first, `--cold` times (default 3): median ms and SQL statements. This is what a request
   pays when its figures are not cached (the first after `HOME_CACHE_SECONDS`, per gunicorn worker with the
   default local-memory cache), and a second request right after it (warm).
2. **HTTP**: gunicorn (`bench/exam_load/gunicorn.conf.py`: sync workers, DEBUG off, persistent connections, static
   files collected) on a loopback port; every worker is warmed up, then `--requests` GETs of `/` per role from
   `--concurrency` threads with the role's session cookie, and `/healthz` as the floor. Server-side p50/p95/p99
   (gunicorn's access log, %(D)s), client p50/p95, and the CPU of gunicorn and the PostgreSQL backends per request
   (from /proc), which does not grow when other work shares the machine.

Asserts nothing; goal p95 < 150 ms at 25,000 people.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchlib import StatementCounter, ensure_database, machine_line, start_django_worker, stop_server
from campaign_bench import (
    _cpu_seconds,
    free_port,
    percentile,
    request,
    run_load,
    server_environment,
    server_pids,
    server_times,
    start_gunicorn,
)

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench-home"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/hocso_bench_home"
SQLITE_DATABASE = f"sqlite:///{WORK / 'bench.sqlite3'}"
GOAL_P95_MS = 150.0
SESSION_PREFIX = "benchhome"
# (label, demo account): each role's home once.
ROLES = [
    ("province administrator", "admin"),
    ("focal point: a department", "daumoi.khcn"),
    ("focal point: a commune", "daumoi.daiphuc"),
    ("instructor", "giangvien"),
    ("learner", "hocvien"),
    ("bridge-site coordinator", "diemcau"),
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--sqlite", action="store_true", help="also take the figures on SQLite (var/bench-home)")
    parser.add_argument("--learners", type=int, default=25_000)
    parser.add_argument("--rebuild", action="store_true", help="build the data again")
    parser.add_argument("--cold", type=int, default=3, help="cold in-process runs per role (default 3)")
    parser.add_argument("--requests", type=int, default=300, help="HTTP requests per role (default 300)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="gunicorn workers")
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # internal: the database URL this process measures
    return parser.parse_args()


# --- data ---------------------------------------------------------------------------------------------------------


def prepare(args: argparse.Namespace) -> dict[str, str]:
    """The demo province (built once), and a session key per demo account: {username: session key}."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from hocso.demo.builder import build_demo, demo_root, reset_demo
    from hocso.identity.models import (
        CONSENT_VERSION,
        ConsentRecord,
        Session,  # the session engine's own model (each row with its account)
    )
    from hocso.identity.sessions import SessionStore
    from hocso.org.models import Unit
    from hocso.people.models import Learner

    engine = connection.vendor
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off: the pages name hashed files
    if args.rebuild or demo_root() is None or Learner.objects.count() != args.learners:
        if Unit.objects.exists() and demo_root() is None:
            sys.exit(f"{engine}: the database has units that are not the demo's; use an empty database.")
        print(f"[{engine}] building the demo province with {args.learners:,} people…", flush=True)
        started = time.perf_counter()
        reset_demo()
        report = build_demo(learners=args.learners)
        print(f"[{engine}] built {report.units:,} units, {report.learners:,} people in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        if engine == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    else:
        print(f"[{engine}] reusing {Learner.objects.count():,} people", flush=True)
    users = list(get_user_model().objects.filter(username__in=[u for _label, u in ROLES]))
    have = set(ConsentRecord.objects.filter(user__in=users, version=CONSENT_VERSION).values_list("user_id", flat=True))
    ConsentRecord.objects.bulk_create([ConsentRecord(user=u, version=CONSENT_VERSION) for u in users
                                       if u.pk not in have])
    Session.objects.filter(session_key__startswith=SESSION_PREFIX).delete()
    store = SessionStore()
    keys = {}
    for user in users:
        key = SESSION_PREFIX + secrets.token_hex(12)
        data = {"_auth_user_id": str(user.pk), "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                "_auth_user_hash": user.get_session_auth_hash(), "hocso_gates": [],
                "hocso_sign_in_method": "password"}
        Session.objects.create(session_key=key, session_data=store.encode(data), user=user,
                               expire_date=timezone.now() + dt.timedelta(hours=8))
        keys[user.username] = key
    return keys


# --- cold, in-process ---------------------------------------------------------------------------------------------


def measure_cold(args: argparse.Namespace) -> list[tuple[str, float, float, int, int, list[str]]]:
    """(label, cold median ms, warm ms, cold statements, warm statements, panels) per role."""
    import re

    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    rows = []
    for label, username in ROLES:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        client.get("/")  # templates loaded, the user's session warm
        colds, counter = [], StatementCounter()
        for _ in range(args.cold):
            cache.clear()
            counter = StatementCounter()
            started = time.perf_counter()
            with connection.execute_wrapper(counter):
                response = client.get("/")
            colds.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (username, response.status_code)
        warm = StatementCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(warm):
            response = client.get("/")
        warm_ms = (time.perf_counter() - started) * 1000
        panels = re.findall(r'id="panel-([a-z]+)"', response.content.decode())
        rows.append((label, statistics.median(colds), warm_ms, counter.count, warm.count, panels))
    return rows


# --- HTTP ---------------------------------------------------------------------------------------------------------


def measure_http(args: argparse.Namespace, database_url: str, keys: dict[str, str]) -> list[tuple]:
    port = free_port()
    log = WORK / "access.log"
    env = server_environment(database_url, port, args.workers)
    env["HOCSO_VAR_DIR"] = str(WORK)
    from django.conf import settings

    env["SECRET_KEY"] = settings.SECRET_KEY  # the sessions written by prepare() are signed with it
    subprocess.run([sys.executable, "-m", "hocso", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                   check=True)
    server = start_gunicorn(env, port, log)
    n = args.requests
    endpoints = [("/healthz (SELECT 1: this server's floor)", "/healthz", {})]
    for label, username in ROLES:
        endpoints.append((f"/ as {label}", "/", {"Cookie": f"sessionid={keys[username]}", "Accept-Language": "vi"}))
    rows = []
    try:
        for _label, path, headers in endpoints[1:]:
            status, _ms, body = request(port, path, headers)
            if status != 200:
                raise SystemExit(f"{path} answered {status} for {headers}: {body[:300]!r}")
            for _ in range(3 * args.workers):  # every worker computes and caches the figures once
                request(port, path, headers)
        time.sleep(0.5)
        _times, offset = server_times(log, 0)
        for label, path, headers in endpoints:
            pids = server_pids(server.pid)
            cpu_before = sum(_cpu_seconds(pid) for pid in pids)
            started = time.perf_counter()
            client, statuses = run_load(port, [path] * n, headers, args.concurrency)
            elapsed = time.perf_counter() - started
            cpu_ms = (sum(_cpu_seconds(pid) for pid in pids) - cpu_before) * 1000 / n
            time.sleep(0.3)  # the access log is written after the response
            served, offset = server_times(log, offset)
            bad = sum(1 for s in statuses if s != 200)
            rows.append((label, n, bad, n / elapsed, percentile(served, 0.5), percentile(served, 0.95),
                         percentile(served, 0.99), percentile(client, 0.5), percentile(client, 0.95), cpu_ms,
                         sorted(set(statuses))))
    finally:
        stop_server(server)
    return rows


def worker(args: argparse.Namespace) -> None:
    """One database, in its own process: Django's settings are read once, from the environment set here."""
    start_django_worker(args.worker, WORK)
    from django.conf import settings
    from django.db import connection

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    keys = prepare(args)
    engine = connection.vendor
    print(f"\n== [{engine}] cold (cache emptied) and warm, in-process (test Client), median of {args.cold}")
    print(f"   {'home of':<30}{'cold ms':>9}{'warm ms':>9}{'statements cold/warm':>22}  panels")
    for label, cold, warm, n_cold, n_warm, panels in measure_cold(args):
        print(f"   {label:<30}{cold:>9.1f}{warm:>9.1f}{f'{n_cold} / {n_warm}':>22}  {', '.join(panels)}")
    connection.close()
    print(f"\n== [{engine}] HTTP, gunicorn {args.workers} sync workers (warmed up: figures cached), "
          f"{args.concurrency} client threads, {args.requests} requests each; goal p95 < {GOAL_P95_MS:.0f} ms")
    print("   (server = gunicorn's own time per request; CPU = gunicorn + database CPU per request)")
    print(f"   {'request':<42}{'req':>5}{'bad':>5}{'req/s':>7}{'server p50':>11}{'p95':>7}{'p99':>7}"
          f"{'client p50':>12}{'p95':>7}{'CPU ms':>8}  status")
    load_before = os.getloadavg()[0]
    for label, count, bad, rps, p50, p95, p99, c50, c95, cpu, statuses in measure_http(args, args.worker, keys):
        flag = "" if p95 < GOAL_P95_MS else "  NOT met"
        print(f"   {label:<42}{count:>5}{bad:>5}{rps:>7.0f}{p50:>11.1f}{p95:>7.1f}{p99:>7.1f}{c50:>12.1f}{c95:>7.1f}"
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
        command = [sys.executable, __file__, "--worker", url, "--learners", str(args.learners), "--cold",
                   str(args.cold), "--requests", str(args.requests), "--concurrency", str(args.concurrency),
                   "--workers", str(args.workers)]
        if args.rebuild:
            command.append("--rebuild")
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
