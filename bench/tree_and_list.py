"""Time the unit tree and the people list on a big province. Prints figures; asserts nothing.

    .venv/bin/python bench/tree_and_list.py                      # SQLite (var/bench.sqlite3)
    .venv/bin/python bench/tree_and_list.py --database-url postgres://postgres@127.0.0.1:5432/hocso_bench

The database is built once (5,000 units, 25,000 people, with the demo seed helpers) and reused by later runs;
--rebuild builds it again. With --database-url the same figures are taken on SQLite, then on that database.
Each figure is the median and 95th percentile of --repeat runs after two warm-up runs, with the number of SQL
statements one run issues.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchlib import StatementCounter

ROOT = Path(__file__).resolve().parent.parent


def worker(args: argparse.Namespace) -> None:
    """Runs in its own process: Django's settings are read once, from the environment set here."""
    os.environ["DATABASE_URL"] = args.worker
    os.environ["HOCSO_DEMO"] = "1"  # allows the demo seed
    os.environ["HOCSO_TESTING"] = "1"  # plain static storage: the pages render without collectstatic
    os.environ["DEBUG"] = "0"  # no debug cursor: time what production runs
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hocso.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from hocso.demo.builder import build_demo, demo_root, reset_demo
    from hocso.org.models import Unit
    from hocso.org.selectors import unit_children, with_counts
    from hocso.people.models import Learner
    from hocso.people.selectors import learner_list

    engine = connection.vendor
    call_command("migrate", verbosity=0)
    units, learners = Unit.objects.count(), Learner.objects.count()
    if args.rebuild or demo_root() is None or units < args.units or learners != args.learners:
        if units and demo_root() is None:
            sys.exit(f"{engine}: the database has units that are not the demo's; use an empty database.")
        print(f"[{engine}] building {args.units:,} units and {args.learners:,} people…", flush=True)
        started = time.perf_counter()
        reset_demo()
        report = build_demo(learners=args.learners, pad_units_to=args.units)
        print(f"[{engine}] built {report.units:,} units, {report.learners:,} people in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        if engine == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    else:
        print(f"[{engine}] reusing {units:,} units and {learners:,} people", flush=True)

    User = get_user_model()
    admin = User.objects.get(username="admin")
    focal = User.objects.get(username="daumoi.daiphuc")
    root = demo_root()
    health = Unit.objects.get(name="Sở Y tế", parent=root)
    commune = Unit.objects.get(name="Xã Đại Phúc")

    def first_page(qs) -> int:
        page = Paginator(qs, 50).get_page(1)
        return len(list(page.object_list)) + page.paginator.count

    client = Client()
    client.force_login(admin)

    def get(url: str) -> Callable[[], object]:
        def fetch():
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} answered {response.status_code}")
            return response

        return fetch

    operations: list[tuple[str, Callable[[], object]]] = [
        ("subtree count: province (with_counts)", lambda: with_counts([Unit.objects.get(pk=root.pk)])),
        (f"children + counts: province ({root.children.current().count()})",
         lambda: unit_children(actor=admin, unit=root)),
        (f"children + counts: Sở Y tế ({health.children.count()})", lambda: unit_children(actor=admin, unit=health)),
        (f"children + counts: Xã Đại Phúc ({commune.children.count()})",
         lambda: unit_children(actor=admin, unit=commune)),
        ("learner_list page 1: commune focal point, 'nguyen van'",
         lambda: first_page(learner_list(actor=focal, query="nguyen van"))),
        ("learner_list page 1: province admin, 'nguyen van'",
         lambda: first_page(learner_list(actor=admin, query="nguyen van"))),
        ("learner_list page 1: province admin, no search", lambda: first_page(learner_list(actor=admin))),
    ]
    pages = [("people:list", (), ""), ("people:list", (), "?q=nguyen+van"), ("org:tree", (), ""),
             ("org:detail", (root.pk,), ""), ("org:detail", (commune.pk,), "")]
    for name, url_args, query in pages:
        try:
            url = reverse(name, args=url_args) + query
        except NoReverseMatch:
            print(f"[{engine}] skipped {name}: no such page yet")
            continue
        operations.append((f"page GET {url} (admin)", get(url)))

    print(f"\n[{engine}] {args.repeat} runs each, after 2 warm-up runs")
    print(f"{'operation':<60} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for label, operation in operations:
        for _ in range(2):
            operation()
        statements = StatementCounter()
        # An execute wrapper, not CaptureQueriesContext: a request resets Django's query log when it starts.
        with connection.execute_wrapper(statements):
            operation()
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            operation()
            timings.append((time.perf_counter() - started) * 1000)
        p95 = statistics.quantiles(timings, n=20)[18] if len(timings) >= 2 else timings[0]
        print(f"{label:<60} {statistics.median(timings):>10.1f} {p95:>8.1f} {statements.count:>8}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="also run on this database (e.g. PostgreSQL)")
    parser.add_argument("--sqlite-path", default=str(ROOT / "var" / "bench.sqlite3"))
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--learners", type=int, default=25000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true", help="build the database again even if it exists")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    passthrough = [f"--units={args.units}", f"--learners={args.learners}", f"--repeat={args.repeat}"]
    if args.rebuild:
        passthrough.append("--rebuild")
    Path(args.sqlite_path).parent.mkdir(parents=True, exist_ok=True)
    urls = [f"sqlite:///{Path(args.sqlite_path).resolve()}"]
    if args.database_url:
        urls.append(args.database_url)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    for url in urls:
        subprocess.run([sys.executable, __file__, f"--worker={url}", *passthrough], check=True)


if __name__ == "__main__":
    main()
