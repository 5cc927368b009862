"""Time the staff import on a realistic 25,000-row file. Prints figures; asserts nothing.

    .venv/bin/python bench/import_bench.py                      # SQLite (var/bench-import.sqlite3)
    .venv/bin/python bench/import_bench.py --database-url postgres://postgres@127.0.0.1:5432/hocso_bench_import

Each run empties its database (`flush`), builds the demo province padded to --units units with a few hundred
people (`hocso.demo.builder.build_demo`), writes --rows new people spread over those units into a hand-made-looking
.xlsx (title rows, one "Họ và tên" column, some doubled spaces, birth dates as Excel dates or d/m/yyyy text, CCCD
numbers half of which lost their leading zero, units by name, target groups by name), and then times, as the
province administrator:

  1. preview of the file: 25,000 new people (read + check every row, nothing written)
  2. apply of the same file (read + check again inside the transaction + bulk writes + audit)
  3. preview of a second version: 10% changed positions, 4% moved to another unit, 2% new people, 1% retired
  4. apply of that second version
  5. and 6. the same two steps for a third version through the web's ImportJob (upload kept, preview stored as
     JSON, error report built, progress written), as the background tasks run them

With --database-url the same figures are taken on SQLite, then on that database, each in its own process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_file(rows: list[list], title: str, *, with_status: bool = False) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append(["ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN"])
    sheet.append([title])
    sheet.append([])
    sheet.append(["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Đơn vị", "Chức vụ", "Mã ngạch",
                  "Đối tượng", "Email", "Số điện thoại", *(["Trạng thái"] if with_status else [])])
    for number, row in enumerate(rows, start=1):
        out = [number, *row]
        if isinstance(out[2], dt.date):
            cell = WriteOnlyCell(sheet, value=out[2])
            cell.number_format = "dd/mm/yyyy"
            out[2] = cell
        sheet.append(out)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def people_rows(rng: random.Random, count: int) -> list[list]:
    """`count` new people spread over the current units, as a hand-made list (names from the demo's lists)."""
    from hocso.core.cccd import century_gender_digit
    from hocso.core.text import fold
    from hocso.demo import data
    from hocso.org.models import TargetGroup
    from hocso.people.importing.resolve import load_units, unit_labels
    from hocso.people.models import Learner

    units = [u for u in load_units() if u.valid_to is None]
    labels = unit_labels(units)
    groups = list(TargetGroup.objects.values_list("name", flat=True))
    taken = set(Learner.objects.exclude(cccd=None).values_list("cccd", flat=True))
    families, weights = [n for n, _w in data.FAMILY_NAMES], [w for _n, w in data.FAMILY_NAMES]
    positions = ["Chuyên viên", "Giáo viên", "Kế toán", "Văn thư", "Phó Trưởng phòng", "Trưởng phòng", "Bác sĩ",
                 "Điều dưỡng", "Công chức Văn phòng - Thống kê", "Nhân viên"]
    ranks = ["01.003", "01.002", "01.004", "V.07.03.29", "V.08.01.03", "06.031", ""]
    rows = []
    while len(rows) < count:
        gender = rng.choice("MF")
        born = dt.date(rng.randint(1966, 2003), 1, 1) + dt.timedelta(days=rng.randrange(365))
        cccd = f"{rng.choice(['019', '019', '019', '006', '001'])}{century_gender_digit(born, gender)}" \
               f"{born.year % 100:02d}{rng.randrange(1_000_000):06d}"
        if cccd in taken:
            continue
        taken.add(cccd)
        family = rng.choices(families, weights)[0]
        middle = rng.choice([n for n, _w in data.MIDDLE_NAMES[gender]])
        given = rng.choice(data.GIVEN_NAMES[gender])
        name = f"{family} {middle} {given}" if rng.random() < 0.9 else f"{family}  {middle} {given} "
        rows.append([
            name,
            born if rng.random() < 0.7 else f"{born.day}/{born.month}/{born.year}",
            "Nam" if gender == "M" else "Nữ",
            int(cccd) if rng.random() < 0.5 else cccd,  # half lost their leading zero in Excel
            labels[rng.choice(units).pk],
            rng.choice(positions),
            rng.choice(ranks),
            rng.choice(groups),
            f"{fold(given).replace(' ', '')}{len(rows)}@thainguyen.gov.example",
            f"09{rng.randrange(100_000_000):08d}",
        ])
    return rows


def second_version(rows: list[list], rng: random.Random) -> tuple[list[list], dict[str, int]]:
    from hocso.people.importing.resolve import load_units, unit_labels
    from hocso.tests.factories import make_cccd

    labels = list(unit_labels([u for u in load_units() if u.valid_to is None]).values())
    changed = [list(row) for row in rows]
    indexes = list(range(len(changed)))
    rng.shuffle(indexes)
    n = len(changed)
    plan = {"updated": n // 10, "moved": n * 4 // 100, "left": n // 100, "new": n * 2 // 100}
    cursor = 0
    for _ in range(plan["updated"]):
        changed[indexes[cursor]][5] = rng.choice(["Chuyên viên chính", "Phó Trưởng phòng", "Kế toán", "Văn thư"])
        cursor += 1
    for _ in range(plan["moved"]):
        row = changed[indexes[cursor]]
        row[4] = rng.choice([label for label in labels[:400] if label != row[4]])
        cursor += 1
    retiring = set(indexes[cursor:cursor + plan["left"]])
    for index, row in enumerate(changed):
        row.append("Nghỉ hưu" if index in retiring else "")
    for i in range(plan["new"]):
        born = dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28)
        gender = "M" if i % 2 else "F"
        changed.append([f"Người Mới Số {i}", born, "Nam" if gender == "M" else "Nữ", make_cccd(born, gender),
                        rng.choice(labels[:400]), "Chuyên viên", "01.003", "", "", "", ""])
    return changed, plan


def worker(args: argparse.Namespace) -> None:
    os.environ["DATABASE_URL"] = args.worker
    os.environ["HOCSO_DEMO"] = "1"
    os.environ["DEBUG"] = "0"  # no query log: time what production runs
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hocso.settings")
    os.environ["HOCSO_IMPORT_MAX_ROWS"] = str(max(args.rows * 2, 50000))
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from hocso.demo.builder import build_demo
    from hocso.people.importing.engine import apply_file, preview_file
    from hocso.people.importing.jobs import job_create, run_apply, run_preview
    from hocso.people.models import ImportJob, ImportJobStatus, Learner, Membership

    engine = connection.vendor
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    report = build_demo(learners=args.learners, pad_units_to=args.units)
    print(f"[{engine}] built {report.units:,} units and {report.learners:,} people in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    rng = random.Random(2026)
    rows = people_rows(rng, args.rows)
    first = write_file(rows, "DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC NĂM 2026")
    second_rows, planned = second_version(rows, rng)
    second = write_file(second_rows, "DANH SÁCH CẬP NHẬT", with_status=True)
    print(f"[{engine}] files: {len(rows):,} rows ({len(first) / 1e6:.1f} MB) and {len(second_rows):,} rows "
          f"({len(second) / 1e6:.1f} MB); second version changes {planned}", flush=True)
    if engine == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    admin = get_user_model().objects.get(username="admin")
    on = dt.date(2026, 6, 1)

    def timed(label: str, count: int, function):
        started, cpu = time.perf_counter(), time.process_time()
        result = function()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"{label:<48} {count:>8,} rows {seconds:>7.2f} s {count / seconds:>9,.0f} rows/s {cpu:>7.2f} s",
              flush=True)
        return result

    print(f"\n[{engine}] load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}; 'cpu' is this process's "
          "CPU time (the PostgreSQL server's is not included)")
    print(f"[{engine}] {'step':<39} {'rows':>13} {'time':>9} {'speed':>15} {'cpu':>9}")
    plan = timed(f"[{engine}] 1. preview, all new", len(rows), lambda: preview_file(
        first, "ds.xlsx", actor=admin, default_unit=None, on=on))
    assert plan.counts["error"] == 0, plan.problems[:5]
    _plan, counts = timed(f"[{engine}] 2. apply, all new", len(rows), lambda: apply_file(
        first, "ds.xlsx", actor=admin, default_unit=None, on=on, expected_fingerprint=plan.fingerprint))
    assert counts["new"] == len(rows), counts
    if engine == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    plan = timed(f"[{engine}] 3. preview, second version", len(second_rows), lambda: preview_file(
        second, "ds2.xlsx", actor=admin, default_unit=None, on=on))
    print(f"[{engine}]    counts: " + ", ".join(f"{k} {plan.counts[k]:,}" for k in
                                                ("new", "updated", "moved", "left", "unchanged", "error")))
    _plan, counts = timed(f"[{engine}] 4. apply, second version", len(second_rows), lambda: apply_file(
        second, "ds2.xlsx", actor=admin, default_unit=None, on=on, expected_fingerprint=plan.fingerprint))

    # The web's path: the same engine, plus the ImportJob row (upload kept, preview JSON, error report, progress).
    third_rows, _planned = second_version([row[:10] for row in second_rows], rng)
    third = write_file(third_rows, "DANH SÁCH THÁNG 7", with_status=True)
    job = job_create(actor=admin, file_name="ds3.xlsx", content=third, default_unit=None, effective_date=on)
    timed(f"[{engine}] 5. web: preview job (JSON stored)", len(third_rows), lambda: run_preview(str(job.pk)))
    job.refresh_from_db()
    print(f"[{engine}]    preview JSON {len(json.dumps(job.preview)) / 1e6:.1f} MB; counts: "
          + ", ".join(f"{k} {job.preview['counts'][k]:,}" for k in ("new", "updated", "moved", "left", "error")))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.APPLYING, stage="queued")
    timed(f"[{engine}] 6. web: confirmed job applied", len(third_rows), lambda: run_apply(str(job.pk)))
    job.refresh_from_db()
    assert job.status == ImportJobStatus.APPLIED, (job.status, job.error)
    print(f"[{engine}] learners {Learner.objects.count():,}, memberships {Membership.objects.count():,}",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="also run on this database (e.g. PostgreSQL); it is emptied")
    parser.add_argument("--sqlite-path", default=str(ROOT / "var" / "bench-import.sqlite3"))
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--learners", type=int, default=500, help="people the demo province starts with")
    parser.add_argument("--rows", type=int, default=25000, help="rows in the imported file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    passthrough = [f"--units={args.units}", f"--learners={args.learners}", f"--rows={args.rows}"]
    Path(args.sqlite_path).parent.mkdir(parents=True, exist_ok=True)
    urls = [f"sqlite:///{Path(args.sqlite_path).resolve()}"]
    if args.database_url:
        urls.append(args.database_url)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    for url in urls:
        subprocess.run([sys.executable, __file__, f"--worker={url}", *passthrough], check=True)


if __name__ == "__main__":
    main()
